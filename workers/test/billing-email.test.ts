// The billing e-mail, where the receipts of a business's payments go: the owner reads and changes
// it through the API (audited; nobody else may), a bad address is refused with nothing written,
// and the next renewal's receipt, charged by the billing jobs at a fake YooKassa as strict as the
// real one, goes to the address set now. Real API routes, PostgreSQL with row-level security and
// the billing jobs; only YooKassa is a fake.
import { randomUUID } from "node:crypto";
import type { AdvanceOutcome } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { billingJobs } from "../src/billing/billing-jobs.ts";
import type { JobDefinition, JobDeps } from "../src/jobs/definition.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../src/testing/fake-yookassa.ts";
import { createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

const HOUR = 3_600_000;

let fake: FakeYooKassa;
let test: TestApp;
let world: TestWorld;
let runtime: WorkerRuntime;
let jobDeps: JobDeps;
let advanceJob: JobDefinition;
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
  advanceJob = defined.find((job) => job.name === "billing.advance-subscription") as JobDefinition;
  runtime = runtimeWith(world, defined);
  jobDeps = jobDepsOf(world, runtime);
});

afterAll(async () => {
  await runtime.close();
  await world.close();
  await test.close();
  await fake.close();
});

type Role = "owner" | "admin" | "manager";

