// Billing's edges, with its real parts (the API's routes, PostgreSQL with row-level security, the
// billing jobs and the owner notices) and a fake YooKassa that is as strict as the real one:
// Idempotence-Keys of at most 64 characters, a well-formed 54-FZ receipt on every payment and
// refund, one body per key. No notification is stored here (the lifecycle file's relay would
// take it to its own fake): payments settle through the return page's GET, which asks YooKassa.
import { randomUUID } from "node:crypto";
import { type AdvanceOutcome, createYooKassaClient, renewalLabel, YooKassaError } from "@maxl/api";
import { startFakeTelegram } from "@maxl/bot/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { billingJobs } from "../src/billing/billing-jobs.ts";
import { billingOwnerNotifications } from "../src/billing/owner-notifications.ts";
import type { JobDefinition, JobDeps } from "../src/jobs/definition.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../src/testing/fake-yookassa.ts";
import { createTestWorld, jobDepsOf, runtimeWith, services, type TestWorld } from "./support.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

let fake: FakeYooKassa;
let test: TestApp;
let world: TestWorld;
let runtime: WorkerRuntime;
let jobDeps: JobDeps;
let jobs: Record<"advance" | "sweep", JobDefinition>;
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
      RATE_LIMIT_PER_MINUTE: "100000",
    },
    clock: () => clock.now ?? new Date(),
  });
  const defined = billingJobs({ settings: test.config.billing });
  const byName = (name: string) => defined.find((job) => job.name === name) as JobDefinition;
  jobs = { advance: byName("billing.advance-subscription"), sweep: byName("billing.sweep") };
  runtime = runtimeWith(world, defined);
  jobDeps = jobDepsOf(world, runtime);
});

afterAll(async () => {
  await runtime.close();
  await world.close();
  await test.close();
  await fake.close();
});

async function call(
  tenant: World,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  role: "owner" | "admin" = "owner",
) {
  const response = await test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await tenant.tokenFor(role)}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a test reading JSON answers
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const checkout = (tenant: World, planId = "start", key = randomUUID()) =>
  call(tenant, "POST", "/api/v1/billing/checkout", { planId }, { "Idempotency-Key": key });
const subscriptionOf = async (tenant: World, role: "owner" | "admin" = "owner") =>
  (await call(tenant, "GET", "/api/v1/billing", undefined, {}, role)).body;
const advance = (tenant: World) =>
  jobs.advance.handle({ tenantId: tenant.tenantId }, jobDeps) as Promise<AdvanceOutcome>;

async function yookassaIdOf(tenant: World, paymentId: string): Promise<string> {
  const row = await test.db.withTenant(tenant.tenantId, (tx) =>
    tx.billingPayment.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.tenantId, id: paymentId } } }),
  );
  return row.yookassaPaymentId as string;
}

/** Paid on YooKassa's page and settled as the return page does (GET asks YooKassa). */
async function pay(tenant: World, paymentId: string) {
  fake.succeed(await yookassaIdOf(tenant, paymentId));
  const settled = await call(tenant, "GET", `/api/v1/billing/payments/${paymentId}`);
  expect(settled.body.status).toBe("succeeded");
}

async function paidTenant(options: { bot?: boolean } = {}) {
  const tenant = await buildWorld(test, () => clock.now ?? new Date(), { bot: options.bot ?? false });
  const started = await checkout(tenant);
  expect(started.status).toBe(201);
  await pay(tenant, started.body.paymentId);
  return { tenant, paymentId: started.body.paymentId as string };
}

const renewalsAtFake = (tenantId: string) =>
  [...fake.payments.values()].filter(
    (payment) => payment.metadata.tenantId === tenantId && payment.save_payment_method_requested === undefined,
  );

/** The table owner's connection: plans are the platform's data, changed by operators with SQL. */
async function asOwner<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: services.adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function outboxOf(tenant: World, type: string) {
  return test.db.withTenant(tenant.tenantId, (tx) =>
    tx.outboxEvent.findMany({ where: { tenantId: tenant.tenantId, type }, orderBy: { id: "asc" } }),
  );
}

