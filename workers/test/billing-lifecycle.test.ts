// Billing end to end with its real parts: the API's routes and webhook, PostgreSQL with row-level
// security, the notification relay and the billing jobs on Redis; only YooKassa is a fake (on
// 127.0.0.1, speaking its API). Every scenario has a tenant of its own. The relay takes every
// tenant's notifications, so it lives in this one file.
import { randomUUID } from "node:crypto";
import {
  type AdvanceOutcome,
  type BillingSettings,
  createYooKassaClient,
  keyFromLabel,
  refundLabel,
  renewalKey,
  renewalLabel,
  YooKassaError,
} from "@maxl/api";
import { startFakeTelegram } from "@maxl/bot/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { billingJobs } from "../src/billing/billing-jobs.ts";
import { createBillingNotificationRelay } from "../src/billing/notification-relay.ts";
import { billingOwnerNotifications } from "../src/billing/owner-notifications.ts";
import type { JobDefinition, JobDeps } from "../src/jobs/definition.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../src/testing/fake-yookassa.ts";
import { createTestWorld, eventually, jobDepsOf, logger, runtimeWith, type TestWorld } from "./support.ts";

const YOOKASSA_IP = "185.71.76.10";
const DAY = 86_400_000;
const HOUR = 3_600_000;

let fake: FakeYooKassa;
let test: TestApp;
let world: TestWorld;
let runtime: WorkerRuntime;
let jobDeps: JobDeps;
let settings: BillingSettings;
let jobs: Record<"settle" | "advance" | "sweep", JobDefinition>;
/** the instant both the API and the workers see (the workers' test clock); null is the real time */
let clock: TestWorld["clock"];

beforeAll(async () => {
  fake = await startFakeYooKassa();
  world = await createTestWorld();
  clock = world.clock;
  test = await createTestApp({
    env: {
      YOOKASSA_SHOP_ID: fake.shopId,
      YOOKASSA_SECRET_KEY: fake.secretKey,
      YOOKASSA_API_URL: fake.url,
      TRUST_PROXY: "true",
      RATE_LIMIT_PER_MINUTE: "100000",
    },
    clock: () => clock.now ?? new Date(),
  });
  settings = test.config.billing;
  const defined = billingJobs({ settings });
  const byName = (name: string) => defined.find((job) => job.name === name) as JobDefinition;
  jobs = {
    settle: byName("billing.settle-notification"),
    advance: byName("billing.advance-subscription"),
    sweep: byName("billing.sweep"),
  };
  runtime = runtimeWith(world, defined);
  jobDeps = jobDepsOf(world, runtime);
});

afterAll(async () => {
  await runtime.close();
  await world.close();
  await test.close();
  await fake.close();
});

// ---- helpers ------------------------------------------------------------------------------------

async function call(tenant: World, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await tenant.tokenFor("owner")}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // the answers are checked field by field below; typing each route's body here would only repeat them
  // biome-ignore lint/suspicious/noExplicitAny: a test reading JSON answers
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function checkout(tenant: World, planId = "start", key = randomUUID()) {
  return call(tenant, "POST", "/api/v1/billing/checkout", { planId }, { "Idempotency-Key": key });
}

async function notify(body: unknown, ip = YOOKASSA_IP) {
  const response = await test.app.request("/api/v1/billing/yookassa/notifications", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": ip },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface NotificationRow {
  id: string;
  event: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

async function notificationsFor(objectId: string): Promise<NotificationRow[]> {
  const { rows } = await world.platformDb.pool.query<NotificationRow>(
    "SELECT id::text, event, status, attempts, last_error FROM billing_notifications WHERE object_id = $1 ORDER BY received_at, id",
    [objectId],
  );
  return rows;
}

/** What the workers do with a stored notification, run here directly. */
async function settleStored(objectId: string, event: string) {
  const row = (await notificationsFor(objectId)).find((one) => one.event === event);
  if (!row) throw new Error(`no ${event} notification stored for ${objectId}`);
  return jobs.settle.handle({ notificationId: row.id }, jobDeps);
}

async function subscriptionOf(tenant: World) {
  return (await call(tenant, "GET", "/api/v1/billing")).body;
}

async function tenantStatus(tenant: World): Promise<string> {
  return test.db.withTenant(tenant.tenantId, async (tx) => {
    const row = await tx.tenant.findUniqueOrThrow({ where: { id: tenant.tenantId }, select: { status: true } });
    return row.status;
  });
}

async function yookassaIdOf(tenant: World, paymentId: string): Promise<string> {
  return test.db.withTenant(tenant.tenantId, async (tx) => {
    const row = await tx.billingPayment.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.tenantId, id: paymentId } },
    });
    return row.yookassaPaymentId as string;
  });
}

