// Guest notifications end to end: real verbs write outbox events into the real database, the
// notifier reads the guest, tenant and bot from it and sends through the fake Telegram Bot API,
// which answers as Telegram does (429 with retry_after, 403 from a guest who blocked the bot).
import { randomBytes, randomUUID } from "node:crypto";
import { inspect } from "node:util";
import {
  accruePoints,
  adjustPoints,
  createEngineDeps,
  createLogger,
  createRedis,
  type EngineDeps,
  expireDueLots,
  grantBonus,
  type Redis,
  redeemPoints,
  redisReady,
  refundCheck,
  remindExpiringPoints,
  setGuestNotifications,
} from "@maxl/api";
import { createDb, createSecretBox, type Db, secretContext } from "@maxl/db";
import { createTestTenant, testServices } from "@maxl/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n.ts";
import { createNotifier, type NotifiableEvent, type Notifier, sentMarkKey } from "../src/notifications/index.ts";
import { type BotApiCall, type FakeTelegram, startFakeTelegram } from "../src/testing/index.ts";

const services = testServices();
const logger = createLogger({ service: "notifications-test", level: "silent" });
const secrets = createSecretBox(randomBytes(32));
const i18n = createI18n();
const admin = { source: "admin" } as const;
const DAY = 86_400_000;

let db: Db;
let redis: Redis;
let telegram: FakeTelegram;
let engine: EngineDeps;
let notifier: Notifier;
const clock = { now: new Date("2026-07-01T09:00:00Z") };

beforeAll(async () => {
  db = createDb({ url: services.appUrl });
  redis = createRedis({ url: services.redisUrl, kind: "command", name: "notifications-test" });
  await redisReady(redis);
  telegram = await startFakeTelegram();
  engine = createEngineDeps({ db, redis, clock: () => clock.now, settings: { redisPrefix: `test:${randomUUID()}` } });
  notifier = createNotifier({
    apiRoot: telegram.apiRoot,
    secrets,
    i18n,
    redis,
    redisPrefix: engine.settings.redisPrefix,
    logger,
  });
});

afterAll(async () => {
  await telegram?.close();
  await db?.close();
  redis?.disconnect();
});

let lastNumber = 0;
/** Bot ids are unique across tenants, Telegram user ids per tenant: both fresh for each use. */
const freshNumber = () => 6_000_000_000 + (Date.now() % 1_000_000) * 1_000 + ++lastNumber;

interface Cafe {
  tenantId: string;
  token: string;
  levels: { bronze: string; silver: string };
  newGuest(fields?: { locale?: "ru" | "en"; telegram?: boolean }): Promise<{ guestId: string; chatId: number }>;
  /** the outbox events written since the last call, as the workers publish them */
  newEvents(): Promise<NotifiableEvent[]>;
}