describe("the fake YooKassa, as strict as the real one", () => {
  const client = () => createYooKassaClient({ shopId: fake.shopId, secretKey: fake.secretKey, apiUrl: fake.url });
  const receipt = (value: string) => ({
    customer: { email: "owner@example.com" },
    items: [
      {
        description: "MAX Loyalty: Start",
        quantity: "1.00",
        amount: { value, currency: "RUB" },
        vat_code: 1,
        payment_mode: "full_payment" as const,
        payment_subject: "service" as const,
      },
    ],
  });
  const payment = (value = "1490.00") => ({
    amount: { value, currency: "RUB" },
    capture: true as const,
    description: "MAX Loyalty: Start",
    metadata: { tenantId: randomUUID() },
    confirmation: { type: "redirect" as const, return_url: "https://admin.example/#/billing/return" },
    receipt: receipt(value),
  });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error as YooKassaError,
    );

  it("refuses an Idempotence-Key over 64 characters in YooKassa's error format", async () => {
    const long = `renewal:${randomUUID()}:${new Date().toISOString()}:1`;
    expect(long.length).toBeGreaterThan(64);
    const error = await refusal(client().createPayment(payment(), long));
    expect(error).toBeInstanceOf(YooKassaError);
    expect(error?.code).toBe("invalid_request");
    expect(error?.message).toMatch(/Idempotence key is too long/);
    const answer = await fetch(`${fake.url}/payments`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${fake.shopId}:${fake.secretKey}`).toString("base64")}`,
        "Content-Type": "application/json",
        "Idempotence-Key": "k".repeat(65),
      },
      body: JSON.stringify(payment()),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      type: "error",
      id: expect.any(String),
      code: "invalid_request",
      parameter: "Idempotence-Key",
    });
    expect(await client().createPayment(payment(), "k".repeat(64))).toMatchObject({ status: "pending" });
  });

  it("refuses a payment or a refund without a well-formed receipt", async () => {
    const { receipt: _none, ...bare } = payment();
    const noReceipt = await refusal(client().createPayment(bare as ReturnType<typeof payment>, randomUUID()));
    expect(noReceipt?.message).toMatch(/Receipt is required/);
    const wrongSum = await refusal(client().createPayment({ ...payment(), receipt: receipt("1000.00") }, randomUUID()));
    expect(wrongSum?.message).toMatch(/do not add up/);
    const { vat_code: _vat, ...noVat } = receipt("1490.00").items[0] ?? {};
    const withoutVat = await refusal(
      client().createPayment(
        { ...payment(), receipt: { customer: { email: "a@b.c" }, items: [noVat] } } as ReturnType<typeof payment>,
        randomUUID(),
      ),
    );
    expect(withoutVat?.message).toMatch(/vat_code/);
    const longLine = receipt("1490.00");
    longLine.items[0] = { ...(longLine.items[0] as (typeof longLine.items)[number]), description: "x".repeat(129) };
    expect((await refusal(client().createPayment({ ...payment(), receipt: longLine }, randomUUID())))?.message).toMatch(
      /128/,
    );

    const paid = await client().createPayment(payment(), randomUUID());
    fake.succeed(paid.id);
    const bareRefund = { payment_id: paid.id, amount: { value: "100.00", currency: "RUB" } };
    const refundWithout = await refusal(
      client().createRefund(bareRefund as Parameters<FakeRefundCall>[0], randomUUID()),
    );
    expect(refundWithout?.message).toMatch(/Receipt is required/);
    const refundWrong = await refusal(
      client().createRefund({ ...bareRefund, receipt: receipt("200.00") }, randomUUID()),
    );
    expect(refundWrong?.message).toMatch(/do not add up/);
    expect(await client().createRefund({ ...bareRefund, receipt: receipt("100.00") }, randomUUID())).toMatchObject({
      status: "succeeded",
    });
  });
});

type FakeRefundCall = ReturnType<typeof createYooKassaClient>["createRefund"];

/** A plan off sale (so no other test's list of plans sees it), for this file's renewals. */
async function privatePlan(name: string, priceMinor = 99_000): Promise<string> {
  const planId = `private-${randomUUID().slice(0, 8)}`;
  await asOwner((client) =>
    client.query(
      `INSERT INTO plans (id, name, price_minor, period_months, max_restaurants, max_staff, max_guests,
                          max_broadcasts_per_month, sort_order, is_public)
       VALUES ($1, $2, $3, 1, NULL, NULL, NULL, NULL, 99, false)`,
      [planId, name, priceMinor],
    ),
  );
  return planId;
}

