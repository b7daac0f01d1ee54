// The texts a guest gets for each event, in Russian (with its three plural forms) and English,
// from the real locale files.
import { describe, expect, it } from "vitest";
import type { BotTenant } from "../context.ts";
import { createI18n, type Locale, translator } from "../i18n.ts";
import {
  type LevelFacts,
  type NotificationEvent,
  notificationEventSchema,
  notificationTypes,
  renderNotification,
} from "./render.ts";

const i18n = createI18n();
const tenant: BotTenant = {
  id: "0190a1b2-0000-7000-8000-000000000001",
  slug: "cafe",
  name: "Cafe",
  currency: "RUB",
  timeZone: "Europe/Moscow",
  botUsername: "cafe_bot",
};
const guestId = "0190a1b2-0000-7000-8000-0000000000aa";
const bronze: LevelFacts = { id: "level-bronze", name: "Bronze", rank: 0, earnRateBps: 500 };
const gold: LevelFacts = { id: "level-gold", name: "Gold <VIP> & Co", rank: 2, earnRateBps: 750 };

function render(locale: Locale, event: NotificationEvent, levels: readonly LevelFacts[] = []) {
  return renderNotification(event, { t: translator(i18n, locale), locale, tenant, levels });
}

function text(locale: Locale, event: NotificationEvent, levels: readonly LevelFacts[] = []): string | undefined {
  return render(locale, event, levels)?.text;
}

const expired = (points: number, balance = 0): NotificationEvent => ({
  type: "points.expired",
  payload: { guestId, points, balance },
});