/** A tenant with a program, two levels and (unless told otherwise) its own bot on the fake Telegram. */
async function openCafe(options: { bot?: "active" | "inactive" | "none" } = {}): Promise<Cafe> {
  const { id: tenantId } = await createTestTenant(db, "Notified cafe");
  const botId = freshNumber();
  const token = `${botId}:AAFakeNotificationsToken_${randomUUID().replaceAll("-", "")}`;
  const levels = { bronze: randomUUID(), silver: randomUUID() };
  await db.withTenant(tenantId, async (tx) => {
    await tx.tenant.update({ where: { id: tenantId }, data: { timeZone: "Europe/Moscow", currency: "RUB" } });
    await tx.loyaltyProgram.create({
      data: { tenantId, earnRateBps: 500, pointsLifetimeDays: 30, expiryReminderDays: 7, maxRedeemShareBps: 5000 },
    });
    await tx.level.createMany({
      data: [
        { tenantId, id: levels.bronze, name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
        { tenantId, id: levels.silver, name: "Silver", rank: 1, thresholdMinor: 1_000_000n, earnRateBps: 700 },
      ],
    });
    if (options.bot === "none") return;
    await tx.botConnection.create({
      data: {
        tenantId,
        botId: BigInt(botId),
        botUsername: `cafe_${botId}_bot`,
        tokenCiphertext: secrets.encrypt(token, secretContext.botToken(tenantId)),
        webhookSecretCiphertext: secrets.encrypt("hook", secretContext.botWebhookSecret(tenantId)),
        isActive: options.bot !== "inactive",
      },
    });
  });
  if (options.bot !== "none") telegram.addBot({ token });
  let seen = 0n;
  return {
    tenantId,
    token,
    levels,
    async newGuest({ locale = "ru", telegram: onTelegram = true } = {}) {
      const guestId = randomUUID();
      const chatId = freshNumber();
      await db.withTenant(tenantId, (tx) =>
        tx.guest.create({
          data: {
            tenantId,
            id: guestId,
            firstName: "Anna",
            locale,
            levelId: levels.bronze,
            consentAt: clock.now,
            registeredAt: clock.now,
            telegramUserId: onTelegram ? BigInt(chatId) : null,
          },
        }),
      );
      return { guestId, chatId };
    },
    async newEvents() {
      const rows = await db.withTenant(tenantId, (tx) =>
        tx.outboxEvent.findMany({ where: { id: { gt: seen } }, orderBy: { id: "asc" } }),
      );
      seen = rows.at(-1)?.id ?? seen;
      return rows.map((row) => ({ tenantId, eventId: String(row.id), type: row.type, payload: row.payload }));
    },
  };
}

/** Hands each new event of the cafe to the notifier, as the workers' dispatcher does. */
async function notifyAll(cafe: Cafe): Promise<string[]> {
  const outcomes: string[] = [];
  for (const event of await cafe.newEvents()) outcomes.push(`${event.type}: ${await notifier.notify(event, engine)}`);
  return outcomes;
}

const toChat = (cafe: Cafe, chatId: number) => (call: BotApiCall) =>
  call.token === cafe.token && call.params.chat_id === chatId;

/** What the fake Telegram delivered to the chat, as sent (HTML and all). */
function delivered(cafe: Cafe, chatId: number): string[] {
  return telegram
    .callsTo("sendMessage", cafe.token)
    .filter((call) => toChat(cafe, chatId)(call) && call.response?.ok === true)
    .map((call) => String(call.params.text));
}

const key = () => `test-${randomUUID()}`;

async function guestRow(cafe: Cafe, guestId: string) {
  return db.withTenant(cafe.tenantId, (tx) =>
    tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: cafe.tenantId, id: guestId } } }),
  );
}

/** Staff add (or remove) points by hand: one points.adjusted event. */
function adjust(cafe: Cafe, guestId: string, points: number, reason: string) {
  return adjustPoints(engine, {
    tenantId: cafe.tenantId,
    actor: admin,
    idempotencyKey: key(),
    input: { guestId, points, reason },
  });
}

/** An adjustment and the one event it wrote. */
async function adjustedEvent(cafe: Cafe, guestId: string, points: number, reason: string) {
  await adjust(cafe, guestId, points, reason);
  const [event] = await cafe.newEvents();
  if (!event) throw new Error("the adjustment wrote no event");
  return event;
}

