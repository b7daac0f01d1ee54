// What a guest is told in Telegram when their points or level change: one outbox event in, one
// message (or nothing) out, in the guest's language. Pure: the notifier loads what it needs
// (guest, tenant, levels) and sends. Every message is HTML, so anything people typed (a level's
// name, an adjustment's reason) is escaped.
import { z } from "zod";
import type { BotTenant } from "../context.ts";
import { day, escapeHtml, money, signed } from "../format.ts";
import type { Locale, Translate } from "../i18n.ts";

const guestId = z.string().min(1);
const points = z.number().int();

/**
 * The events a guest hears about, reduced to what the texts use. The producers are the verbs in
 * api/src/core/loyalty (pointsEvent, levelEvents, grant-bonus, expire-lots, remind-expiring,
 * adjust-points, refund-check); fields they add later pass through unread.
 */
export const notificationEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("points.earned"),
    payload: z.object({
      guestId,
      earned: points,
      balance: points,
      // "purchase" from a check, "welcome" or "birthday" from a bonus (kind "bonus")
      reason: z.string().nullish(),
      kind: z.string().nullish(),
      amountMinor: z.string().regex(/^\d+$/).nullish(),
    }),
  }),
  z.object({ type: z.literal("points.redeemed"), payload: z.object({ guestId, redeemed: points, balance: points }) }),
  z.object({
    type: z.literal("level.changed"),
    payload: z.object({ guestId, fromLevelId: z.string().nullable(), toLevelId: z.string().nullable() }),
  }),
  z.object({
    type: z.literal("points.expiring"),
    // lastDay: the last day the points can be spent, in the tenant's calendar
    payload: z.object({ guestId, points, lastDay: z.iso.date() }),
  }),
  z.object({ type: z.literal("points.expired"), payload: z.object({ guestId, points, balance: points }) }),
  z.object({
    type: z.literal("points.adjusted"),
    payload: z.object({ guestId, points, balance: points, reason: z.string() }),
  }),
  z.object({
    type: z.literal("check.refunded"),
    // returned: redeemed points given back; reversed: earned points taken back
    payload: z.object({ guestId, returned: points, reversed: points, balance: points }),
  }),
]);

export type NotificationEvent = z.infer<typeof notificationEventSchema>;

export const notificationTypes: readonly NotificationEvent["type"][] = notificationEventSchema.options.map(
  (option) => option.shape.type.value,
);

/** A level as it is now, for telling a promotion from a demotion. */
export interface LevelFacts {
  id: string;
  name: string;
  rank: number;
  earnRateBps: number;
}

export interface RenderContext {
  t: Translate;
  locale: Locale;
  tenant: BotTenant;
  /** level.changed: the levels the event names (a deleted level is simply absent) */
  levels?: readonly LevelFacts[];
}

export interface Notification {
  text: string;
  parseMode: "HTML";
}

/** The message for an event, or null when there is nothing worth telling (no points moved). */
export function renderNotification(event: NotificationEvent, context: RenderContext): Notification | null {
  const { t, locale, tenant } = context;
  const html = (text: string): Notification => ({ text, parseMode: "HTML" });
  switch (event.type) {
    case "points.earned": {
      const { earned, balance, reason, kind, amountMinor } = event.payload;
      if (earned <= 0) return null;
      // Sign-up in the bot ends with the welcome bonus in the same chat; a second message about it
      // would only repeat it.
      if (reason === "welcome") return null;
      if (reason === "birthday") return html(t("notify-bonus-birthday", { count: earned, balance }));
      if (kind === "bonus") return html(t("notify-bonus", { count: earned, balance }));
      const amount = amountMinor ? money(amountMinor, tenant, locale) : "none";
      return html(t("notify-earned", { count: earned, amount, balance }));
    }
    case "points.redeemed": {
      const { redeemed, balance } = event.payload;
      return redeemed > 0 ? html(t("notify-redeemed", { count: redeemed, balance })) : null;
    }
    case "level.changed":
      return levelChange(event.payload, context);
    case "points.expiring": {
      const { points: expiring, lastDay } = event.payload;
      if (expiring <= 0) return null;
      // lastDay is already a date in the tenant's calendar: format it as is, not as an instant.
      const date = day(`${lastDay}T12:00:00Z`, { ...tenant, timeZone: "UTC" }, locale);
      return html(t("notify-expiring", { count: expiring, date }));
    }
    case "points.expired": {
      const { points: expired, balance } = event.payload;
      return expired > 0 ? html(t("notify-expired", { count: expired, balance })) : null;
    }
    case "points.adjusted": {
      const { points: delta, balance, reason } = event.payload;
      if (delta === 0) return null;
      const key = delta > 0 ? "notify-adjusted-plus" : "notify-adjusted-minus";
      return html(t(key, { count: Math.abs(delta), reason: escapeHtml(reason), balance }));
    }
    case "check.refunded": {
      const { returned, reversed, balance } = event.payload;
      const delta = returned - reversed;
      return delta !== 0 ? html(t("notify-refunded", { delta: signed(delta), balance })) : null;
    }
  }
}

function levelChange(
  change: Extract<NotificationEvent, { type: "level.changed" }>["payload"],
  { t, levels = [] }: RenderContext,
): Notification | null {
  const find = (id: string | null) => (id === null ? undefined : levels.find((level) => level.id === id));
  const to = find(change.toLevelId);
  // No level now (the program's levels were removed), or one deleted since: nothing to announce.
  if (!to) return null;
  const from = find(change.fromLevelId);
  if (from?.id === to.id || from?.rank === to.rank) return null;
  const name = escapeHtml(to.name);
  // A first level counts as a promotion; a previous level that no longer exists cannot be
  // compared, so the guest gets the neutral sentence.
  const up = change.fromLevelId === null || (from !== undefined && to.rank > from.rank);
  const text = up
    ? t("notify-level-up", { level: name, rate: to.earnRateBps / 100 })
    : t("notify-level-down", { level: name });
  return { text, parseMode: "HTML" };
}