const advance = (tenant: World) =>
  jobs.advance.handle({ tenantId: tenant.tenantId }, jobDeps) as Promise<AdvanceOutcome>;

/** A tenant that bought `start`: paid on YooKassa's page, notified, settled. Returns its payment. */
async function paidTenant(): Promise<{ tenant: World; paymentId: string; yookassaId: string }> {
  const tenant = await buildWorld(test, () => clock.now ?? new Date(), { bot: false });
  const started = await checkout(tenant);
  expect(started.status).toBe(201);
  const paymentId = started.body.paymentId as string;
  const yookassaId = await yookassaIdOf(tenant, paymentId);
  fake.succeed(yookassaId);
  expect((await notify(fake.notification("payment.succeeded", yookassaId))).status).toBe(200);
  await settleStored(yookassaId, "payment.succeeded");
  return { tenant, paymentId, yookassaId };
}

/** The charges of a saved card (a checkout's payment notes whether it asked to save one). */
const renewalsAtFake = (tenantId: string) =>
  [...fake.payments.values()].filter(
    (payment) => payment.metadata.tenantId === tenantId && payment.save_payment_method_requested === undefined,
  );

// ---- the first payment ----------------------------------------------------------------------------

describe("the first payment", () => {
  it("goes from checkout through YooKassa's page and notification to an active plan with the card saved", async () => {
    clock.now = null;
    const tenant = await buildWorld(test, undefined, { bot: false });
    const before = await subscriptionOf(tenant);
    expect(before).toMatchObject({ status: "trialing", plan: { id: "trial" }, paymentMethod: null });

    const started = await checkout(tenant, "business");
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: "pending" });
    expect(started.body.confirmationUrl).toMatch(/^https:\/\/yoomoney\.ru\/checkout\//);

    // what YooKassa was asked: our key, the receipt, a saved method, our metadata
    const create = fake.requests
      .filter((request) => request.method === "POST" && request.path === "/v3/payments")
      .at(-1);
    expect(create?.idempotenceKey).toBe(started.body.paymentId);
    expect(create?.body).toMatchObject({
      amount: { value: "3990.00", currency: "RUB" },
      capture: true,
      save_payment_method: true,
      confirmation: {
        type: "redirect",
        return_url: `http://localhost:5173/admin/#/billing/return?payment=${started.body.paymentId}`,
      },
      metadata: { tenantId: tenant.tenantId, paymentId: started.body.paymentId },
      receipt: {
        customer: { email: tenant.staff.owner.email },
        items: [{ quantity: "1.00", payment_mode: "full_payment", payment_subject: "service", vat_code: 1 }],
      },
    });

    const yookassaId = await yookassaIdOf(tenant, started.body.paymentId);
    fake.succeed(yookassaId);
    const answer = await notify(fake.notification("payment.succeeded", yookassaId));
    expect(answer).toEqual({ status: 200, body: { ok: true, duplicate: false } });
    expect(await notificationsFor(yookassaId)).toMatchObject([{ event: "payment.succeeded", status: "received" }]);

    // the relay hands it to the billing queue; a running worker settles it from YooKassa's API
    const relay = createBillingNotificationRelay({ pool: world.platformDb.pool, publisher: runtime, logger });
    await runtime.start();
    expect((await relay.publishBatch()).published).toBeGreaterThanOrEqual(1);
    await eventually(
      () => notificationsFor(yookassaId),
      (rows) => rows[0]?.status === "processed",
    );

    const after = await subscriptionOf(tenant);
    expect(after).toMatchObject({
      status: "active",
      plan: { id: "business" },
      paymentMethod: { title: expect.stringMatching(/^Bank card \*\d{4}$/) },
      graceUntil: null,
      notice: null,
    });
    const payment = (await call(tenant, "GET", `/api/v1/billing/payments/${started.body.paymentId}`)).body;
    expect(payment).toMatchObject({
      status: "succeeded",
      amountMinor: "399000",
      kind: "checkout",
      confirmationUrl: null,
    });
    expect(after.currentPeriodEnd).toBe(payment.period.end);
    expect(await tenantStatus(tenant)).toBe("active");
  });

  it("is shown settled on the return page even before the notification arrives", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const started = await checkout(tenant);
    const pending = await call(tenant, "GET", `/api/v1/billing/payments/${started.body.paymentId}`);
    expect(pending.body).toMatchObject({ status: "pending", confirmationUrl: started.body.confirmationUrl });
    fake.succeed(await yookassaIdOf(tenant, started.body.paymentId));
    const paid = await call(tenant, "GET", `/api/v1/billing/payments/${started.body.paymentId}`);
    expect(paid.body).toMatchObject({ status: "succeeded" });
    expect(await subscriptionOf(tenant)).toMatchObject({ status: "active", plan: { id: "start" } });
  });

  it("creates one payment at YooKassa for a retried request, and for a retry after YooKassa's answer was lost", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const key = randomUUID();
    const atFake = () => [...fake.payments.values()].filter((p) => p.metadata.tenantId === tenant.tenantId).length;
    const first = await checkout(tenant, "start", key);
    const again = await checkout(tenant, "start", key);
    expect(again.body).toEqual(first.body);
    expect(atFake()).toBe(1);

    // YooKassa created the payment but we never heard: the row has no YooKassa id
    await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.billingPayment.update({
        where: { tenantId_id: { tenantId: tenant.tenantId, id: first.body.paymentId } },
        data: { yookassaPaymentId: null, confirmationUrl: null },
      }),
    );
    const retried = await checkout(tenant, "start", key);
    expect(retried.body).toEqual(first.body);
    expect(atFake()).toBe(1);

    const otherPlan = await checkout(tenant, "business", key);
    expect(otherPlan.status).toBe(409);
    expect(atFake()).toBe(1);
  });

  it("refuses a plan that is not on offer, and a checkout without an Idempotency-Key", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const trial = await checkout(tenant, "trial");
    expect(trial.status).toBe(422);
    expect(trial.body.errors).toEqual([{ path: "planId", message: "is not a plan on offer" }]);
    const noKey = await call(tenant, "POST", "/api/v1/billing/checkout", { planId: "start" });
    expect(noKey.status).toBe(422);
  });
});

