// What a guest is told in Telegram when their points, level or events change: one outbox event in, one
// message (or nothing) out, in the guest's language. Pure: the notifier loads what it needs
// (guest, tenant, levels) and sends. Every message is HTML, so anything people typed (a level's
// name, an adjustment's reason) is escaped.
import { z } from "zod";
import type { BotTenant } from "../context.ts";
import { day, dayAndTime, escapeHtml, money, signed } from "../format.ts";
import type { Locale, Translate } from "../i18n.ts";

const guestId = z.string().min(1);
const points = z.number().int();

/** What every event.* payload names (eventFacts in api/src/core/events/event-rows.ts). */
const eventFacts = {
  guestId,
  eventId: z.string().min(1),
  title: z.string(),
  startsAt: z.iso.datetime({ offset: true }),
  pricePoints: points,
};

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
  // The events verbs (api/src/core/events): balance is null when no points were paid.
  z.object({
    type: z.literal("event.registered"),
    payload: z.object({ ...eventFacts, balance: points.nullish(), channel: z.enum(["bot", "miniapp"]).nullish() }),
  }),
  z.object({ type: z.literal("event.promoted"), payload: z.object({ ...eventFacts, balance: points.nullish() }) }),
  z.object({
    type: z.literal("event.cancelled_by_restaurant"),
    payload: z.object({ ...eventFacts, reason: z.string(), returnedPoints: points }),
  }),
  z.object({
    type: z.literal("event.waitlist_dropped"),
    // reason: "points" (not enough to pay; older events name none) or "level" (below minLevel now)
    payload: z.object({
      ...eventFacts,
      reason: z.enum(["points", "level"]).nullish(),
      minLevel: z.string().nullish(),
    }),
  }),
  z.object({
    type: z.literal("event.reminder"),
    payload: z.object({ ...eventFacts, kind: z.enum(["day", "hour"]) }),
  }),
  // Staff moved a published event's start or restaurant; startsAt is the new start.
  z.object({
    type: z.literal("event.rescheduled"),
    payload: z.object({
      ...eventFacts,
      previousStartsAt: z.iso.datetime({ offset: true }),
      timeChanged: z.boolean(),
      placeChanged: z.boolean(),
    }),
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
  /** event.*: the event's restaurant as it is now (null: the whole business, or a deleted event) */
  restaurant?: string | null;
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
    case "event.registered":
      // Registered in this very chat: the bot has just said so; a second message would repeat it.
      return event.payload.channel === "bot" ? null : html(eventText(event, context));
    case "event.promoted":
    case "event.cancelled_by_restaurant":
    case "event.waitlist_dropped":
    case "event.reminder":
    case "event.rescheduled":
      return html(eventText(event, context));
  }
}

type EventNotification = Extract<NotificationEvent, { type: `event.${string}` }>;

function eventText(event: EventNotification, { t, locale, tenant, restaurant }: RenderContext): string {
  const { title, startsAt, pricePoints } = event.payload;
  // Which event, when (the tenant's clock) and where: the same opening for every event message.
  const facts = {
    title: escapeHtml(title),
    when: dayAndTime(startsAt, tenant, locale),
    where: restaurant ? escapeHtml(restaurant) : "none",
  };
  switch (event.type) {
    case "event.registered":
    case "event.promoted": {
      const { balance } = event.payload;
      const head = t(event.type === "event.registered" ? "notify-event-registered" : "notify-event-promoted", facts);
      // balance is set only when this registration paid points.
      const paid =
        pricePoints > 0 && balance !== null && balance !== undefined
          ? t("notify-event-paid", { count: pricePoints, balance })
          : null;
      return [head, paid].filter(Boolean).join("\n");
    }
    case "event.cancelled_by_restaurant": {
      const { reason, returnedPoints } = event.payload;
      const head = t("notify-event-cancelled", { ...facts, reason: escapeHtml(reason) });
      const returned = returnedPoints > 0 ? t("notify-event-returned", { count: returnedPoints }) : null;
      return [head, returned].filter(Boolean).join("\n");
    }
    case "event.waitlist_dropped":
      return event.payload.reason === "level"
        ? t("notify-event-dropped-level", { ...facts, level: escapeHtml(event.payload.minLevel ?? "?") })
        : t("notify-event-dropped", { ...facts, count: pricePoints });
    case "event.reminder":
      return t(event.payload.kind === "day" ? "notify-event-reminder-day" : "notify-event-reminder-hour", facts);
    case "event.rescheduled": {
      // The place is read when sending, so it is the new one either way.
      const { timeChanged, previousStartsAt } = event.payload;
      return timeChanged
        ? t("notify-event-rescheduled", { ...facts, was: dayAndTime(previousStartsAt, tenant, locale) })
        : t("notify-event-moved", facts);
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