/** The create requests of a tenant's renewals, as the fake received them. */
const renewalSends = (tenantId: string) =>
  fake.requests.filter((r) => {
    const body = r.body as { metadata?: { tenantId?: string }; payment_method_id?: string } | undefined;
    return r.path === "/v3/payments" && body?.metadata?.tenantId === tenantId && body.payment_method_id;
  });

describe("receipts", () => {
  it("cut each line to 128 characters, whatever the plan is called", async () => {
    clock.now = null;
    const name = `Сеть ресторанов без ограничений и с персональным менеджером, ${"очень длинное название ".repeat(5)}`;
    const planId = await privatePlan(name);
    const { tenant } = await paidTenant();
    await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.subscription.update({ where: { tenantId: tenant.tenantId }, data: { nextPlanId: planId } }),
    );
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "succeeded" });
      const [sent] = renewalSends(tenant.tenantId);
      const line = (sent?.body as { receipt?: { items: { description: string }[] } } | undefined)?.receipt?.items[0];
      expect(line?.description).toBe(`MAX Loyalty: ${name}`.slice(0, 128));
      expect(line?.description.length).toBe(128);
    } finally {
      clock.now = null;
    }
  });
});

describe("a renewal", () => {
  it("sent again after a lost answer carries the very same body, even if the plan was renamed meanwhile", async () => {
    clock.now = null;
    const planId = await privatePlan("Before");
    const { tenant } = await paidTenant();
    // the next renewal is for this plan (as a downgrade scheduled to it would be)
    await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.subscription.update({ where: { tenantId: tenant.tenantId }, data: { nextPlanId: planId } }),
    );
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    fake.setRenewalOutcome("pending");
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "created" });
      // the worker died before it stored YooKassa's answer; an operator renames the plan
      await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingPayment.updateMany({
          where: { tenantId: tenant.tenantId, kind: "renewal" },
          data: { yookassaPaymentId: null },
        }),
      );
      await asOwner((client) => client.query("UPDATE plans SET name = 'After' WHERE id = $1", [planId]));
      expect(await advance(tenant)).toMatchObject({ renewal: "created" });
      const sends = renewalSends(tenant.tenantId);
      expect(sends).toHaveLength(2);
      expect(sends[1]?.body).toEqual(sends[0]?.body);
      expect(sends[1]?.idempotenceKey).toBe(sends[0]?.idempotenceKey);
      expect(sends[0]?.body).toMatchObject({ description: "MAX Loyalty: Before" });
      expect(renewalsAtFake(tenant.tenantId)).toHaveLength(1);
    } finally {
      fake.setRenewalOutcome("succeeded");
      clock.now = null;
    }
  });

  it("of a business without an active owner sends its receipt to the e-mail the checkout's went to", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    await test.db.withTenant(tenant.tenantId, (tx) =>
      tx.staffUser.updateMany({ where: { tenantId: tenant.tenantId, role: "owner" }, data: { isActive: false } }),
    );
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "succeeded" });
      const [sent] = renewalSends(tenant.tenantId);
      expect(sent?.body).toMatchObject({ receipt: { customer: { email: tenant.staff.owner.email } } });
    } finally {
      clock.now = null;
    }
  });

  it("with nobody to send its receipt to is not charged: a failed attempt, retried on schedule, and told", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    await test.db.withTenant(tenant.tenantId, async (tx) => {
      await tx.staffUser.updateMany({ where: { tenantId: tenant.tenantId, role: "owner" }, data: { isActive: false } });
      await tx.subscription.update({ where: { tenantId: tenant.tenantId }, data: { billingEmail: null } });
    });
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "refused" });
      expect(renewalsAtFake(tenant.tenantId)).toHaveLength(0);
      // Read as the admin: the deactivated owner's token is refused at once.
      const sub = await subscriptionOf(tenant, "admin");
      expect(sub).toMatchObject({ notice: "payment_failed", renewal: { failedAttempts: 1 } });
      expect(sub.renewal.nextAttemptAt).toBe(new Date(clock.now.getTime() + 6 * HOUR).toISOString());
      const history = (await call(tenant, "GET", "/api/v1/billing/payments", undefined, {}, "admin")).body.payments;
      expect(history[0]).toMatchObject({
        kind: "renewal",
        status: "canceled",
        cancellationReason: "no_receipt_contact",
      });
      expect(await outboxOf(tenant, "billing.renewal_failed")).toHaveLength(1);
      // the same job again changes nothing
      expect(await advance(tenant)).toEqual({ transition: null, renewal: "none" });
    } finally {
      clock.now = null;
    }
  });

  it("failing can be paid now with a new card: a checkout of the current plan pays the next period", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    fake.setRenewalOutcome("canceled");
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "canceled" });
      expect(await subscriptionOf(tenant)).toMatchObject({ notice: "payment_failed", renewal: { failedAttempts: 1 } });
      const again = await checkout(tenant, "start");
      expect(again.status).toBe(201);
      expect(again.body.confirmationUrl).toMatch(/^https:\/\/yoomoney\.ru\//);
      await pay(tenant, again.body.paymentId);
      const sub = await subscriptionOf(tenant);
      expect(sub).toMatchObject({
        status: "active",
        notice: null,
        renewal: { failedAttempts: 0, nextAttemptAt: null },
      });
      expect(sub.currentPeriodStart).toBe(end.toISOString());
      expect(new Date(sub.currentPeriodEnd).getTime()).toBeGreaterThan(end.getTime() + 27 * DAY);
    } finally {
      fake.setRenewalOutcome("succeeded");
      clock.now = null;
    }
  });

  it("keys stay within YooKassa's 64 characters, with the readable name kept on the row", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "succeeded" });
      const rows = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingPayment.findMany({ where: { tenantId: tenant.tenantId, kind: "renewal" } }),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.idempotenceKey.length).toBe(36);
      expect(rows[0]?.idempotenceLabel).toBe(renewalLabel(tenant.tenantId, end, 1));
      const ours = fake.requests.filter(
        (r) =>
          r.method === "POST" &&
          (r.body as { metadata?: { tenantId?: string } }).metadata?.tenantId === tenant.tenantId,
      );
      expect(ours).toHaveLength(2); // the checkout and the renewal
      for (const request of ours) expect(request.idempotenceKey?.length ?? 0).toBeLessThanOrEqual(64);
    } finally {
      clock.now = null;
    }
  });
});