// ---- the webhook ---------------------------------------------------------------------------------

describe("YooKassa's notifications", () => {
  it("are refused from an address that is not YooKassa's, and nothing is stored", async () => {
    const objectId = randomUUID();
    const body = { type: "notification", event: "payment.succeeded", object: { id: objectId, status: "succeeded" } };
    const refused = await notify(body, "203.0.113.7");
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "FORBIDDEN" });
    expect(await notificationsFor(objectId)).toEqual([]);
    // YooKassa's IPv6 range, and IPv4 as a dual-stack socket reports it, are YooKassa's
    expect((await notify(body, "2a02:5180::1")).status).toBe(200);
    expect((await notify({ ...body, event: "payment.canceled" }, "::ffff:77.75.156.11")).status).toBe(200);
  });

  it("answer 422 to a body that is not a notification, and store nothing", async () => {
    const garbage = await notify({ type: "notification", event: "payment.succeeded", object: {} });
    expect(garbage.status).toBe(422);
    expect(garbage.body.errors).toEqual([{ path: "object.id", message: "is required" }]);
    expect((await notify("{not json")).status).toBe(422);
  });

  it("store an event billing does not handle as ignored, answered 200 so YooKassa stops", async () => {
    const objectId = randomUUID();
    const answer = await notify({ type: "notification", event: "payout.succeeded", object: { id: objectId } });
    expect(answer.status).toBe(200);
    expect(await notificationsFor(objectId)).toMatchObject([{ status: "ignored" }]);
  });

  it("change nothing twice: a duplicate is stored once, and succeeded settled twice extends the period once", async () => {
    const { tenant, yookassaId } = await paidTenant();
    const settled = await subscriptionOf(tenant);
    const duplicate = await notify(fake.notification("payment.succeeded", yookassaId));
    expect(duplicate).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(await notificationsFor(yookassaId)).toHaveLength(1);
    // the worker running the same notification again (a retried job)
    await world.platformDb.pool.query("UPDATE billing_notifications SET status = 'received' WHERE object_id = $1", [
      yookassaId,
    ]);
    await settleStored(yookassaId, "payment.succeeded");
    expect(await subscriptionOf(tenant)).toEqual(settled);
  });

  it("change nothing when payment.canceled arrives after payment.succeeded", async () => {
    const { tenant, yookassaId, paymentId } = await paidTenant();
    const settled = await subscriptionOf(tenant);
    const late = { type: "notification", event: "payment.canceled", object: { id: yookassaId, status: "canceled" } };
    expect((await notify(late)).status).toBe(200);
    expect(await settleStored(yookassaId, "payment.canceled")).toMatchObject({
      status: "processed",
      outcome: "unchanged",
    });
    expect(await subscriptionOf(tenant)).toEqual(settled);
    expect((await call(tenant, "GET", `/api/v1/billing/payments/${paymentId}`)).body.status).toBe("succeeded");
  });

  it("are never believed: a body saying succeeded while YooKassa says pending changes nothing", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const started = await checkout(tenant);
    const yookassaId = await yookassaIdOf(tenant, started.body.paymentId);
    const lie = {
      type: "notification",
      event: "payment.succeeded",
      object: { ...fake.payments.get(yookassaId), status: "succeeded", paid: true },
    };
    expect((await notify(lie)).status).toBe(200);
    await settleStored(yookassaId, "payment.succeeded");
    expect(await subscriptionOf(tenant)).toMatchObject({ status: "trialing", plan: { id: "trial" } });
    expect((await call(tenant, "GET", `/api/v1/billing/payments/${started.body.paymentId}`)).body.status).toBe(
      "pending",
    );
  });

  it("are kept while Redis is away and settled once the relay reaches it", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const started = await checkout(tenant);
    const yookassaId = await yookassaIdOf(tenant, started.body.paymentId);
    fake.succeed(yookassaId);
    // the intake itself never needs Redis: stored in PostgreSQL before the 200
    expect((await notify(fake.notification("payment.succeeded", yookassaId))).status).toBe(200);
    const deadRedis = runtimeWith(world, [jobs.settle], { redisUrl: "redis://127.0.0.1:1/0" });
    const cutOff = createBillingNotificationRelay({
      pool: world.platformDb.pool,
      publisher: deadRedis,
      logger,
      publishTimeoutMs: 300,
    });
    const failed = await cutOff.publishBatch();
    expect(failed.published).toBe(0);
    expect(await notificationsFor(yookassaId)).toMatchObject([{ status: "received", attempts: 0 }]);
    await deadRedis.close().catch(() => {});

    const relay = createBillingNotificationRelay({ pool: world.platformDb.pool, publisher: runtime, logger });
    await relay.publishBatch();
    await eventually(
      () => notificationsFor(yookassaId),
      (rows) => rows[0]?.status === "processed",
    );
    expect(await subscriptionOf(tenant)).toMatchObject({ status: "active", plan: { id: "start" } });
  });
});

