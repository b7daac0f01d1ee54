// What guests are told about their events, end to end: the real events verbs write the outbox
// (registered, dropped from the waitlist, promoted, reminders, cancelled by the restaurant) and
// the notifier sends each through the fake Telegram in the guest's language, with the date in the
// tenant's time zone and the restaurant's name, and stays silent for a guest who turned
// notifications off.
import {
  accruePoints,
  cancelEvent,
  cancelRegistration,
  createEvent,
  publishEvent,
  registerForEvent,
  sendEventReminders,
  setGuestNotifications,
  updateEvent,
} from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../src/i18n.ts";
import { createNotifier, type NotifiableEvent, type Notifier, renderNotification } from "../src/notifications/index.ts";
import {
  type BotTenant,
  type BotWorld,
  createBotTenant,
  createBotWorld,
  registerGuest,
  secrets,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let notifier: Notifier;
let seen = 0n;

const NOON = new Date("2026-12-05T09:00:00Z");
const STARTS = new Date("2026-12-06T16:00:00Z"); // 19:00 in Moscow, the tenant's time zone
const HOUR = 3_600_000;
const manager = () => ({ source: "admin" as const, staffId: tenant.staff.manager, role: "manager" as const });

beforeAll(async () => {
  world = await createBotWorld();
  world.clock.now = NOON;
  tenant = await createBotTenant(world);
  notifier = createNotifier({
    apiRoot: world.telegram.apiRoot,
    secrets,
    i18n: world.deps.i18n,
    redis: world.redis,
    redisPrefix: world.redisPrefix,
    logger: world.deps.logger,
  });
});

afterAll(async () => {
  await world.close();
});

async function publishedEvent(title: string, fields: { capacity: number; pricePoints: number; restaurant: boolean }) {
  const created = await createEvent(world.engine, {
    tenantId: tenant.id,
    actor: manager(),
    input: {
      restaurantId: fields.restaurant ? tenant.restaurantId : null,
      title,
      description: "",
      startsAt: STARTS.toISOString(),
      endsAt: new Date(STARTS.getTime() + 3 * HOUR).toISOString(),
      capacity: fields.capacity,
      minLevelId: null,
      pricePoints: fields.pricePoints,
      attendanceBonusPoints: 0,
      registrationDeadline: null,
    },
  });
  return publishEvent(world.engine, { tenantId: tenant.id, actor: manager(), eventId: created.id });
}

let phoneSerial = 0;
async function guest(name: string, points: number, language = "ru") {
  const user = telegramUser(name, language);
  phoneSerial += 1;
  const guestId = await registerGuest(world, tenant, user, `+7999600${String(phoneSerial).padStart(4, "0")}`);
  if (points > 100) {
    await accruePoints(world.engine, {
      tenantId: tenant.id,
      actor: { source: "cashier", staffId: tenant.staff.cashier, role: "cashier" },
      idempotencyKey: `notify-${guestId}`,
      input: { guestId, amountMinor: BigInt(points - 100) * 2_000n, currency: "RUB" },
    });
  }
  return { guestId, chatId: user.id };
}

/** Hands every event.* outbox event written since the last call to the notifier, as the workers do. */
async function notifyEvents(): Promise<string[]> {
  const rows = await world.db.withTenant(tenant.id, (tx) =>
    tx.outboxEvent.findMany({ where: { id: { gt: seen } }, orderBy: { id: "asc" } }),
  );
  seen = rows.at(-1)?.id ?? seen;
  const outcomes: string[] = [];
  for (const row of rows.filter((candidate) => candidate.type.startsWith("event."))) {
    const event: NotifiableEvent = {
      tenantId: tenant.id,
      eventId: String(row.id),
      type: row.type,
      payload: row.payload,
    };
    outcomes.push(`${row.type}: ${await notifier.notify(event, world.engine)}`);
  }
  return outcomes;
}

function delivered(chatId: number): string[] {
  return world.telegram
    .callsTo("sendMessage", tenant.token)
    .filter((call) => call.params.chat_id === chatId && call.response?.ok === true)
    .map((call) => String(call.params.text));
}

const key = (guestId: string) => `notify-reg-${guestId}`;

describe("event notifications", () => {
  it("tells each guest what happened to their place, in the tenant's time and with the restaurant", async () => {
    const event = await publishedEvent("Винный вечер", { capacity: 1, pricePoints: 300, restaurant: true });
    const anna = await guest("Анна", 1_200);
    const boris = await guest("Борис", 100);
    const vera = await guest("Вера", 1_200);
    await notifyEvents(); // the welcome bonuses and purchases: not this test's business
    const register = (guestId: string) =>
      registerForEvent(world.engine, { tenantId: tenant.id, guestId, eventId: event.id, idempotencyKey: key(guestId) });

    await register(anna.guestId);
    await register(boris.guestId); // full: the waitlist, nothing to tell yet
    await register(vera.guestId);
    expect(await notifyEvents()).toEqual(["event.registered: sent"]);
    expect(delivered(anna.chatId)).toEqual([
      "✅ Вы записаны на «Винный вечер»: 6 дек., 19:00, Зал на Тверской.\nСписано 300 баллов. Баланс: 900.",
    ]);

    // Anna gives up her place: Boris, first in line, cannot pay and is dropped; Vera gets it.
    await cancelRegistration(world.engine, { tenantId: tenant.id, guestId: anna.guestId, eventId: event.id });
    expect(await notifyEvents()).toEqual(["event.waitlist_dropped: sent", "event.promoted: sent"]);
    expect(delivered(boris.chatId)).toEqual([
      "На «Винный вечер» (6 дек., 19:00) освободилось место, но для записи не хватило баллов (нужно 300 баллов), поэтому вы больше не в листе ожидания.",
    ]);
    expect(delivered(vera.chatId)).toEqual([
      "🎉 Освободилось место — вы записаны на «Винный вечер»: 6 дек., 19:00, Зал на Тверской.\nСписано 300 баллов. Баланс: 900.",
    ]);

    // The day before, and an hour before.
    world.clock.now = new Date(STARTS.getTime() - 23 * HOUR);
    await sendEventReminders(world.engine, tenant.id);
    world.clock.now = new Date(STARTS.getTime() - 50 * 60_000);
    await sendEventReminders(world.engine, tenant.id);
    expect(await notifyEvents()).toEqual(["event.reminder: sent", "event.reminder: sent"]);
    expect(delivered(vera.chatId).slice(1)).toEqual([
      "⏰ Завтра «Винный вечер»: 6 дек., 19:00, Зал на Тверской. Ждём вас!",
      "⏰ Через час «Винный вечер»: 6 дек., 19:00, Зал на Тверской. До встречи!",
    ]);

    // The restaurant cancels: the reason, escaped, and the points back.
    await cancelEvent(world.engine, {
      tenantId: tenant.id,
      actor: manager(),
      eventId: event.id,
      input: { reason: "Кухня <закрыта>" },
    });
    expect(await notifyEvents()).toEqual(["event.cancelled_by_restaurant: sent"]);
    expect(delivered(vera.chatId).at(-1)).toBe(
      "❌ Ресторан отменил «Винный вечер» (6 дек., 19:00, Зал на Тверской). Причина: Кухня &lt;закрыта&gt;\nБаллы за запись вернулись: 300 баллов.",
    );
    // Replaying the same outbox events sends nothing twice.
    seen = 0n;
    expect((await notifyEvents()).filter((outcome) => outcome.endsWith(": sent"))).toEqual([]);
    world.clock.now = NOON;
  });

  it("speaks English to an English guest, leaves out the restaurant of a business-wide event, and respects notifications off", async () => {
    const party = await publishedEvent("New Year party", { capacity: 10, pricePoints: 0, restaurant: false });
    const eve = await guest("Eve", 100, "en");
    const quiet = await guest("Тихон", 100);
    await setGuestNotifications(world.engine, tenant.id, quiet.guestId, false);
    await notifyEvents();
    for (const { guestId } of [eve, quiet]) {
      await registerForEvent(world.engine, {
        tenantId: tenant.id,
        guestId,
        eventId: party.id,
        idempotencyKey: key(guestId),
      });
    }
    expect(await notifyEvents()).toEqual(["event.registered: sent", "event.registered: skipped-disabled"]);
    expect(delivered(eve.chatId)).toEqual(["✅ You are registered for “New Year party”: 6 Dec, 19:00."]);
    expect(delivered(quiet.chatId)).toEqual([]);
  });

  it("tells registered and waitlisted guests once when the event moves, in their language, unless notifications are off", async () => {
    const event = await publishedEvent("Джазовый вечер", { capacity: 1, pricePoints: 0, restaurant: false });
    const rita = await guest("Рита", 100);
    const sam = await guest("Sam", 100, "en");
    const mute = await guest("Тимур", 100);
    await setGuestNotifications(world.engine, tenant.id, mute.guestId, false);
    for (const { guestId } of [rita, sam, mute]) {
      await registerForEvent(world.engine, {
        tenantId: tenant.id,
        guestId,
        eventId: event.id,
        idempotencyKey: key(guestId),
      });
    }
    await notifyEvents();
    const change = (input: Parameters<typeof updateEvent>[1]["input"]) =>
      updateEvent(world.engine, { tenantId: tenant.id, actor: manager(), eventId: event.id, input });

    await change({
      startsAt: new Date(STARTS.getTime() + 2 * HOUR).toISOString(),
      endsAt: new Date(STARTS.getTime() + 5 * HOUR).toISOString(),
    });
    expect((await notifyEvents()).sort()).toEqual([
      "event.rescheduled: sent",
      "event.rescheduled: sent",
      "event.rescheduled: skipped-disabled",
    ]);
    // Rita holds the place (told so when she registered); Sam waits in line.
    expect(delivered(rita.chatId)).toEqual([
      "✅ Вы записаны на «Джазовый вечер»: 6 дек., 19:00.",
      "🔁 «Джазовый вечер» переносится: теперь 6 дек., 21:00 (было 6 дек., 19:00).",
    ]);
    expect(delivered(sam.chatId)).toEqual([
      "🔁 “Джазовый вечер” has been rescheduled: now 6 Dec, 21:00 (it was 6 Dec, 19:00).",
    ]);
    expect(delivered(mute.chatId)).toEqual([]);

    // A new title is not news; a new place is.
    await change({ title: "Джаз у камина" });
    expect(await notifyEvents()).toEqual([]);
    await change({ restaurantId: tenant.restaurantId });
    expect((await notifyEvents()).filter((outcome) => outcome.endsWith(": sent"))).toHaveLength(2);
    expect(delivered(rita.chatId).at(-1)).toBe("📍 У «Джаз у камина» новое место: 6 дек., 21:00, Зал на Тверской.");
    // Handing the same outbox events over again sends nothing twice.
    seen = 0n;
    expect((await notifyEvents()).filter((outcome) => outcome.endsWith(": sent"))).toEqual([]);
  });

  it("renders every event type in both languages", () => {
    const payload = {
      guestId: "g",
      eventId: "e",
      title: "Jazz & <wine>",
      startsAt: STARTS.toISOString(),
      pricePoints: 200,
    };
    const context = (locale: "ru" | "en") => ({
      t: translator(world.deps.i18n, locale),
      locale,
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        currency: "RUB",
        timeZone: "Europe/Moscow",
        botUsername: "b",
      },
      restaurant: "Bar",
    });
    const en = context("en");
    expect(renderNotification({ type: "event.promoted", payload: { ...payload, balance: 50 } }, en)?.text).toBe(
      "🎉 A place freed up — you are now registered for “Jazz &amp; &lt;wine&gt;”: 6 Dec, 19:00, Bar.\n200 points taken. Balance: 50.",
    );
    expect(renderNotification({ type: "event.waitlist_dropped", payload }, en)?.text).toBe(
      "A place freed up at “Jazz &amp; &lt;wine&gt;” (6 Dec, 19:00), but you did not have enough points for it (200 points needed), so you are no longer on the waitlist.",
    );
    const belowLevel = { ...payload, reason: "level" as const, minLevel: "Gold <VIP>" };
    expect(renderNotification({ type: "event.waitlist_dropped", payload: belowLevel }, en)?.text).toBe(
      "A place freed up at “Jazz &amp; &lt;wine&gt;” (6 Dec, 19:00), but the event is now for guests of level Gold &lt;VIP&gt; and above, so you are no longer on the waitlist.",
    );
    expect(renderNotification({ type: "event.waitlist_dropped", payload: belowLevel }, context("ru"))?.text).toBe(
      "На «Jazz &amp; &lt;wine&gt;» (6 дек., 19:00) освободилось место, но теперь это событие для гостей уровня «Gold &lt;VIP&gt;» и выше, поэтому вы больше не в листе ожидания.",
    );
    expect(
      renderNotification(
        { type: "event.cancelled_by_restaurant", payload: { ...payload, reason: "Flood", returnedPoints: 0 } },
        en,
      )?.text,
    ).toBe("❌ The restaurant has cancelled “Jazz &amp; &lt;wine&gt;” (6 Dec, 19:00, Bar). Reason: Flood");
    expect(renderNotification({ type: "event.reminder", payload: { ...payload, kind: "hour" } }, en)?.text).toBe(
      "⏰ In an hour: “Jazz &amp; &lt;wine&gt;”, 6 Dec, 19:00, Bar. See you soon!",
    );
    const moved = { ...payload, previousStartsAt: "2026-12-05T16:00:00.000Z", timeChanged: true, placeChanged: false };
    expect(renderNotification({ type: "event.rescheduled", payload: moved }, en)?.text).toBe(
      "🔁 “Jazz &amp; &lt;wine&gt;” has been rescheduled: now 6 Dec, 19:00, Bar (it was 5 Dec, 19:00).",
    );
    expect(
      renderNotification(
        { type: "event.rescheduled", payload: { ...moved, timeChanged: false, placeChanged: true } },
        context("ru"),
      )?.text,
    ).toBe("📍 У «Jazz &amp; &lt;wine&gt;» новое место: 6 дек., 19:00, Bar.");
    // A free registration says nothing about points.
    expect(
      renderNotification(
        { type: "event.registered", payload: { ...payload, pricePoints: 0, balance: null } },
        context("ru"),
      )?.text,
    ).toBe("✅ Вы записаны на «Jazz &amp; &lt;wine&gt;»: 6 дек., 19:00, Bar.");
    // Registered in the bot itself: the chat already has the answer, so no second message.
    expect(
      renderNotification(
        { type: "event.registered", payload: { ...payload, pricePoints: 0, balance: null, channel: "bot" } },
        context("ru"),
      ),
    ).toBeNull();
  });
});