describe("a checkout paid late", () => {
  it("does not shorten a period a renewal already extended", async () => {
    clock.now = null;
    const { tenant } = await paidTenant();
    const end = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
    // the owner opens an upgrade and leaves YooKassa's page open
    const upgrade = await checkout(tenant, "business");
    expect(upgrade.status).toBe(201);
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect(await advance(tenant)).toMatchObject({ renewal: "succeeded" });
      const renewed = await subscriptionOf(tenant);
      expect(renewed.currentPeriodStart).toBe(end.toISOString());
      // ...and pays it after the renewal went through
      await pay(tenant, upgrade.body.paymentId);
      const after = await subscriptionOf(tenant);
      expect(after.currentPeriodEnd).toBe(renewed.currentPeriodEnd);
      expect(after.status).toBe("active");
    } finally {
      clock.now = null;
    }
  });
});

describe("refunds", () => {
  it("are matched by YooKassa's refund id, even two of the same amount on one payment", async () => {
    const { tenant, paymentId } = await paidTenant();
    fake.setRefundOutcome("pending");
    try {
      const refund = (key: string) =>
        call(
          tenant,
          "POST",
          `/api/v1/billing/payments/${paymentId}/refund`,
          { amountMinor: 10_000, reason: "goodwill" },
          { "Idempotency-Key": key },
        );
      const firstKey = randomUUID();
      expect((await refund(firstKey)).status).toBe(200);
      // YooKassa created the first, but its answer never reached us
      await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingRefund.updateMany({ where: { tenantId: tenant.tenantId }, data: { yookassaRefundId: null } }),
      );
      expect((await refund(randomUUID())).status).toBe(200);
      const yookassaId = await yookassaIdOf(tenant, paymentId);
      const atFake = [...fake.refunds.values()].filter((r) => r.payment_id === yookassaId);
      expect(atFake).toHaveLength(2);
      const second = atFake.at(-1);
      const rows = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingRefund.findMany({
          where: { tenantId: tenant.tenantId },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]?.yookassaRefundId).toBeNull();
      expect(rows[1]?.yookassaRefundId).toBe(second?.id);
      // the first, retried with its key, finds its own row
      expect((await refund(firstKey)).status).toBe(200);
      const settled = await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.billingRefund.findMany({
          where: { tenantId: tenant.tenantId },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
      );
      expect(settled[0]?.yookassaRefundId).toBe(atFake.at(-2)?.id);
      expect(settled[1]?.yookassaRefundId).toBe(second?.id);
    } finally {
      fake.setRefundOutcome("succeeded");
    }
  });
});

