// The Events menu's buttons and the callback data they carry. Callback data holds at most 64
// bytes: a prefix, the event's id (36) and, on a confirmation, a 10-character key drawn when the
// question is asked, which becomes the registration's idempotency key (a double tap on "Yes"
// reaches the verb with the same key and so registers and pays once).
import { randomBytes } from "node:crypto";
import type { GuestEventView } from "@maxl/api";
import { InlineKeyboard } from "grammy";
import type { Translate } from "../i18n.ts";

const ID = "([0-9a-f-]{36})";
const KEY = "([0-9a-z]{10})";

export const eventData = {
  list: "ev:list",
  /** open an event's card */
  open: (eventId: string) => `ev:o:${eventId}`,
  /** Register / Join the waitlist: asks first when it costs points */
  register: (eventId: string) => `ev:r:${eventId}`,
  /** the confirmed registration, with its idempotency key */
  confirm: (eventId: string, key: string) => `ev:y:${eventId}:${key}`,
  /** Cancel registration / Leave the waitlist: asks first */
  cancel: (eventId: string) => `ev:c:${eventId}`,
  /** the confirmed cancellation */
  cancelConfirmed: (eventId: string) => `ev:x:${eventId}`,
  /** "No" to the registration question */
  no: "ev:n",
  /** "No, keep it" to the cancellation question */
  keep: "ev:k",
} as const;

export const eventPatterns = {
  open: new RegExp(`^ev:o:${ID}$`),
  register: new RegExp(`^ev:r:${ID}$`),
  confirm: new RegExp(`^ev:y:${ID}:${KEY}$`),
  cancel: new RegExp(`^ev:c:${ID}$`),
  cancelConfirmed: new RegExp(`^ev:x:${ID}$`),
};

/** A fresh confirmation key: 10 base-36 characters (about 50 bits). */
export function confirmationKey(): string {
  return [...randomBytes(10)].map((byte) => (byte % 36).toString(36)).join("");
}

const BUTTON_TITLE = 40;

/** One button per event under the list. */
export function eventListKeyboard(events: readonly GuestEventView[], label: (event: GuestEventView) => string) {
  const keyboard = new InlineKeyboard();
  for (const event of events) keyboard.text(label(event), eventData.open(event.id)).row();
  return keyboard;
}

/** Under an event's card: what the guest can do now, and the way back to the list. */
export function eventCardKeyboard(t: Translate, event: GuestEventView, registrationOpen: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const status = event.my.status;
  if (status === "registered" && !event.my.checkedIn) {
    keyboard.text(t("event-cancel-registration"), eventData.cancel(event.id)).row();
  } else if (status === "waitlisted") {
    keyboard.text(t("event-leave-waitlist"), eventData.cancel(event.id)).row();
  } else if ((status === "none" || status === "cancelled") && registrationOpen && event.status === "published") {
    keyboard.text(t(event.full ? "event-join-waitlist" : "event-register"), eventData.register(event.id)).row();
  }
  return keyboard.text(t("event-all"), eventData.list);
}

export function confirmKeyboard(t: Translate, eventId: string, key: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("event-confirm-yes"), eventData.confirm(eventId, key))
    .text(t("event-confirm-no"), eventData.no);
}

export function cancelConfirmKeyboard(t: Translate, eventId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("event-confirm-cancel-yes"), eventData.cancelConfirmed(eventId))
    .text(t("event-keep"), eventData.keep);
}

/** Title shortened for a button (Telegram cuts long ones anyway, but mid-word). */
export function shortTitle(title: string): string {
  return title.length > BUTTON_TITLE ? `${title.slice(0, BUTTON_TITLE - 1)}…` : title;
}