// ---- renewals, grace, restriction ------------------------------------------------------------------

describe("renewals", () => {
  it("charge the saved card before the period ends with a stable key, and extend the period once", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const paid = await subscriptionOf(tenant);
    const end = new Date(paid.currentPeriodEnd);
    fake.setRenewalOutcome("succeeded");

    clock.now = new Date(end.getTime() - 25 * HOUR);
    expect(await advance(tenant)).toEqual({ transition: null, renewal: "none" });

    clock.now = new Date(end.getTime() - 23 * HOUR);
    expect(await advance(tenant)).toMatchObject({ renewal: "succeeded" });
    // the job again (a retry after a crash): the same key, nothing more
    await advance(tenant);
    const charges = renewalsAtFake(tenant.tenantId);
    expect(charges).toHaveLength(1);
    // the key is a UUID derived from the readable name, which is kept on the row for people
    const keys = fake.requests
      .filter((r) => r.method === "POST" && r.path === "/v3/payments")
      .map((r) => r.idempotenceKey);
    const key = renewalKey(tenant.tenantId, end, 1);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys).toContain(key);
    const row = await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.billingPayment.findUniqueOrThrow({ where: { idempotenceKey: key } }),
    );
    expect(row.idempotenceLabel).toBe(`renewal:${tenant.tenantId}:${end.toISOString()}:1`);
    expect(row.idempotenceLabel).toBe(renewalLabel(tenant.tenantId, end, 1));
    expect(row.idempotenceLabel?.length).toBeGreaterThan(64);
    // what YooKassa was asked: the saved card, and the receipt a Russian online payment needs
    expect(fake.requests.find((r) => r.idempotenceKey === key)?.body).toMatchObject({
      payment_method_id: expect.any(String),
      receipt: {
        customer: { email: tenant.staff.owner.email },
        items: [
          {
            description: "MAX Loyalty: Start",
            quantity: "1.00",
            amount: { value: "1490.00", currency: "RUB" },
            vat_code: 1,
            payment_mode: "full_payment",
            payment_subject: "service",
          },
        ],
      },
    });

    const renewed = await subscriptionOf(tenant);
    expect(renewed.status).toBe("active");
    expect(renewed.currentPeriodStart).toBe(end.toISOString());
    expect(new Date(renewed.currentPeriodEnd).getTime()).toBeGreaterThan(end.getTime() + 27 * DAY);
    expect(renewed.currentPeriodEnd).not.toBe(paid.currentPeriodEnd);
    // its notification, settled later, extends nothing again
    const charge = charges[0];
    if (!charge) throw new Error("no renewal at the fake");
    await notify(fake.notification("payment.succeeded", charge.id));
    await settleStored(charge.id, "payment.succeeded");
    expect((await subscriptionOf(tenant)).currentPeriodEnd).toBe(renewed.currentPeriodEnd);
    clock.now = null;
  });

  it("re-send the same request under the same key when YooKassa's first answer was lost", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    fake.setRenewalOutcome("pending");
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "created" });
      // the worker died before it could store YooKassa's answer
      await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingPayment.updateMany({
          where: { tenantId: tenant.tenantId, kind: "renewal" },
          data: { yookassaPaymentId: null },
        }),
      );
      expect(await advance(tenant)).toMatchObject({ renewal: "created" });
      const charges = renewalsAtFake(tenant.tenantId);
      expect(charges).toHaveLength(1);
      const charge = charges[0];
      if (!charge) throw new Error("no renewal at the fake");
      // YooKassa completes it later; the notification settles it
      charge.status = "succeeded";
      charge.paid = true;
      await notify(fake.notification("payment.succeeded", charge.id));
      expect(await settleStored(charge.id, "payment.succeeded")).toMatchObject({ outcome: "succeeded" });
      expect((await subscriptionOf(tenant)).currentPeriodStart).toBe(end.toISOString());
    } finally {
      fake.setRenewalOutcome("succeeded");
      clock.now = null;
    }
  });

  it("that fail are retried on schedule, then past due with grace, then restricted; a later payment restores it", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    fake.setRenewalOutcome("canceled");
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "canceled" });
      let sub = await subscriptionOf(tenant);
      expect(sub).toMatchObject({ status: "active", notice: "payment_failed", renewal: { failedAttempts: 1 } });
      expect(sub.renewal.nextAttemptAt).toBe(new Date(clock.now.getTime() + 6 * HOUR).toISOString());
      // not before the retry is due
      expect(await advance(tenant)).toEqual({ transition: null, renewal: "none" });

      clock.now = new Date(clock.now.getTime() + 6 * HOUR); // 17 h before the end: try 2
      expect(await advance(tenant)).toMatchObject({ renewal: "canceled" });
      clock.now = new Date(end.getTime() + 7 * HOUR); // 24 h later, past the end: past due, and try 3
      expect(await advance(tenant)).toMatchObject({ transition: "active->past_due", renewal: "canceled" });
      sub = await subscriptionOf(tenant);
      expect(sub).toMatchObject({ status: "past_due", notice: "past_due", renewal: { failedAttempts: 3 } });
      expect(sub.graceUntil).toBe(new Date(end.getTime() + 7 * DAY).toISOString());
      expect(await tenantStatus(tenant)).toBe("active");

      clock.now = new Date(clock.now.getTime() + 72 * HOUR); // the last try
      expect(await advance(tenant)).toMatchObject({ renewal: "canceled" });
      clock.now = new Date(clock.now.getTime() + 72 * HOUR);
      expect(await advance(tenant)).toEqual({ transition: null, renewal: "none" }); // no tries left
      expect(renewalsAtFake(tenant.tenantId)).toHaveLength(4);

      clock.now = new Date(end.getTime() + 7 * DAY + HOUR);
      expect(await advance(tenant)).toMatchObject({ transition: "past_due->restricted" });
      expect(await subscriptionOf(tenant)).toMatchObject({ status: "restricted", notice: "restricted" });
      expect(await tenantStatus(tenant)).toBe("restricted");
      // the owner is told: one outbox event per failed attempt
      const told = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.outboxEvent.count({ where: { tenantId: tenant.tenantId, type: "billing.renewal_failed" } }),
      );
      expect(told).toBe(4);

      // the owner pays again (a restricted business may sign in and pay)
      const again = await checkout(tenant);
      expect(again.status).toBe(201);
      const yookassaId = await yookassaIdOf(tenant, again.body.paymentId);
      fake.succeed(yookassaId);
      await notify(fake.notification("payment.succeeded", yookassaId));
      await settleStored(yookassaId, "payment.succeeded");
      expect(await subscriptionOf(tenant)).toMatchObject({
        status: "active",
        graceUntil: null,
        renewal: { failedAttempts: 0, nextAttemptAt: null },
        notice: null,
      });
      expect(await tenantStatus(tenant)).toBe("active");
    } finally {
      fake.setRenewalOutcome("succeeded");
      clock.now = null;
    }
  });

  it("are found by the sweep only for tenants with something due", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    // a runtime that is not started, so what the sweep queues stays to be looked at
    const quiet = runtimeWith(world, Object.values(jobs));
    const deps = jobDepsOf(world, quiet);
    try {
      await jobs.sweep.handle({ limit: 10_000 }, deps);
      expect(await quiet.queue("billing").getJob(`billing-advance-${tenant.tenantId}`)).toBeUndefined();
      clock.now = new Date(end.getTime() - 23 * HOUR);
      await jobs.sweep.handle({ limit: 10_000 }, deps);
      expect(await quiet.queue("billing").getJob(`billing-advance-${tenant.tenantId}`)).toBeDefined();
    } finally {
      await quiet.close();
      clock.now = null;
    }
  });
});