describe("the owner is told in Telegram", () => {
  it("once when the trial is about to end, and once when the business becomes restricted", async () => {
    clock.now = null;
    const telegram = await startFakeTelegram();
    const consumer = billingOwnerNotifications({ telegramApiRoot: telegram.apiRoot });
    try {
      const tenant = await buildWorld(test, () => clock.now ?? new Date());
      telegram.addBot({ token: tenant.botToken });
      const ownerChat = 7_200_000_000 + Math.floor(Math.random() * 1_000_000);
      await test.db.withTenant(tenant.tenantId, (tx) =>
        tx.staffUser.update({
          where: { tenantId_id: { tenantId: tenant.tenantId, id: tenant.staff.owner.id } },
          data: { telegramUserId: BigInt(ownerChat), locale: "ru" },
        }),
      );
      const trialEnd = new Date((await subscriptionOf(tenant)).currentPeriodEnd);
      const deliver = async (type: string) => {
        for (const row of await outboxOf(tenant, type)) {
          const event = {
            tenantId: tenant.tenantId,
            eventId: row.id.toString(),
            type: row.type,
            payload: row.payload,
            createdAt: row.createdAt.toISOString(),
          };
          await consumer.handle(event, jobDeps);
          await consumer.handle(event, jobDeps); // handed over again
        }
      };

      // four days before: nothing to say yet; the sweep does not even look
      const quiet = runtimeWith(world, Object.values(jobs));
      try {
        clock.now = new Date(trialEnd.getTime() - 4 * DAY);
        await jobs.sweep.handle({ limit: 10_000 }, jobDepsOf(world, quiet));
        expect(await quiet.queue("billing").getJob(`billing-advance-${tenant.tenantId}`)).toBeUndefined();
        clock.now = new Date(trialEnd.getTime() - 2 * DAY);
        await jobs.sweep.handle({ limit: 10_000 }, jobDepsOf(world, quiet));
        expect(await quiet.queue("billing").getJob(`billing-advance-${tenant.tenantId}`)).toBeDefined();
      } finally {
        await quiet.close();
      }
      await advance(tenant);
      await advance(tenant);
      expect(await outboxOf(tenant, "billing.trial_ending")).toHaveLength(1);
      expect(await subscriptionOf(tenant)).toMatchObject({ status: "trialing", notice: "trial_ending" });
      await deliver("billing.trial_ending");
      let sent = telegram.callsTo("sendMessage", tenant.botToken);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.params.chat_id).toBe(ownerChat);
      expect(String(sent[0]?.params.text)).toMatch(/^Пробный период MAX Loyalty заканчивается /);

      // the trial runs out unpaid: past due, and after the grace restricted
      clock.now = new Date(trialEnd.getTime() + HOUR);
      expect(await advance(tenant)).toMatchObject({ transition: "trialing->past_due" });
      clock.now = new Date(trialEnd.getTime() + 8 * DAY);
      expect(await advance(tenant)).toMatchObject({ transition: "past_due->restricted" });
      await advance(tenant);
      expect(await outboxOf(tenant, "billing.restricted")).toHaveLength(1);
      await deliver("billing.restricted");
      await deliver("billing.trial_ending");
      sent = telegram.callsTo("sendMessage", tenant.botToken);
      expect(sent).toHaveLength(2);
      expect(String(sent[1]?.params.text)).toMatch(/не оплачена.*\n.*Баллы гостей сохранены/);
    } finally {
      clock.now = null;
      await telegram.close();
    }
  });
});