describe("notification texts", () => {
  it("agrees the Russian word for points with the number: 1 балл, 2 балла, 5 баллов", () => {
    expect(text("ru", expired(1))).toBe("Сгорело 1 балл. Баланс: 0.");
    expect(text("ru", expired(2))).toBe("Сгорело 2 балла. Баланс: 0.");
    expect(text("ru", expired(5))).toBe("Сгорело 5 баллов. Баланс: 0.");
    expect(text("ru", expired(11))).toBe("Сгорело 11 баллов. Баланс: 0.");
    expect(text("ru", expired(21))).toBe("Сгорело 21 балл. Баланс: 0.");
    expect(text("en", expired(1, 3))).toBe("1 point expired. Balance: 3.");
    expect(text("en", expired(2, 3))).toBe("2 points expired. Balance: 3.");
  });

  it("tells a purchase's points with the check amount in the tenant's currency, or without one", () => {
    const purchase = (amountMinor: string | null): NotificationEvent => ({
      type: "points.earned",
      payload: { guestId, earned: 62, balance: 162, amountMinor, reason: "purchase", kind: "accrual" },
    });
    expect(text("ru", purchase("125050"))).toBe("+62 балла за покупку на 1 250,50 ₽. Баланс: 162.");
    expect(text("en", purchase("125050"))).toBe("+62 points for your purchase of ₽1,250.50. Balance: 162.");
    expect(text("ru", purchase(null))).toBe("+62 балла за покупку. Баланс: 162.");
    expect(text("en", purchase(null))).toBe("+62 points for your purchase. Balance: 162.");
    expect(render("ru", purchase(null))?.parseMode).toBe("HTML");
  });

  it("names the bonus: welcome, birthday, or any other", () => {
    const bonus = (reason: string, earned: number): NotificationEvent => ({
      type: "points.earned",
      payload: { guestId, earned, balance: earned, reason, kind: "bonus", amountMinor: null },
    });
    // The bot's sign-up already announces the welcome bonus in the same chat.
    expect(render("ru", bonus("welcome", 100))).toBeNull();
    expect(text("ru", bonus("birthday", 301))).toBe("🎂 С днём рождения! Дарим 301 балл. Баланс: 301.");
    expect(text("en", bonus("birthday", 301))).toBe("🎂 Happy birthday! Here are 301 points. Balance: 301.");
    expect(text("ru", bonus("anniversary", 3))).toBe("🎁 Бонус: +3 балла. Баланс: 3.");
  });

  it("tells points paid with and the balance after", () => {
    const redeemed: NotificationEvent = { type: "points.redeemed", payload: { guestId, redeemed: 44, balance: 6 } };
    expect(text("ru", redeemed)).toBe("Оплачено баллами: 44 балла. Баланс: 6.");
    expect(text("en", redeemed)).toBe("Paid with points: 44 points. Balance: 6.");
  });

  it("announces a promotion with the new rate and a demotion plainly, escaping the level's name", () => {
    const change = (fromLevelId: string | null, toLevelId: string | null): NotificationEvent => ({
      type: "level.changed",
      payload: { guestId, fromLevelId, toLevelId },
    });
    const levels = [bronze, gold];
    expect(text("ru", change(bronze.id, gold.id), levels)).toBe(
      "🏆 Новый уровень: <b>Gold &lt;VIP&gt; &amp; Co</b>! Теперь баллами возвращается 7,5%.",
    );
    expect(text("en", change(bronze.id, gold.id), levels)).toBe(
      "🏆 New level: <b>Gold &lt;VIP&gt; &amp; Co</b>! You now get 7.5% back in points.",
    );
    expect(text("ru", change(gold.id, bronze.id), levels)).toBe("Ваш уровень теперь «Bronze».");
    expect(text("en", change(gold.id, bronze.id), levels)).toBe("Your level is now Bronze.");
    // the first level is a promotion; a previous level deleted since cannot be compared
    expect(text("en", change(null, bronze.id), levels)).toBe(
      "🏆 New level: <b>Bronze</b>! You now get 5% back in points.",
    );
    expect(text("en", change("level-deleted", gold.id), levels)).toBe("Your level is now Gold &lt;VIP&gt; &amp; Co.");
  });

  it("says nothing about a level change to no level, to a deleted level, or to the same rank", () => {
    const levels = [bronze, gold];
    const change = (fromLevelId: string | null, toLevelId: string | null): NotificationEvent => ({
      type: "level.changed",
      payload: { guestId, fromLevelId, toLevelId },
    });
    expect(render("ru", change(bronze.id, null), levels)).toBeNull();
    expect(render("ru", change(bronze.id, "level-deleted"), levels)).toBeNull();
    expect(render("ru", change(gold.id, gold.id), levels)).toBeNull();
  });

  it("reminds of expiring points with their last day as the tenant's calendar has it", () => {
    const expiring: NotificationEvent = {
      type: "points.expiring",
      // in Moscow the points last until the end of 14 July; in UTC that instant is 13 July
      payload: { guestId, points: 50, lastDay: "2026-07-14" },
    };
    expect(text("ru", expiring)).toBe("⏳ 50 баллов сгорят после 14 июля. Успейте потратить!");
    expect(text("en", expiring)).toBe("⏳ 50 points expire after 14 July. Use them in time!");
  });

  it("tells an adjustment's direction and the staff's reason, escaped", () => {
    const adjusted = (points: number): NotificationEvent => ({
      type: "points.adjusted",
      payload: { guestId, points, balance: 40, reason: "<b>sorry</b> for the wait & the noise" },
    });
    expect(text("ru", adjusted(22))).toBe(
      "Начислено 22 балла: &lt;b&gt;sorry&lt;/b&gt; for the wait &amp; the noise. Баланс: 40.",
    );
    expect(text("en", adjusted(-1))).toBe(
      "Removed 1 point: &lt;b&gt;sorry&lt;/b&gt; for the wait &amp; the noise. Balance: 40.",
    );
  });

  it("tells a refund's net change to the balance with its sign", () => {
    const refunded = (returned: number, reversed: number): NotificationEvent => ({
      type: "check.refunded",
      payload: { guestId, returned, reversed, balance: 80 },
    });
    expect(text("ru", refunded(30, 50))).toBe("По возврату чека баланс изменился на −20. Баланс: 80.");
    expect(text("en", refunded(30, 0))).toBe("After a refund your balance changed by +30. Balance: 80.");
    expect(render("en", refunded(25, 25))).toBeNull();
  });

  it("says nothing about events that moved no points", () => {
    const silent: NotificationEvent[] = [
      { type: "points.earned", payload: { guestId, earned: 0, balance: 10, reason: "purchase", amountMinor: "500" } },
      { type: "points.redeemed", payload: { guestId, redeemed: 0, balance: 10 } },
      { type: "points.expiring", payload: { guestId, points: 0, lastDay: "2026-07-14" } },
      { type: "points.adjusted", payload: { guestId, points: 0, balance: 10, reason: "none" } },
      expired(0, 10),
    ];
    for (const event of silent) expect(render("ru", event)).toBeNull();
  });

  it("knows the thirteen event types and refuses a payload without what its text needs", () => {
    expect([...notificationTypes].sort()).toEqual([
      "check.refunded",
      "event.cancelled_by_restaurant",
      "event.promoted",
      "event.registered",
      "event.reminder",
      "event.rescheduled",
      "event.waitlist_dropped",
      "level.changed",
      "points.adjusted",
      "points.earned",
      "points.expired",
      "points.expiring",
      "points.redeemed",
    ]);
    const parse = (type: string, payload: unknown) => notificationEventSchema.safeParse({ type, payload }).success;
    expect(parse("points.expired", { guestId, points: 5, balance: 0, lots: 2, at: "2026-07-14T00:00:00.000Z" })).toBe(
      true,
    );
    expect(parse("points.expired", { guestId, points: "5", balance: 0 })).toBe(false);
    expect(parse("points.expiring", { guestId, points: 5, lastDay: "14.07.2026" })).toBe(false);
    expect(parse("points.renamed", { guestId })).toBe(false);
    const facts = { guestId, eventId: "e", title: "Jazz", startsAt: "2026-12-06T16:00:00.000Z", pricePoints: 0 };
    expect(parse("event.reminder", { ...facts, kind: "day", registrationId: "r" })).toBe(true);
    expect(parse("event.reminder", { ...facts, kind: "week" })).toBe(false);
    expect(parse("event.registered", { ...facts, startsAt: "6 December" })).toBe(false);
  });
});