describe("a declined renewal", () => {
  it("is told to the owners who tied their Telegram, once, from the business's bot", async () => {
    clock.now = null;
    const telegram = await startFakeTelegram();
    const consumer = billingOwnerNotifications({ telegramApiRoot: telegram.apiRoot });
    try {
      const tenant = await buildWorld(test, () => clock.now ?? new Date());
      telegram.addBot({ token: tenant.botToken });
      const ownerChat = 7_100_000_000 + Math.floor(Math.random() * 1_000_000);
      await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.staffUser.update({
          where: { tenantId_id: { tenantId: tenant.tenantId, id: tenant.staff.owner.id } },
          data: { telegramUserId: BigInt(ownerChat), locale: "en" },
        }),
      );
      const started = await checkout(tenant);
      const yookassaId = await yookassaIdOf(tenant, started.body.paymentId);
      fake.succeed(yookassaId);
      await notify(fake.notification("payment.succeeded", yookassaId));
      await settleStored(yookassaId, "payment.succeeded");
      const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
      fake.setRenewalOutcome("canceled");
      clock.now = new Date(end.getTime() - 23 * HOUR);
      await advance(tenant);

      const outbox = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.outboxEvent.findFirstOrThrow({ where: { tenantId: tenant.tenantId, type: "billing.renewal_failed" } }),
      );
      const event = {
        tenantId: tenant.tenantId,
        eventId: outbox.id.toString(),
        type: outbox.type,
        payload: outbox.payload,
        createdAt: outbox.createdAt.toISOString(),
      };
      await consumer.handle(event, jobDeps);
      await consumer.handle(event, jobDeps); // the same event handed over again
      const sent = telegram.callsTo("sendMessage", tenant.botToken);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.params.chat_id).toBe(ownerChat);
      expect(String(sent[0]?.params.text)).toMatch(/could not be charged to the saved card\.\nNext try: /);
    } finally {
      fake.setRenewalOutcome("succeeded");
      clock.now = null;
      await telegram.close();
    }
  });
});