async function call(tenant: World, method: string, path: string, body?: unknown, role: Role = "owner") {
  const response = await test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await tenant.tokenFor(role)}`,
      "Idempotency-Key": randomUUID(),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    type: response.headers.get("Content-Type"),
    // biome-ignore lint/suspicious/noExplicitAny: a test reading JSON answers
    body: (await response.json()) as Record<string, any>,
  };
}

const readEmail = (tenant: World, role: Role = "owner") =>
  call(tenant, "GET", "/api/v1/billing/email", undefined, role);
const setEmail = (tenant: World, email: string, role: Role = "owner") =>
  call(tenant, "PUT", "/api/v1/billing/email", { email }, role);

async function storedEmail(tenant: World): Promise<string | null> {
  const sub = await test.db.withTenant(tenant.tenantId, (tx) =>
    tx.subscription.findUnique({ where: { tenantId: tenant.tenantId } }),
  );
  return sub?.billingEmail ?? null;
}

async function auditOf(tenant: World) {
  return test.db.withTenant(tenant.tenantId, (tx) =>
    tx.auditLogEntry.findMany({ where: { tenantId: tenant.tenantId, action: "billing.email_changed" } }),
  );
}

/** A tenant that bought `start` and paid on YooKassa's page (settled as the return page does). */
async function paidTenant(): Promise<World> {
  const tenant = await buildWorld(test, () => clock.now ?? new Date(), { bot: false });
  const started = await call(tenant, "POST", "/api/v1/billing/checkout", { planId: "start" });
  expect(started.status).toBe(201);
  const row = await test.db.withTenant(tenant.tenantId, (tx) =>
    tx.billingPayment.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.tenantId, id: started.body.paymentId } },
    }),
  );
  fake.succeed(row.yookassaPaymentId as string);
  expect((await call(tenant, "GET", `/api/v1/billing/payments/${row.id}`)).body.status).toBe("succeeded");
  return tenant;
}

/** What YooKassa was asked to create for the tenant, in order (checkouts and renewals). */
const paymentRequests = (tenantId: string) =>
  fake.requests
    .filter((r) => r.method === "POST" && r.path === "/v3/payments")
    .map((r) => r.body as { metadata: { tenantId: string }; payment_method_id?: string; receipt: unknown })
    .filter((body) => body.metadata.tenantId === tenantId);

const receiptTo = (body: { receipt: unknown } | undefined) =>
  (body?.receipt as { customer: { email: string } } | undefined)?.customer.email;

describe("the billing e-mail", () => {
  it("is empty before the first checkout, then the paying owner's, and the owner changes it, audited", async () => {
    const tenant = await buildWorld(test, undefined, { bot: false });
    expect(await readEmail(tenant)).toMatchObject({ status: 200, body: { email: null } });
    // reading it writes no subscription row
    expect(await storedEmail(tenant)).toBeNull();

    const paid = await paidTenant();
    expect((await readEmail(paid)).body).toEqual({ email: paid.staff.owner.email });

    const changed = await setEmail(paid, "  Accounts@Example.com ");
    expect(changed).toMatchObject({ status: 200, body: { email: "Accounts@Example.com" } });
    expect((await readEmail(paid)).body).toEqual({ email: "Accounts@Example.com" });
    const [entry, ...more] = await auditOf(paid);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actorKind: "staff",
      actorStaffId: paid.staff.owner.id,
      entityType: "subscription",
      entityId: paid.tenantId,
      changes: { billingEmail: { from: paid.staff.owner.email, to: "Accounts@Example.com" } },
    });
    // the same address again changes nothing and says nothing
    expect((await setEmail(paid, "Accounts@Example.com")).status).toBe(200);
    expect(await auditOf(paid)).toHaveLength(1);
  });

  it("is the owner's alone: administrators and managers may neither read nor change it", async () => {
    const tenant = await paidTenant();
    for (const role of ["admin", "manager"] as const) {
      const read = await readEmail(tenant, role);
      expect(read.status, role).toBe(403);
      const write = await setEmail(tenant, `${role}@example.com`, role);
      expect(write.status, role).toBe(403);
      expect(write.body.detail).toBe(`Your role (${role}) may not do this.`);
    }
    expect(await storedEmail(tenant)).toBe(tenant.staff.owner.email);
    expect(await auditOf(tenant)).toEqual([]);
  });

  it("refuses a bad address with a 422 naming the field, and writes nothing", async () => {
    const tenant = await paidTenant();
    for (const bad of ["not an e-mail", "", "   ", "owner@", `${"a".repeat(195)}@example.com`]) {
      const refused = await setEmail(tenant, bad);
      expect(refused.status, bad).toBe(422);
      expect(refused.type).toBe("application/problem+json");
      expect(refused.body).toMatchObject({
        code: "VALIDATION",
        messageKey: "billing-email-invalid",
        errors: [{ path: "email", message: "is not an e-mail address" }],
      });
    }
    expect(await storedEmail(tenant)).toBe(tenant.staff.owner.email);
    expect(await auditOf(tenant)).toEqual([]);
  });

  it("is where the next renewal's receipt goes, and a later checkout's, at YooKassa", async () => {
    clock.now = null;
    const tenant = await paidTenant();
    const end = new Date((await call(tenant, "GET", "/api/v1/billing")).body.currentPeriodEnd);
    expect(receiptTo(paymentRequests(tenant.tenantId)[0])).toBe(tenant.staff.owner.email);
    expect((await setEmail(tenant, "buh@restoran.example")).status).toBe(200);
    fake.setRenewalOutcome("succeeded");
    try {
      clock.now = new Date(end.getTime() - 23 * HOUR);
      expect((await advanceJob.handle({ tenantId: tenant.tenantId }, jobDeps)) as AdvanceOutcome).toMatchObject({
        renewal: "succeeded",
      });
      const renewal = paymentRequests(tenant.tenantId).find((body) => body.payment_method_id);
      expect(receiptTo(renewal)).toBe("buh@restoran.example");

      // an upgrade by the owner: its receipt goes there too, and the checkout leaves the e-mail be
      expect((await call(tenant, "POST", "/api/v1/billing/checkout", { planId: "business" })).status).toBe(201);
      expect(receiptTo(paymentRequests(tenant.tenantId).at(-1))).toBe("buh@restoran.example");
      expect(await storedEmail(tenant)).toBe("buh@restoran.example");
    } finally {
      clock.now = null;
    }
  });
});
