// Guest notifications through the workers: the registry hands points events to the
// "telegram-notifications" consumer, and an event job on the real events queue ends as a message
// from the tenant's bot on the fake Telegram Bot API. The outbox rows are published here the way
// the relay publishes them; a relay would take every tenant's events (see outbox-relay.test.ts).
import { randomBytes, randomUUID } from "node:crypto";
import { accruePoints } from "@maxl/api";
import { createI18n, createNotifier } from "@maxl/bot";
import { type FakeTelegram, startFakeTelegram } from "@maxl/bot/testing";
import { createSecretBox, secretContext } from "@maxl/db";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EventConsumer, eventConsumers } from "../src/events/consumers.ts";
import { eventJobId, type PublishedEvent } from "../src/events/published-event.ts";
import { createJobRegistry } from "../src/jobs/registry.ts";
import { queueNames } from "../src/queues.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import { createLoyaltyTenant, createTestWorld, runtimeWith, settled, type TestWorld } from "./support.ts";

const secrets = createSecretBox(randomBytes(32));
let world: TestWorld;
let telegram: FakeTelegram;
let consumers: readonly EventConsumer[];

beforeAll(async () => {
  world = await createTestWorld();
  telegram = await startFakeTelegram();
  const notifier = createNotifier({
    apiRoot: telegram.apiRoot,
    secrets,
    i18n: createI18n(),
    redis: world.engine.redis,
    redisPrefix: world.engine.settings.redisPrefix,
    logger: world.logger,
  });
  consumers = eventConsumers({ notifier });
});
afterAll(async () => {
  await telegram?.close();
  await world?.close();
});

let lastNumber = 0;
const freshNumber = () => 8_000_000_000 + (Date.now() % 1_000_000) * 1_000 + ++lastNumber;

/** A tenant with its own bot on the fake Telegram and a Russian-speaking guest who started it. */
async function cafeWithGuest() {
  const tenant = await createLoyaltyTenant(world.db, {});
  const tenantId = tenant.id;
  const botId = freshNumber();
  const token = `${botId}:AAFakeWorkersToken_${randomUUID().replaceAll("-", "")}`;
  const guestId = await tenant.newGuest();
  const chatId = freshNumber();
  await world.db.withTenant(tenantId, async (tx) => {
    await tx.botConnection.create({
      data: {
        tenantId,
        botId: BigInt(botId),
        botUsername: `cafe_${botId}_bot`,
        tokenCiphertext: secrets.encrypt(token, secretContext.botToken(tenantId)),
        webhookSecretCiphertext: secrets.encrypt("hook", secretContext.botWebhookSecret(tenantId)),
      },
    });
    await tx.guest.update({
      where: { tenantId_id: { tenantId, id: guestId } },
      data: { telegramUserId: BigInt(chatId), locale: "ru" },
    });
  });
  telegram.addBot({ token });
  const buy = (amountMinor: bigint) =>
    accruePoints(world.engine, {
      tenantId,
      actor: { source: "admin" },
      idempotencyKey: `test-${randomUUID()}`,
      input: { guestId, amountMinor, currency: "RUB" },
    });
  return { tenantId, token, guestId, chatId, buy };
}

/** The tenant's outbox, published as the relay does: one job per event, named after its type. */
async function publishOutbox(runtime: WorkerRuntime, tenantId: string): Promise<Job[]> {
  const rows = await world.db.withTenant(tenantId, (tx) => tx.outboxEvent.findMany({ orderBy: { id: "asc" } }));
  const events: PublishedEvent[] = rows.map((row) => ({
    tenantId,
    eventId: String(row.id),
    type: row.type,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  }));
  return runtime.enqueueMany(
    queueNames.events,
    events.map((event) => ({
      name: event.type,
      data: event,
      options: { jobId: eventJobId(event.tenantId, event.eventId) },
    })),
  );
}

/** Only the events queue's job from the registry: a started loyalty sweep would reach other files' tenants. */
function eventsRuntime(): WorkerRuntime {
  const registry = createJobRegistry(consumers);
  return runtimeWith(
    world,
    registry.filter((job) => job.queue === queueNames.events),
  );
}

describe("telegram notifications in the workers", () => {
  it("are a consumer of the points, level and restaurant-event events", () => {
    const notifications = consumers.find((consumer) => consumer.name === "telegram-notifications");
    expect([...(notifications?.types ?? [])].sort()).toEqual([
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
    expect(createJobRegistry(consumers).map((job) => job.name)).toContain("events.dispatch");
  });

  it("turn a purchase's outbox event into a message from the tenant's bot", async () => {
    const cafe = await cafeWithGuest();
    await cafe.buy(40_020n);
    const runtime = eventsRuntime();
    await runtime.start();
    try {
      const [job, ...others] = await publishOutbox(runtime, cafe.tenantId);
      expect(others).toEqual([]);
      if (!job) throw new Error("the purchase wrote no event");
      expect(await settled(job)).toBe("completed");
      const done = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(done?.returnvalue).toEqual({ consumers: ["telegram-notifications"] });

      const sent = await telegram.waitForCall("sendMessage", (call) => call.token === cafe.token);
      expect(sent.params).toMatchObject({
        chat_id: cafe.chatId,
        text: "+20 баллов за покупку на 400,20 ₽. Баланс: 20.",
        parse_mode: "HTML",
      });
    } finally {
      await runtime.close();
    }
  });

  it("fail the event's job on a rate limit longer than a minute, and BullMQ's retry delivers it once", async () => {
    const cafe = await cafeWithGuest();
    await cafe.buy(10_040n);
    telegram.rateLimit(cafe.token, cafe.chatId, { retryAfter: 120, times: 1 });
    const runtime = eventsRuntime();
    await runtime.start();
    try {
      const [job] = await publishOutbox(runtime, cafe.tenantId);
      if (!job) throw new Error("the purchase wrote no event");
      expect(await settled(job, 20_000)).toBe("completed");
      const done = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(done?.attemptsMade).toBe(2);

      const calls = telegram.callsTo("sendMessage", cafe.token);
      expect(calls.map((call) => call.response?.ok)).toEqual([false, true]);
      expect(calls[1]?.params.text).toBe("+5 баллов за покупку на 100,40 ₽. Баланс: 5.");
    } finally {
      await runtime.close();
    }
  });
});