// ---- cancellation and refunds ----------------------------------------------------------------------

describe("cancellation", () => {
  it("stops renewals and ends the subscription at the period's end; resume undoes it before then", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    const cancelled = await call(tenant, "POST", "/api/v1/billing/cancel", { reason: "closing for winter" });
    expect(cancelled.body).toMatchObject({ status: "active", cancelAtPeriodEnd: true, notice: "cancel_scheduled" });
    expect((await call(tenant, "POST", "/api/v1/billing/resume")).body).toMatchObject({ cancelAtPeriodEnd: false });
    await call(tenant, "POST", "/api/v1/billing/cancel", {});
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toEqual({ transition: null, renewal: "none" });
      expect(renewalsAtFake(tenant.tenantId)).toHaveLength(0);
      clock.now = new Date(end.getTime() + HOUR);
      expect(await advance(tenant)).toMatchObject({ transition: "active->canceled" });
      expect(await subscriptionOf(tenant)).toMatchObject({ status: "canceled", notice: "canceled" });
      expect(await tenantStatus(tenant)).toBe("restricted");
      expect((await call(tenant, "POST", "/api/v1/billing/resume")).status).toBe(409);
      const audit = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.auditLogEntry.findMany({ where: { tenantId: tenant.tenantId, action: { startsWith: "billing." } } }),
      );
      expect(audit.map((entry) => entry.action).sort()).toEqual([
        "billing.cancel",
        "billing.cancel",
        "billing.checkout",
        "billing.resume",
      ]);
      expect(audit.find((entry) => entry.reason === "closing for winter")?.actorStaffId).toBe(tenant.staff.owner.id);
    } finally {
      clock.now = null;
    }
  });

  it("schedules a downgrade for the period's end, charged at the cheaper plan's price", async () => {
    clock.now = null;
    const tenant = await buildWorld(test, undefined, { bot: false });
    const started = await checkout(tenant, "business");
    const yookassaId = await yookassaIdOf(tenant, started.body.paymentId);
    fake.succeed(yookassaId);
    await notify(fake.notification("payment.succeeded", yookassaId));
    await settleStored(yookassaId, "payment.succeeded");
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    const downgrade = await checkout(tenant, "start");
    expect(downgrade.body).toEqual({
      paymentId: null,
      confirmationUrl: null,
      status: "scheduled",
      scheduledPlanId: "start",
      effectiveAt: end.toISOString(),
    });
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      await advance(tenant);
      expect(renewalsAtFake(tenant.tenantId).map((payment) => payment.amount.value)).toEqual(["1490.00"]);
      expect(await subscriptionOf(tenant)).toMatchObject({ status: "active", plan: { id: "start" }, nextPlan: null });
    } finally {
      clock.now = null;
    }
  });
});

