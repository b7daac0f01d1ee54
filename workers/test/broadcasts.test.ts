// Broadcasts in the workers against the fake Telegram Bot API: each guest of the audience gets the
// message from the tenant's bot once; a guest who blocked the bot (403) is marked blocked; a
// retry_after is waited out; a sender that dies mid-send is taken over once its lease lapses and
// nobody is sent the message twice; cancelling stops the rest; the sweep starts a scheduled
// broadcast when it is due (and cancels it if the business is restricted by then).
import { randomBytes, randomUUID } from "node:crypto";
import { type BroadcastSender, cancelBroadcast, createBroadcast, type EngineDeps, sendBroadcast } from "@maxl/api";
import { createI18n, createNotifier } from "@maxl/bot";
import { type FakeTelegram, startFakeTelegram } from "@maxl/bot/testing";
import { createSecretBox, secretContext } from "@maxl/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROADCAST_SEND_JOB, broadcastJobs, broadcastStarter } from "../src/broadcasts/broadcast-jobs.ts";
import type { JobDeps } from "../src/jobs/definition.ts";
import { queueNames } from "../src/queues.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

const secrets = createSecretBox(randomBytes(32));
let world: TestWorld;
let telegram: FakeTelegram;
let notifierSender: BroadcastSender;

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
  notifierSender = { send: (target, message) => notifier.sendBroadcast(target, message) };
});
afterAll(async () => {
  await telegram?.close();
  await world?.close();
});

let serial = 0;
const freshNumber = () => 6_000_000_000 + (Date.now() % 1_000_000) * 1_000 + ++serial;

interface Cafe {
  tenantId: string;
  token: string;
  ownerId: string;
  guests: { id: string; chatId: number }[];
}

/** A business with its bot on the fake Telegram, an owner, and `count` guests who can be written to. */
async function cafe(count: number, options: { planId?: string } = {}): Promise<Cafe> {
  const tenant = await createLoyaltyTenant(world.db, {});
  const tenantId = tenant.id;
  const botId = freshNumber();
  const token = `${botId}:AAFakeBroadcastToken_${randomUUID().replaceAll("-", "")}`;
  const ownerId = randomUUID();
  const guests: Cafe["guests"] = [];
  for (let n = 0; n < count; n += 1) guests.push({ id: await tenant.newGuest(), chatId: freshNumber() });
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
    await tx.staffUser.create({
      data: { tenantId, id: ownerId, email: `owner-${ownerId}@workers.test`, name: "Owner", role: "owner" },
    });
    for (const guest of guests) {
      await tx.guest.update({
        where: { tenantId_id: { tenantId, id: guest.id } },
        data: { telegramUserId: BigInt(guest.chatId) },
      });
    }
    if (options.planId) {
      const now = Date.now();
      await tx.subscription.create({
        data: {
          tenantId,
          planId: options.planId,
          status: "active",
          currentPeriodStart: new Date(now - 86_400_000),
          currentPeriodEnd: new Date(now + 20 * 86_400_000),
        },
      });
    }
  });
  telegram.addBot({ token });
  return { tenantId, token, ownerId, guests };
}

const owner = (shop: Cafe) => ({ source: "admin" as const, staffId: shop.ownerId, role: "owner" as const });

/** A broadcast composed and sent (or scheduled) through the domain verbs, as the API does. */
async function sent(shop: Cafe, scheduledAt: string | null = null): Promise<string> {
  const { broadcast } = await createBroadcast(world.engine, {
    tenantId: shop.tenantId,
    actor: owner(shop),
    idempotencyKey: randomUUID(),
    input: {
      text: "Fish & chips <b>today</b>",
      format: "html",
      button: { label: "Menu", url: "https://cafe.test/menu" },
      audience: { levelIds: [], restaurantIds: [], lastVisitAfter: null, lastVisitBefore: null, minBalance: null },
    },
  });
  await sendBroadcast(world.engine, {
    tenantId: shop.tenantId,
    actor: owner(shop),
    broadcastId: broadcast.id,
    idempotencyKey: randomUUID(),
    input: { scheduledAt },
  });
  return broadcast.id;
}

async function broadcastRow(shop: Cafe, id: string) {
  return world.db.withTenant(shop.tenantId, (tx) =>
    tx.broadcast.findUniqueOrThrow({ where: { tenantId_id: { tenantId: shop.tenantId, id } } }),
  );
}

const messagesTo = (shop: Cafe, chatId: number) =>
  telegram.callsTo("sendMessage", shop.token).filter((call) => call.params.chat_id === chatId);

/** The send job's handler, called as the runtime would, with a sender and the engine of choice. */
function sendJob(
  sender: BroadcastSender,
  options: { engine?: EngineDeps; leaseSeconds?: number; lanes?: number } = {},
) {
  const engine = options.engine ?? world.engine;
  const runtime = runtimeWith(world, []);
  const [send] = broadcastJobs({ sender, leaseSeconds: options.leaseSeconds ?? 60, lanes: options.lanes ?? 4 });
  if (!send) throw new Error("no send job");
  const deps: JobDeps = { ...jobDepsOf(world, runtime), engine };
  return {
    run: (tenantId: string, broadcastId: string) => send.handle({ tenantId, broadcastId }, deps),
    close: () => runtime.close(),
  };
}