describe("guest notifications", () => {
  it("tells a guest about every change to their points and level, in their language, from the tenant's bot", async () => {
    clock.now = new Date("2026-07-01T09:00:00Z");
    const cafe = await openCafe();
    const { guestId, chatId } = await cafe.newGuest({ locale: "ru" });
    const { tenantId } = cafe;

    await grantBonus(engine, { tenantId, guestId, points: 100, reason: "welcome", idempotencyKey: key() });
    // 1 250,50 ₽ at 5 %: 62 points
    await accruePoints(engine, {
      tenantId,
      actor: admin,
      idempotencyKey: key(),
      input: { guestId, amountMinor: 125_050n, currency: "RUB" },
    });
    // The welcome bonus is announced by the sign-up conversation itself.
    expect(await notifyAll(cafe)).toEqual(["points.earned: skipped-nothing-to-say", "points.earned: sent"]);

    // 10 000,40 ₽ more reaches Silver (from 10 000 ₽ spent)
    await accruePoints(engine, {
      tenantId,
      actor: admin,
      idempotencyKey: key(),
      input: { guestId, amountMinor: 1_000_040n, currency: "RUB" },
    });
    expect(await notifyAll(cafe)).toEqual(["points.earned: sent", "level.changed: sent"]);

    // 200 points on a 1 000,60 ₽ check; the 800,60 ₽ paid in money earns 7 %: 56 points
    const sale = await redeemPoints(engine, {
      tenantId,
      actor: admin,
      idempotencyKey: key(),
      input: { guestId, amountMinor: 100_060n, currency: "RUB", points: 200 },
    });
    await adjustPoints(engine, {
      tenantId,
      actor: admin,
      idempotencyKey: key(),
      input: { guestId, points: -18, reason: "Ошибка <кассира>" },
    });
    // the refund gives back the 200 points and takes back the 56
    await refundCheck(engine, {
      tenantId,
      actor: admin,
      idempotencyKey: key(),
      input: { checkId: sale.result.checkId ?? "" },
    });
    expect(await notifyAll(cafe)).toEqual([
      "points.redeemed: sent",
      "points.earned: sent",
      "points.adjusted: sent",
      "check.refunded: sent",
    ]);

    // Every lot expires at the start of 1 August in Moscow: the last day to spend them is 31 July.
    clock.now = new Date("2026-07-26T09:00:00Z");
    expect(await remindExpiringPoints(engine, tenantId)).toBe(1);
    clock.now = new Date("2026-08-01T09:00:00Z");
    expect(await expireDueLots(engine, tenantId)).toEqual({ guests: 1, points: 644 });
    expect(await notifyAll(cafe)).toEqual(["points.expiring: sent", "points.expired: sent"]);

    expect(delivered(cafe, chatId)).toEqual([
      "+62 балла за покупку на 1 250,50 ₽. Баланс: 162.",
      "+500 баллов за покупку на 10 000,40 ₽. Баланс: 662.",
      "🏆 Новый уровень: <b>Silver</b>! Теперь баллами возвращается 7%.",
      "Оплачено баллами: 200 баллов. Баланс: 518.",
      "+56 баллов за покупку на 1 000,60 ₽. Баланс: 518.",
      "Списано 18 баллов: Ошибка &lt;кассира&gt;. Баланс: 500.",
      "По возврату чека баланс изменился на +144. Баланс: 644.",
      "⏳ 644 балла сгорят после 31 июля. Успейте потратить!",
      "Сгорело 644 балла. Баланс: 0.",
    ]);
    const sent = telegram.callsTo("sendMessage", cafe.token);
    expect(sent.every((call) => call.params.chat_id === chatId && call.params.parse_mode === "HTML")).toBe(true);
  }, 60_000);

  it("speaks English to an English guest, and each tenant's guests hear from that tenant's bot", async () => {
    clock.now = new Date("2026-07-01T09:00:00Z");
    const first = await openCafe();
    const second = await openCafe();
    const anna = await first.newGuest({ locale: "en" });
    const boris = await second.newGuest({ locale: "ru" });
    for (const [cafe, guest] of [
      [first, anna],
      [second, boris],
    ] as const) {
      await accruePoints(engine, {
        tenantId: cafe.tenantId,
        actor: admin,
        idempotencyKey: key(),
        input: { guestId: guest.guestId, amountMinor: 40_020n, currency: "RUB" },
      });
      expect(await notifyAll(cafe)).toEqual(["points.earned: sent"]);
    }
    expect(delivered(first, anna.chatId)).toEqual(["+20 points for your purchase of ₽400.20. Balance: 20."]);
    expect(delivered(second, boris.chatId)).toEqual(["+20 баллов за покупку на 400,20 ₽. Баланс: 20."]);
    expect(telegram.callsTo("sendMessage", first.token).map((call) => call.params.chat_id)).toEqual([anna.chatId]);
    expect(telegram.callsTo("sendMessage", second.token).map((call) => call.params.chat_id)).toEqual([boris.chatId]);
  });

  it("waits out a 429 with retry_after and delivers the message once", async () => {
    const cafe = await openCafe();
    const { guestId, chatId } = await cafe.newGuest();
    await adjust(cafe, guestId, 7, "за ожидание");
    telegram.rateLimit(cafe.token, chatId, { retryAfter: 1, times: 1 });

    const started = Date.now();
    expect(await notifyAll(cafe)).toEqual(["points.adjusted: sent"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const attempts = telegram.callsTo("sendMessage", cafe.token).filter(toChat(cafe, chatId));
    expect(attempts.map((call) => call.response?.ok)).toEqual([false, true]);
    expect(attempts[0]?.response).toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    expect(delivered(cafe, chatId)).toEqual(["Начислено 7 баллов: за ожидание. Баланс: 7."]);
  });

  it("fails on a wait longer than a minute, so the job is retried, and the retry delivers it once", async () => {
    const cafe = await openCafe();
    const { guestId, chatId } = await cafe.newGuest();
    const event = await adjustedEvent(cafe, guestId, 3, "за ожидание");
    telegram.rateLimit(cafe.token, chatId, { retryAfter: 120, times: 1 });

    await expect(notifier.notify(event, engine)).rejects.toMatchObject({ error_code: 429 });
    expect(await redis.exists(sentMarkKey(engine.settings.redisPrefix, cafe.tenantId, event.eventId))).toBe(0);
    expect(await notifier.notify(event, engine)).toBe("sent");
    expect(await notifier.notify(event, engine)).toBe("skipped-duplicate");
    expect(delivered(cafe, chatId)).toEqual(["Начислено 3 балла: за ожидание. Баланс: 3."]);
  });

  it("sends an event once however often it is handed over, and remembers it for a week", async () => {
    const cafe = await openCafe();
    const { guestId, chatId } = await cafe.newGuest();
    const event = await adjustedEvent(cafe, guestId, 1, "комплимент");

    expect(await notifier.notify(event, engine)).toBe("sent");
    expect(await notifier.notify(event, engine)).toBe("skipped-duplicate");
    expect(delivered(cafe, chatId)).toEqual(["Начислено 1 балл: комплимент. Баланс: 1."]);
    const ttl = await redis.ttl(sentMarkKey(engine.settings.redisPrefix, cafe.tenantId, event.eventId));
    expect(ttl).toBeGreaterThan((7 * DAY) / 1000 - 60);
    expect(ttl).toBeLessThanOrEqual((7 * DAY) / 1000);
  });

  it("marks a guest who blocked the bot and sends them nothing more", async () => {
    clock.now = new Date("2026-07-02T10:00:00Z");
    const cafe = await openCafe();
    const { guestId, chatId } = await cafe.newGuest();
    telegram.block(cafe.token, chatId);
    const give = (points: number) =>
      adjustPoints(engine, {
        tenantId: cafe.tenantId,
        actor: admin,
        idempotencyKey: key(),
        input: { guestId, points, reason: "подарок" },
      });

    await give(5);
    expect(await notifyAll(cafe)).toEqual(["points.adjusted: skipped-blocked"]);
    expect((await guestRow(cafe, guestId)).botBlockedAt).toEqual(clock.now);
    expect(telegram.callsTo("sendMessage", cafe.token)).toHaveLength(1);

    // Even once Telegram would deliver again, the guest has to come back to the bot first.
    telegram.unblock(cafe.token, chatId);
    await give(6);
    expect(await notifyAll(cafe)).toEqual(["points.adjusted: skipped-blocked"]);
    expect(telegram.callsTo("sendMessage", cafe.token)).toHaveLength(1);
    expect(delivered(cafe, chatId)).toEqual([]);
  });

  it("sends nothing to a guest who turned notifications off or has no Telegram account", async () => {
    const cafe = await openCafe();
    const quiet = await cafe.newGuest();
    const offline = await cafe.newGuest({ telegram: false });
    await setGuestNotifications(engine, cafe.tenantId, quiet.guestId, false);
    for (const guest of [quiet, offline]) {
      await adjust(cafe, guest.guestId, 10, "подарок");
    }
    expect(await notifyAll(cafe)).toEqual([
      "points.adjusted: skipped-disabled",
      "points.adjusted: skipped-no-telegram",
    ]);
    expect(telegram.callsTo("sendMessage", cafe.token)).toEqual([]);
  });

  it("sends nothing for a tenant without a bot, or whose bot is switched off", async () => {
    for (const bot of ["none", "inactive"] as const) {
      const cafe = await openCafe({ bot });
      const { guestId } = await cafe.newGuest();
      await adjust(cafe, guestId, 10, "подарок");
      expect(await notifyAll(cafe)).toEqual(["points.adjusted: skipped-no-bot"]);
      expect(telegram.callsTo("sendMessage", cafe.token)).toEqual([]);
    }
  });

  it("picks out of many events, one query per tenant, those whose guest can be told", async () => {
    const cafe = await openCafe();
    const told = await cafe.newGuest();
    const quiet = await cafe.newGuest();
    const offline = await cafe.newGuest({ telegram: false });
    const blocked = await cafe.newGuest();
    await setGuestNotifications(engine, cafe.tenantId, quiet.guestId, false);
    await db.withTenant(cafe.tenantId, (tx) =>
      tx.guest.update({
        where: { tenantId_id: { tenantId: cafe.tenantId, id: blocked.guestId } },
        data: { botBlockedAt: clock.now },
      }),
    );
    const silent = await openCafe({ bot: "inactive" });
    const unheard = await silent.newGuest();
    const event = (tenantId: string, guestId: string, eventId: string): NotifiableEvent => ({
      tenantId,
      eventId,
      type: "points.adjusted",
      payload: { guestId, points: 5, balance: 5, reason: "подарок" },
    });
    const chosen = await notifier.reachableAmong(
      [
        event(cafe.tenantId, told.guestId, "1"),
        event(cafe.tenantId, quiet.guestId, "2"),
        event(cafe.tenantId, offline.guestId, "3"),
        event(cafe.tenantId, blocked.guestId, "4"),
        event(cafe.tenantId, told.guestId, "5"),
        event(silent.tenantId, unheard.guestId, "6"),
        // what the query cannot judge is left to notify()
        { tenantId: cafe.tenantId, eventId: "7", type: "points.adjusted", payload: { guestId: "not-a-uuid" } },
        { tenantId: cafe.tenantId, eventId: "8", type: "points.adjusted", payload: { points: "many" } },
      ],
      engine,
    );
    expect([...chosen].sort()).toEqual(["1", "5", "7", "8"]);
  });

  it("skips events it has no text for, and payloads without what the text needs", async () => {
    const cafe = await openCafe();
    const { guestId } = await cafe.newGuest();
    const event = (type: string, payload: unknown): NotifiableEvent => ({
      tenantId: cafe.tenantId,
      eventId: String(freshNumber()),
      type,
      payload,
    });
    expect(await notifier.notify(event("guest.registered", { guestId }), engine)).toBe("skipped-unknown-type");
    expect(await notifier.notify(event("points.expired", { guestId, points: "many" }), engine)).toBe(
      "skipped-malformed",
    );
    expect(await notifier.notify(event("points.expired", { guestId, points: 0, balance: 4 }), engine)).toBe(
      "skipped-nothing-to-say",
    );
    expect(
      await notifier.notify(event("points.expired", { guestId: randomUUID(), points: 1, balance: 0 }), engine),
    ).toBe("skipped-no-guest");
    expect(telegram.callsTo("sendMessage", cafe.token)).toEqual([]);
  });

  it("fails without the bot token in the error when Telegram cannot be reached", async () => {
    const cafe = await openCafe();
    const { guestId } = await cafe.newGuest();
    const event = await adjustedEvent(cafe, guestId, 2, "подарок");
    // port 9 (discard) on localhost: refused at once
    const unreachable = createNotifier({
      apiRoot: "http://127.0.0.1:9",
      secrets,
      i18n,
      redis,
      redisPrefix: engine.settings.redisPrefix,
      logger,
    });

    const failure = await unreachable.notify(event, engine).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe("Network request for 'sendMessage' failed! (ECONNREFUSED)");
    // what a log line or a failed job would show of it, nested errors included
    expect(inspect(failure, { depth: 10 })).not.toContain(cafe.token.split(":")[1]);
    expect(await redis.exists(sentMarkKey(engine.settings.redisPrefix, cafe.tenantId, event.eventId))).toBe(0);
  });
});