describe("refunds", () => {
  it("refund through YooKassa with our key, settle on refund.succeeded once, and never exceed what was paid", async () => {
    const { tenant, paymentId, yookassaId } = await paidTenant();
    const key = randomUUID();
    const partial = await call(
      tenant,
      "POST",
      `/api/v1/billing/payments/${paymentId}/refund`,
      { amountMinor: 50_000, reason: "charged twice by mistake" },
      { "Idempotency-Key": key },
    );
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      refundedMinor: "50000",
      refunds: [{ amountMinor: "50000", status: "succeeded" }],
    });
    const create = fake.requests.filter((r) => r.path === "/v3/refunds" && r.method === "POST").at(-1);
    // a UUID derived from refund:<tenant>:<payment>:<client key> (about 117 characters)
    const label = refundLabel(tenant.tenantId, paymentId, key);
    expect(label).toBe(`refund:${tenant.tenantId}:${paymentId}:${key}`);
    expect(create?.idempotenceKey).toBe(keyFromLabel(label));
    expect(create?.idempotenceKey?.length).toBe(36);
    const stored = await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.billingRefund.findMany({ where: { paymentId } }),
    );
    expect(stored.map((refund) => refund.idempotenceLabel)).toEqual([label]);
    // a partial refund carries its receipt: the refunded amount as the line, to the payer's e-mail
    expect(create?.body).toEqual({
      payment_id: yookassaId,
      amount: { value: "500.00", currency: "RUB" },
      description: "charged twice by mistake",
      receipt: {
        customer: { email: tenant.staff.owner.email },
        items: [
          {
            description: "MAX Loyalty: Start",
            quantity: "1.00",
            amount: { value: "500.00", currency: "RUB" },
            vat_code: 1,
            payment_mode: "full_payment",
            payment_subject: "service",
          },
        ],
      },
    });

    // a retry, and YooKassa's notification, change nothing
    await call(
      tenant,
      "POST",
      `/api/v1/billing/payments/${paymentId}/refund`,
      { amountMinor: 50_000, reason: "charged twice by mistake" },
      { "Idempotency-Key": key },
    );
    const refundId = [...fake.refunds.values()].find((refund) => refund.payment_id === yookassaId)?.id as string;
    await notify(fake.notification("refund.succeeded", refundId));
    expect(await settleStored(refundId, "refund.succeeded")).toMatchObject({
      status: "processed",
      outcome: "unchanged",
    });
    const payment = (await call(tenant, "GET", `/api/v1/billing/payments/${paymentId}`)).body;
    expect(payment.refundedMinor).toBe("50000");
    expect(payment.refunds).toHaveLength(1);

    const tooMuch = await call(
      tenant,
      "POST",
      `/api/v1/billing/payments/${paymentId}/refund`,
      { amountMinor: 100_000, reason: "more" },
      { "Idempotency-Key": randomUUID() },
    );
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.errors).toEqual([{ path: "amountMinor", message: "must be at most 99000" }]);
  });

  it("left pending at YooKassa are finalised by the refund.succeeded notification", async () => {
    const { tenant, paymentId } = await paidTenant();
    fake.setRefundOutcome("pending");
    try {
      const pending = await call(
        tenant,
        "POST",
        `/api/v1/billing/payments/${paymentId}/refund`,
        { reason: "goodwill" },
        { "Idempotency-Key": randomUUID() },
      );
      expect(pending.body).toMatchObject({
        refundedMinor: "0",
        refunds: [{ amountMinor: "149000", status: "pending" }],
      });
      // a full refund carries a receipt too
      const sent = fake.requests.filter((r) => r.path === "/v3/refunds" && r.method === "POST").at(-1);
      expect(sent?.body).toMatchObject({
        receipt: { items: [{ amount: { value: "1490.00", currency: "RUB" }, quantity: "1.00", vat_code: 1 }] },
      });
      const refund = [...fake.refunds.values()].at(-1);
      if (!refund) throw new Error("no refund at the fake");
      fake.completeRefund(refund.id);
      await notify(fake.notification("refund.succeeded", refund.id));
      expect(await settleStored(refund.id, "refund.succeeded")).toMatchObject({
        status: "processed",
        outcome: "succeeded",
      });
      const payment = (await call(tenant, "GET", `/api/v1/billing/payments/${paymentId}`)).body;
      expect(payment).toMatchObject({ refundedMinor: "149000", refunds: [{ status: "succeeded" }] });
    } finally {
      fake.setRefundOutcome("succeeded");
    }
  });
});

