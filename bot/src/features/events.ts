// The guest's Events menu: upcoming events (when, places left or the waitlist, price), each
// opening a card with what the guest can do now. Registering for an event that costs points is
// asked first ("It costs 300 points, you have 1 200. Register?") and the confirmation carries the
// idempotency key drawn with the question, so a double tap pays once. Every outcome is answered
// in a sentence: registered, waitlisted with the place in line, or the verb's refusal (level,
// deadline, not enough points). The bot calls the events verbs directly, as the Mini App's API does.
import { hears } from "@grammyjs/i18n";
import {
  cancelRegistration,
  type GuestEventView,
  guestCard,
  guestEvents,
  guestEventView,
  registerForEvent,
} from "@maxl/api";
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";
import { dayAndTime, escapeHtml } from "../format.ts";
import {
  cancelConfirmKeyboard,
  confirmationKey,
  confirmKeyboard,
  eventCardKeyboard,
  eventData,
  eventListKeyboard,
  eventPatterns,
  shortTitle,
} from "../keyboards/events.ts";

export const eventsFeature = new Composer<BotContext>();

/** The list shows this many; the Mini App shows them all. */
const LIST_LIMIT = 10;

async function registeredGuest(ctx: BotContext): Promise<string | null> {
  const guest = ctx.member.guest;
  if (guest?.registered) return guest.id;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("not-registered"));
  return null;
}

const when = (ctx: BotContext, at: string) => dayAndTime(at, ctx.tenant, ctx.member.locale);

function registrationOpen(ctx: BotContext, event: GuestEventView): boolean {
  return ctx.deps.engine.clock() < new Date(event.registrationDeadline ?? event.startsAt);
}

async function showList(ctx: BotContext, guestId: string): Promise<void> {
  const events = (await guestEvents(ctx.deps.engine, ctx.tenant.id, guestId)).slice(0, LIST_LIMIT);
  if (events.length === 0) {
    await ctx.reply(ctx.t("events-empty"));
    return;
  }
  const lines = events.map((event) =>
    ctx.t("events-line", {
      when: when(ctx, event.startsAt),
      title: escapeHtml(event.title),
      places: event.full ? ctx.t("events-waitlist") : ctx.t("events-places", { count: event.placesLeft }),
      price: event.pricePoints > 0 ? ctx.t("events-price", { count: event.pricePoints }) : ctx.t("events-free"),
      mine:
        event.my.status === "registered"
          ? ctx.t("events-mine-registered")
          : event.my.status === "waitlisted"
            ? ctx.t("events-mine-waitlisted")
            : "",
    }),
  );
  await ctx.reply([ctx.t("events-title"), ...lines].join("\n\n"), {
    parse_mode: "HTML",
    reply_markup: eventListKeyboard(events, (event) => `${when(ctx, event.startsAt)} · ${shortTitle(event.title)}`),
  });
}

async function showEvent(ctx: BotContext, event: GuestEventView): Promise<void> {
  const open = registrationOpen(ctx, event);
  const lines = [`<b>${escapeHtml(event.title)}</b>`, ctx.t("event-when", { when: when(ctx, event.startsAt) })];
  if (event.restaurant) lines.push(ctx.t("event-where", { where: escapeHtml(event.restaurant.name) }));
  lines.push(event.pricePoints > 0 ? ctx.t("event-price", { count: event.pricePoints }) : ctx.t("event-price-free"));
  if (event.attendanceBonusPoints > 0) lines.push(ctx.t("event-bonus", { count: event.attendanceBonusPoints }));
  if (event.minLevel) lines.push(ctx.t("event-level", { level: escapeHtml(event.minLevel.name) }));
  lines.push(event.full ? ctx.t("event-full") : ctx.t("event-places", { count: event.placesLeft }));
  // A card opened from an old list: the event was cancelled or is over since.
  if (event.status !== "published") lines.push(ctx.t(`error-event-${event.status}`));
  else if (!open) lines.push(ctx.t("event-closed"));
  else if (event.registrationDeadline)
    lines.push(ctx.t("event-deadline", { deadline: when(ctx, event.registrationDeadline) }));
  if (event.description.trim()) lines.push("", escapeHtml(event.description.trim()));
  const mine = event.my.checkedIn
    ? ctx.t("event-my-checked-in")
    : event.my.status === "registered"
      ? ctx.t("event-my-registered")
      : event.my.status === "waitlisted"
        ? ctx.t("event-my-waitlisted", { position: event.my.waitlistPosition ?? 1 })
        : null;
  if (mine) lines.push("", mine);
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: eventCardKeyboard(ctx.t, event, open) });
}

/** The event as this guest sees it, or a sentence that it is gone. */
async function findEvent(ctx: BotContext, guestId: string, eventId: string): Promise<GuestEventView | null> {
  const found = await attempt(() => guestEventView(ctx.deps.engine, ctx.tenant.id, guestId, eventId));
  if (found.ok) return found.value;
  await ctx.reply(ctx.t("event-not-found"));
  return null;
}

/** Takes the buttons off the question just answered (gone already after a double tap). */
const closeQuestion = (ctx: BotContext) => ctx.editMessageReplyMarkup().catch(() => undefined);

const openList = async (ctx: BotContext) => {
  const guestId = await registeredGuest(ctx);
  if (guestId) await showList(ctx, guestId);
};
eventsFeature.command("events", openList);
eventsFeature.filter(hears("menu-events"), openList);
eventsFeature.callbackQuery(eventData.list, async (ctx) => {
  await ctx.answerCallbackQuery();
  await openList(ctx);
});