describe("broadcasts in the workers", () => {
  it("deliver to every guest from the tenant's bot, mark a guest who blocked it, and count both", async () => {
    const shop = await cafe(3);
    const blocked = shop.guests[1];
    if (!blocked) throw new Error("three guests");
    telegram.block(shop.token, blocked.chatId);
    const id = await sent(shop);

    // sent now: the outbox's broadcast.started becomes one send job
    const runtime = runtimeWith(world, broadcastJobs({ sender: notifierSender }));
    try {
      const deps = jobDepsOf(world, runtime);
      const event = { tenantId: shop.tenantId, eventId: "1", type: "broadcast.started", payload: { broadcastId: id } };
      await broadcastStarter().handle({ ...event, createdAt: new Date().toISOString() }, deps);
      await broadcastStarter().handle({ ...event, createdAt: new Date().toISOString() }, deps);
      const waiting = await runtime.queue(queueNames.broadcasts).getJobs(["waiting"]);
      expect(waiting.map((job) => [job.name, job.id])).toEqual([[BROADCAST_SEND_JOB, `broadcast.${id}.now`]]);
    } finally {
      await runtime.close();
    }

    const job = sendJob(notifierSender);
    try {
      expect(await job.run(shop.tenantId, id)).toMatchObject({ outcome: "sent", sent: 2, blocked: 1, failed: 0 });
    } finally {
      await job.close();
    }
    for (const guest of shop.guests) {
      const calls = messagesTo(shop, guest.chatId);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.params).toMatchObject({
        text: "Fish &amp; chips <b>today</b>",
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: [[{ text: "Menu", url: "https://cafe.test/menu" }]] },
      });
    }
    const row = await broadcastRow(shop, id);
    expect(row).toMatchObject({ status: "sent", sentCount: 2, blockedCount: 1, failedCount: 0, recipientsTotal: 3 });
    expect(row.finishedAt).not.toBeNull();
    const guest = await world.db.withTenant(shop.tenantId, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: shop.tenantId, id: blocked.id } } }),
    );
    expect(guest.botBlockedAt).not.toBeNull();

    // a second run of the same broadcast sends nothing more
    const again = sendJob(notifierSender);
    try {
      expect(await again.run(shop.tenantId, id)).toMatchObject({ outcome: "not-due", sent: 0 });
    } finally {
      await again.close();
    }
    expect(telegram.callsTo("sendMessage", shop.token)).toHaveLength(3);
  });

  it("wait out Telegram's retry_after and deliver once", async () => {
    const shop = await cafe(1);
    const guest = shop.guests[0];
    if (!guest) throw new Error("one guest");
    telegram.rateLimit(shop.token, guest.chatId, { retryAfter: 2, times: 1 });
    const id = await sent(shop);
    const job = sendJob(notifierSender);
    try {
      expect(await job.run(shop.tenantId, id)).toMatchObject({ outcome: "sent", sent: 1 });
    } finally {
      await job.close();
    }
    const calls = messagesTo(shop, guest.chatId);
    expect(calls.map((call) => call.response?.ok)).toEqual([false, true]);
    const [first, second] = calls;
    expect((second?.at.getTime() ?? 0) - (first?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it("resume after a sender died mid-send, once its lease lapsed, sending every guest exactly once", async () => {
    const shop = await cafe(6);
    const id = await sent(shop);
    // The first sender hands its third message to Telegram and never hears back: as if the
    // worker were killed while the request was in flight.
    let handed = 0;
    let dead: () => void = () => {};
    const killedMidSend: BroadcastSender = {
      async send(target, message) {
        handed += 1;
        if (handed < 3) return notifierSender.send(target, message);
        void notifierSender.send(target, message);
        await new Promise<void>((resolve) => {
          dead = resolve;
        });
        throw new Error("the process is gone");
      },
    };
    // one message at a time, so the death comes exactly at the third
    const first = sendJob(killedMidSend, { leaseSeconds: 3, lanes: 1 });
    const dying = first.run(shop.tenantId, id).catch(() => "dead");
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (handed >= 3 && telegram.callsTo("sendMessage", shop.token).length >= 3) {
          clearInterval(wait);
          resolve();
        }
      }, 20);
    });
    // Another worker while the lease still holds: it leaves the broadcast alone.
    const early = sendJob(notifierSender);
    try {
      expect(await early.run(shop.tenantId, id)).toMatchObject({ outcome: "busy" });
    } finally {
      await early.close();
    }

    // The sweep finds the broadcast once the lease has lapsed, and the next run takes over.
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const runtime = runtimeWith(world, broadcastJobs({ sender: notifierSender }));
    const [, sweep] = broadcastJobs({ sender: notifierSender });
    try {
      const deps = jobDepsOf(world, runtime);
      const mine: JobDeps = {
        ...deps,
        // other files' broadcasts are theirs to send
        enqueueMany: (queue, jobs) =>
          deps.enqueueMany(
            queue,
            jobs.filter((one) => (one.data as { broadcastId: string }).broadcastId === id),
          ),
      };
      await sweep?.handle({}, mine);
      const queued = await runtime.queue(queueNames.broadcasts).getJobs(["waiting"]);
      expect(queued.map((job) => job.data)).toEqual([{ tenantId: shop.tenantId, broadcastId: id }]);
    } finally {
      await runtime.close();
    }
    const second = sendJob(notifierSender);
    try {
      expect(await second.run(shop.tenantId, id)).toMatchObject({ outcome: "sent", sent: 3, failed: 0 });
    } finally {
      await second.close();
    }
    for (const guest of shop.guests) expect(messagesTo(shop, guest.chatId), String(guest.chatId)).toHaveLength(1);
    const row = await broadcastRow(shop, id);
    // two confirmed by the first sender, three by the second; the one in flight when it died is
    // counted failed (Telegram had it, but nobody heard), and was not sent again
    expect(row).toMatchObject({ status: "sent", sentCount: 5, failedCount: 1 });
    const lost = await world.db.withTenant(shop.tenantId, (tx) =>
      tx.broadcastDelivery.findMany({ where: { broadcastId: id, status: "failed" } }),
    );
    expect(lost).toHaveLength(1);
    expect(lost[0]?.error).toMatch(/^interrupted/);

    // The dead sender's late answer changes nothing.
    dead();
    expect(await dying).toBe("dead");
    await first.close();
    expect(telegram.callsTo("sendMessage", shop.token)).toHaveLength(6);
  });

  it("stop sending the rest when the broadcast is cancelled", async () => {
    const shop = await cafe(5);
    const id = await sent(shop);
    let handed = 0;
    const cancelsAfterTwo: BroadcastSender = {
      async send(target, message) {
        const result = await notifierSender.send(target, message);
        handed += 1;
        if (handed === 2) {
          await cancelBroadcast(world.engine, { tenantId: shop.tenantId, actor: owner(shop), broadcastId: id });
        }
        return result;
      },
    };
    // one message at a time, so "the rest" is exactly the three after the second
    const job = sendJob(cancelsAfterTwo, { lanes: 1 });
    try {
      expect(await job.run(shop.tenantId, id)).toMatchObject({ outcome: "cancelled", sent: 2 });
    } finally {
      await job.close();
    }
    expect(telegram.callsTo("sendMessage", shop.token)).toHaveLength(2);
    const row = await broadcastRow(shop, id);
    expect(row).toMatchObject({ status: "cancelled", sentCount: 2 });
    // it had started, so it still counts against the month
    expect(row.countedMonth).not.toBeNull();
  });

  it("start a scheduled broadcast when it is due, and cancel it instead if the business is restricted by then", async () => {
    const shop = await cafe(2);
    const at = Date.now();
    const due = new Date(at + 10 * 60_000);
    const id = await sent(shop, due.toISOString());
    const runtime = runtimeWith(world, broadcastJobs({ sender: notifierSender }));
    const [, sweep] = broadcastJobs({ sender: notifierSender });
    const queued = async () =>
      (await runtime.queue(queueNames.broadcasts).getJobs(["waiting"]))
        .filter((job) => (job.data as { broadcastId: string }).broadcastId === id)
        .map((job) => job.id);
    try {
      const deps = jobDepsOf(world, runtime);
      const mine: JobDeps = {
        ...deps,
        enqueueMany: (queue, jobs) =>
          deps.enqueueMany(
            queue,
            jobs.filter((one) => (one.data as { broadcastId: string }).broadcastId === id),
          ),
      };
      world.clock.now = new Date(at);
      await sweep?.handle({}, mine);
      expect(await queued()).toEqual([]);
      const job = sendJob(notifierSender);
      expect(await job.run(shop.tenantId, id)).toMatchObject({ outcome: "not-due" });
      world.clock.now = new Date(due.getTime() + 1_000);
      await sweep?.handle({}, mine);
      expect(await queued()).toEqual([`broadcast.${id}.${Math.floor((due.getTime() + 1_000) / 60_000)}`]);
      expect(await job.run(shop.tenantId, id)).toMatchObject({ outcome: "sent", sent: 2 });
      await job.close();
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
    expect((await broadcastRow(shop, id)).startedAt).not.toBeNull();

    const lapsed = await cafe(1);
    const later = await sent(lapsed, new Date(Date.now() + 60_000).toISOString());
    await world.db.withTenant(lapsed.tenantId, (tx) =>
      tx.tenant.update({ where: { id: lapsed.tenantId }, data: { status: "restricted" } }),
    );
    world.clock.now = new Date(Date.now() + 120_000);
    const job = sendJob(notifierSender);
    try {
      expect(await job.run(lapsed.tenantId, later)).toMatchObject({ outcome: "restricted", sent: 0 });
    } finally {
      world.clock.now = null;
      await job.close();
    }
    expect(await broadcastRow(lapsed, later)).toMatchObject({
      status: "cancelled",
      cancelReason: "restricted",
      countedMonth: null,
    });
    expect(telegram.callsTo("sendMessage", lapsed.token)).toHaveLength(0);
  });
});