describe("the YooKassa client", () => {
  it("never carries the secret key in its errors, whether YooKassa refuses or cannot be reached", async () => {
    const wrongKey = createYooKassaClient({ shopId: fake.shopId, secretKey: "test_wrong_secret", apiUrl: fake.url });
    const refused = await wrongKey.getPayment(randomUUID()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(YooKassaError);
    expect((refused as YooKassaError).code).toBe("invalid_credentials");
    const unreachable = createYooKassaClient(
      { shopId: fake.shopId, secretKey: fake.secretKey, apiUrl: "http://127.0.0.1:1/v3" },
      { timeoutMs: 1_000 },
    );
    const lost = await unreachable.getPayment(randomUUID()).catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(YooKassaError);
    expect((lost as YooKassaError).retryable).toBe(true);
    for (const error of [refused, lost]) {
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toMatch(
        /test_wrong_secret|test_fake_secret_key/,
      );
    }
  });
});

// ---- who may, and whose ----------------------------------------------------------------------------

describe("access", () => {
  it("lets admins read billing but only the owner pay, cancel or refund", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    const as = async (role: "admin" | "manager", method: string, path: string, body?: unknown) =>
      (
        await test.app.request(path, {
          method,
          headers: {
            Authorization: `Bearer ${await tenant.tokenFor(role)}`,
            "Content-Type": "application/json",
            "Idempotency-Key": randomUUID(),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      ).status;
    expect(await as("admin", "GET", "/api/v1/billing")).toBe(200);
    expect(await as("admin", "GET", "/api/v1/billing/payments")).toBe(200);
    expect(await as("admin", "POST", "/api/v1/billing/checkout", { planId: "start" })).toBe(403);
    expect(await as("admin", "POST", "/api/v1/billing/cancel", {})).toBe(403);
    expect(await as("manager", "GET", "/api/v1/billing")).toBe(403);
  });

  it("keeps one business's payments from another's owner", async () => {
    const { tenant, paymentId } = await paidTenant();
    const stranger = await buildWorld(test, undefined, { bot: false });
    expect((await call(stranger, "GET", `/api/v1/billing/payments/${paymentId}`)).status).toBe(404);
    expect((await call(stranger, "GET", "/api/v1/billing/payments")).body.payments).toEqual([]);
    const refund = await call(
      stranger,
      "POST",
      `/api/v1/billing/payments/${paymentId}/refund`,
      { reason: "not mine" },
      { "Idempotency-Key": randomUUID() },
    );
    expect(refund.status).toBe(404);
    expect((await call(tenant, "GET", "/api/v1/billing/payments")).body.payments).toHaveLength(1);
  });

  it("answers 503 on every billing route when no YooKassa shop is configured", async () => {
    const off = await createTestApp();
    try {
      const tenant = await buildWorld(off, undefined, { bot: false });
      const token = await tenant.tokenFor("owner");
      const overview = await off.app.request("/api/v1/billing", { headers: { Authorization: `Bearer ${token}` } });
      expect(overview.status).toBe(503);
      expect(((await overview.json()) as { detail: string }).detail).toMatch(/not configured/);
      const webhook = await off.app.request("/api/v1/billing/yookassa/notifications", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: randomUUID() } }),
      });
      // no proxy trusted and no socket in app.request: the sender is unknown, so refused first
      expect(webhook.status).toBe(403);
    } finally {
      await off.close();
    }
  });
});