eventsFeature.callbackQuery(eventPatterns.open, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  const event = await findEvent(ctx, guestId, ctx.match[1] ?? "");
  if (event) await showEvent(ctx, event);
});

eventsFeature.callbackQuery(eventPatterns.register, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  const found = await attempt(() => guestEventView(ctx.deps.engine, ctx.tenant.id, guestId, ctx.match[1] ?? ""));
  // A double tap on a free event's button: the first tap registered, the second is told under the button.
  const standing = found.ok ? found.value.my.status : null;
  if (standing === "registered" || standing === "waitlisted") {
    await ctx.answerCallbackQuery(
      standing === "registered"
        ? ctx.t("event-my-registered")
        : ctx.t("event-my-waitlisted", { position: found.ok ? (found.value.my.waitlistPosition ?? 1) : 1 }),
    );
    return;
  }
  await ctx.answerCallbackQuery();
  if (!found.ok) {
    await ctx.reply(ctx.t("event-not-found"));
    return;
  }
  const event = found.value;
  const key = confirmationKey();
  if (event.pricePoints === 0) {
    await register(ctx, guestId, event, key);
    return;
  }
  const { available } = await guestCard(ctx.deps.engine, ctx.tenant.id, guestId);
  // A place it cannot pay for is refused here rather than after a "Yes"; the waitlist charges
  // later, so it is offered whatever the balance (the guest is told what happens then).
  if (!event.full && available < event.pricePoints) {
    await ctx.reply(ctx.t("event-not-enough", { count: event.pricePoints, available }));
    return;
  }
  const question = event.full ? "event-confirm-waitlist" : "event-confirm-paid";
  await ctx.reply(ctx.t(question, { count: event.pricePoints, available }), {
    reply_markup: confirmKeyboard(ctx.t, event.id, key),
  });
});

eventsFeature.callbackQuery(eventPatterns.confirm, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  await closeQuestion(ctx);
  const event = await findEvent(ctx, guestId, ctx.match[1] ?? "");
  if (event) await register(ctx, guestId, event, ctx.match[2] ?? "");
});

async function register(ctx: BotContext, guestId: string, before: GuestEventView, key: string): Promise<void> {
  const done = await attempt(() =>
    registerForEvent(ctx.deps.engine, {
      tenantId: ctx.tenant.id,
      guestId,
      eventId: before.id,
      idempotencyKey: `bot-event:${key}`,
      channel: "bot",
    }),
  );
  if (!done.ok) {
    await ctx.reply(refusal(ctx.t, done));
    return;
  }
  const { event, replayed } = done.value;
  // A second tap on "Yes" finds the registration the first one made: nothing more to say.
  if (replayed && before.my.status !== "none" && before.my.status !== "cancelled") return;
  if (replayed) {
    await ctx.reply(ctx.t("event-already"));
    return;
  }
  if (event.my.status === "waitlisted") {
    const lines = [ctx.t("event-waitlisted", { position: event.my.waitlistPosition ?? 1 })];
    if (event.pricePoints > 0) lines.push(ctx.t("event-waitlisted-paid", { count: event.pricePoints }));
    await ctx.reply(lines.join("\n"));
    return;
  }
  const lines = [ctx.t("event-registered", { title: escapeHtml(event.title), when: when(ctx, event.startsAt) })];
  if (event.pricePoints > 0) {
    const { balance } = await guestCard(ctx.deps.engine, ctx.tenant.id, guestId);
    lines.push(ctx.t("event-registered-paid", { count: event.pricePoints, balance }));
  }
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
}

eventsFeature.callbackQuery(eventPatterns.cancel, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  const event = await findEvent(ctx, guestId, ctx.match[1] ?? "");
  if (!event) return;
  const paid = event.my.status === "registered" && event.pricePoints > 0;
  await ctx.reply(ctx.t(paid ? "event-confirm-cancel-paid" : "event-confirm-cancel", { title: event.title }), {
    reply_markup: cancelConfirmKeyboard(ctx.t, event.id),
  });
});

eventsFeature.callbackQuery(eventPatterns.cancelConfirmed, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  await closeQuestion(ctx);
  const before = await findEvent(ctx, guestId, ctx.match[1] ?? "");
  // Nothing to cancel any more: a double tap, or cancelled from the Mini App meanwhile.
  if (!before || (before.my.status !== "registered" && before.my.status !== "waitlisted")) return;
  const done = await attempt(() =>
    cancelRegistration(ctx.deps.engine, { tenantId: ctx.tenant.id, guestId, eventId: before.id }),
  );
  if (!done.ok) {
    await ctx.reply(refusal(ctx.t, done));
    return;
  }
  if (before.my.status === "waitlisted") {
    await ctx.reply(ctx.t("event-left-waitlist", { title: before.title }));
    return;
  }
  const lines = [ctx.t("event-cancelled", { title: before.title })];
  if (before.pricePoints > 0) {
    const { balance } = await guestCard(ctx.deps.engine, ctx.tenant.id, guestId);
    lines.push(ctx.t("event-cancelled-paid", { balance }));
  }
  await ctx.reply(lines.join("\n"));
});

eventsFeature.callbackQuery(eventData.no, async (ctx) => {
  await ctx.answerCallbackQuery(ctx.t("cancelled"));
  await closeQuestion(ctx);
});

eventsFeature.callbackQuery(eventData.keep, async (ctx) => {
  await ctx.answerCallbackQuery(ctx.t("event-kept"));
  await closeQuestion(ctx);
});
