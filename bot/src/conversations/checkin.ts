// Check-in at the door, in cashier mode: pick one of today's events (asked only when there are
// several), then identify guests one after another the way the till does (6-digit code, phone,
// or the Mini App's QR scanner). Each answer is one line: checked in (with the attendance bonus),
// already checked in, or why not (not registered, only on the waitlist, unknown code). The verb
// is idempotent per registration, so a repeated code or a retried update credits the bonus once.
// "Cancel" or /cancel ends it.
import type { Conversation } from "@grammyjs/conversations";
import { checkInGuest, type EngineDeps, listEvents } from "@maxl/api";
import { InlineKeyboard, Keyboard } from "grammy";
import type { BotContext, BotTenant, TalkContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";
import { escapeHtml, time } from "../format.ts";
import { type Locale, translator } from "../i18n.ts";
import { miniAppUrl } from "../keyboards/menu.ts";
import { identifyQuery } from "./till.ts";

export interface CheckInArgs {
  locale: Locale;
  staffId: string;
  role: "owner" | "admin" | "manager" | "cashier";
}

type Talk = Conversation<BotContext, TalkContext>;

const noKeyboard = { reply_markup: { remove_keyboard: true } } as const;

interface TodaysEvent {
  id: string;
  title: string;
  startsAt: string;
}

/** Midnight to midnight of the tenant's current day, as instants. */
export function localDay(now: Date, timeZone: string): { from: Date; to: Date } {
  const date = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    now,
  );
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  const from = new Date(midnightUtc.getTime() - offsetMs(midnightUtc, timeZone));
  return { from, to: new Date(from.getTime() + 24 * 3600_000) };
}

/** How far the zone's wall clock is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Today's events this staff member may check guests in at (their restaurants', or the whole business's). */
async function todaysEvents(engine: EngineDeps, tenant: BotTenant, args: CheckInArgs): Promise<TodaysEvent[]> {
  const { from, to } = localDay(engine.clock(), tenant.timeZone);
  const events = await listEvents(
    engine,
    { tenantId: tenant.id, staffId: args.staffId, role: args.role },
    { from: from.toISOString(), to: to.toISOString() },
  );
  // A finished event still takes late check-ins (the scheduler may have closed it a minute ago).
  return events
    .filter((event) => event.status === "published" || event.status === "finished")
    .map((event) => ({ id: event.id, title: event.title, startsAt: event.startsAt }));
}

export async function checkin(conversation: Talk, ctx: TalkContext, args: CheckInArgs): Promise<void> {
  const t = translator(ctx.deps.i18n, args.locale);
  const { engine, settings } = ctx.deps;
  const tenant = ctx.tenant;
  const actor = { source: "cashier" as const, channel: "bot" as const, staffId: args.staffId, role: args.role };
  const run = <T>(work: () => Promise<T>) => conversation.external(() => attempt(work));
  const finished = async () => {
    await ctx.reply(t("checkin-finished"), noKeyboard);
  };

  // 1. Which event?
  const today = await run(() => todaysEvents(engine, tenant, args));
  if (!today.ok) {
    await ctx.reply(refusal(t, today));
    return;
  }
  if (today.value.length === 0) {
    await ctx.reply(t("checkin-no-events"));
    return;
  }
  let event = today.value[0];
  if (today.value.length > 1) {
    const pick = new InlineKeyboard();
    for (const [index, option] of today.value.entries()) {
      pick
        .text(
          t("checkin-event-button", { time: time(option.startsAt, tenant), title: option.title }),
          `checkin:${index}`,
        )
        .row();
    }
    pick.text(t("till-cancel"), "checkin:cancel");
    await ctx.reply(t("checkin-pick"), { reply_markup: pick });
    const picked = await conversation.waitForCallbackQuery(/^checkin:(\d+|cancel)$/, {
      otherwise: (other) => other.reply(t("till-use-buttons")),
    });
    await picked.answerCallbackQuery();
    await picked.editMessageReplyMarkup();
    event = today.value[Number(picked.callbackQuery.data.slice("checkin:".length))];
    if (!event) return finished();
  }
  if (!event) return;
  const eventId = event.id;

  // 2. Guests, one after another.
  const scanner = miniAppUrl(settings.miniAppUrl, tenant, "scan");
  const guestKeyboard = new Keyboard();
  if (scanner) guestKeyboard.webApp(t("till-scan"), scanner).row();
  await ctx.reply(t("checkin-ask-guest", { title: escapeHtml(event.title) }), {
    parse_mode: "HTML",
    reply_markup: guestKeyboard.text(t("till-cancel")).resized().persistent(),
  });
  for (;;) {
    const input = await conversation.waitUntil(
      (c) => c.message?.text !== undefined || c.message?.web_app_data !== undefined,
      { otherwise: (other) => other.reply(t("till-unknown-input")) },
    );
    const text = input.message?.text?.trim() ?? "";
    if (text === t("till-cancel")) return finished();
    const query = identifyQuery(text, input.message?.web_app_data?.data);
    if (!query) {
      await ctx.reply(t("till-unknown-input"));
      continue;
    }
    const done = await run(() => checkInGuest(engine, { tenantId: tenant.id, actor, eventId, input: query }));
    if (!done.ok) {
      await ctx.reply(refusal(t, done));
      continue;
    }
    const { result, replayed } = done.value;
    const name = result.guest.name || "—";
    await ctx.reply(
      replayed
        ? t("checkin-already", { name, time: time(result.checkedInAt, tenant) })
        : result.bonusPoints > 0
          ? t("checkin-done-bonus", { name, count: result.bonusPoints })
          : result.bonusWithheld > 0
            ? t("checkin-done-bonus-withheld", { name, count: result.bonusWithheld })
            : t("checkin-done", { name }),
    );
  }
}
