// Every staff action that changes something leaves an audit row saying who did what and from
// where (issue #7). The table below has one case per mutating staff route of the API (POST, PUT,
// PATCH, DELETE with a staff Bearer token, as the OpenAPI document lists them): each is called
// with valid input, as a role allowed to, from an address of its own, and must leave a row with
// that staff member as the actor, the expected action and that address. A new route without a
// case fails the first test.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, startFakeTelegram } from "../../../bot/src/testing/index.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../../../workers/src/testing/fake-yookassa.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createEngineDeps } from "../../src/core/context.ts";
import { processPosEvent } from "../../src/core/pos/process-event.ts";
import { connectIntegration, postCheck, saleCheck } from "../pos/pos-support.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { putOnPlan } from "./plans.ts";
import { buildWorld, type World } from "./world.ts";

/** What a case sends: path parameters, and a JSON body or a raw one with its type. */
interface Call {
  params?: Record<string, string>;
  json?: unknown;
  raw?: { body: string | Uint8Array; type: string };
}

interface Case {
  role: StaffRole;
  action: string;
  /** Prepares what the call needs (through the API as the owner, or the database) and names it. */
  call?: () => Promise<Call>;
}

let test: TestApp;
let telegram: FakeTelegram;
let yookassa: FakeYooKassa;
let world: World;
/** on its trial, so that a checkout is a purchase rather than a change of plan */
let buyer: World;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  yookassa = await startFakeYooKassa();
  test = await createTestApp({
    env: {
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_WEBHOOK_BASE_URL: "https://loyalty.example/",
      YOOKASSA_SHOP_ID: yookassa.shopId,
      YOOKASSA_SECRET_KEY: yookassa.secretKey,
      YOOKASSA_API_URL: yookassa.url,
      // The address each case calls from arrives in X-Forwarded-For, as behind the proxy.
      TRUST_PROXY: "true",
      RATE_LIMIT_PER_MINUTE: "100000",
    },
  });
  world = await buildWorld(test);
  buyer = await buildWorld(test, undefined, { bot: false });
  await putOnPlan(test, world.tenantId, "chain");
  telegram.addBot({ token: world.botToken });
});
afterAll(async () => {
  await test.close();
  await telegram.close();
  await yookassa.close();
});

// ---- setting the scene through the API, as the owner, from no particular address ----------------

async function asOwner(method: string, path: string, body?: unknown, as: World = world): Promise<Response> {
  return test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await as.tokenFor("owner")}`,
      "Idempotency-Key": randomUUID(),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function created<T = { id: string }>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as T;
}

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

async function newEvent(): Promise<string> {
  const event = await created(
    await asOwner("POST", "/api/v1/events", {
      title: "Tasting",
      startsAt: hoursFromNow(2),
      endsAt: hoursFromNow(5),
      capacity: 20,
    }),
  );
  return event.id;
}

async function publishedEvent(): Promise<string> {
  const id = await newEvent();
  await created(await asOwner("POST", `/api/v1/events/${id}/publish`));
  return id;
}

let telegramSerial = 7_900_000 + (Date.now() % 10_000) * 10;
/** A guest who opened the card in the Mini App, with the Telegram account they used. */
async function miniAppGuest(): Promise<{ id: string; launch: Record<string, string> }> {
  telegramSerial += 1;
  const launch = {
    Authorization: `tma ${world.initData({ id: telegramSerial, first_name: "Guest", language_code: "ru" })}`,
    "X-Tenant": world.slug,
  };
  const card = await created<{ guest: { id: string } }>(await test.app.request("/api/v1/me/card", { headers: launch }));
  return { id: card.guest.id, launch };
}

/** A guest who agreed to messages, so that a broadcast has someone to go to. */
async function subscribedGuest(): Promise<string> {
  telegramSerial += 1;
  const id = uuidv7();
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id,
        firstName: "Reader",
        telegramUserId: BigInt(telegramSerial),
        consentAt: new Date(),
        registeredAt: new Date(),
        levelId: level.id,
        notificationsEnabled: true,
      },
    });
  });
  return id;
}

async function draftBroadcast(): Promise<string> {
  await subscribedGuest();
  return (await created(await asOwner("POST", "/api/v1/broadcasts", { text: "Soup of the day" }))).id;
}

let integration: { integrationId: string; secret: string } | undefined;
async function posIntegration() {
  integration ??= await connectIntegration(test, world, { kind: "generic", name: "Front till" });
  return integration;
}

/** A POS sale stored and processed: no guest has the phone it names, so it waits unidentified. */
async function unidentifiedCheck(): Promise<{ integrationId: string; eventId: string }> {
  const pos = await posIntegration();
  const check = saleCheck({ guest: { phone: `+7900${String(telegramSerial++).slice(-7)}` } });
  expect((await postCheck(test, pos.integrationId, pos.secret, check)).status).toBe(202);
  const eventId = await test.db.withTenantClient(world.tenantId, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      "SELECT id FROM pos_events WHERE integration_id = $1 AND event_id = $2",
      [pos.integrationId, check.externalId],
    );
    return rows[0]?.id ?? "";
  });
  const engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } });
  expect(await processPosEvent(engine, world.tenantId, eventId, { maxAttempts: 3 })).toMatchObject({
    status: "unidentified",
  });
  return { integrationId: pos.integrationId, eventId };
}

async function linkTelegram(staffId: string): Promise<void> {
  telegramSerial += 1;
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: world.tenantId, id: staffId } },
      data: { telegramUserId: BigInt(telegramSerial) },
    }),
  );
}

let checkoutPaymentId: string | undefined;
async function checkout(): Promise<string> {
  checkoutPaymentId ??= (
    await created<{ paymentId: string }>(await asOwner("POST", "/api/v1/billing/checkout", { planId: "start" }, buyer))
  ).paymentId;
  return checkoutPaymentId;
}

/** The buyer's payment, paid on YooKassa's page and settled (as the workers would settle it). */
async function paidPayment(): Promise<string> {
  const paymentId = await checkout();
  await test.db.withTenant(buyer.tenantId, async (tx) => {
    const payment = await tx.billingPayment.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: buyer.tenantId, id: paymentId } },
    });
    yookassa.succeed(payment.yookassaPaymentId ?? "");
    await tx.billingPayment.update({
      where: { tenantId_id: { tenantId: buyer.tenantId, id: paymentId } },
      data: { status: "succeeded", paidAt: new Date() },
    });
  });
  return paymentId;
}

// ---- the table ----------------------------------------------------------------------------------

const cases: Record<string, Case> = {
  "POST /api/v1/restaurants": {
    role: "admin",
    action: "restaurant.create",
    call: async () => ({ json: { name: "Patio" } }),
  },
  "PATCH /api/v1/restaurants/{restaurantId}": {
    role: "owner",
    action: "restaurant.update",
    call: async () => ({ params: { restaurantId: world.restaurantId }, json: { name: "Main hall, renamed" } }),
  },
  "POST /api/v1/staff": {
    role: "admin",
    action: "staff.invited",
    call: async () => ({ json: { email: `new-${randomUUID()}@audit.test`, name: "New cashier", role: "cashier" } }),
  },
  "PATCH /api/v1/staff/{staffId}": {
    role: "admin",
    action: "staff.updated",
    call: async () => ({ params: { staffId: world.staff.cashier.id }, json: { name: "Cashier, renamed" } }),
  },
  "POST /api/v1/staff/{staffId}/password-link": {
    role: "admin",
    action: "staff.reset_link_issued",
    call: async () => ({ params: { staffId: world.staff.cashier.id } }),
  },
  "POST /api/v1/staff/{staffId}/sessions/revoke-all": {
    role: "admin",
    action: "staff.sessions_ended",
    call: async () => ({ params: { staffId: world.staff.cashier.id } }),
  },
  "POST /api/v1/staff/{staffId}/telegram-invite": {
    role: "manager",
    action: "staff.telegram_invite",
    call: async () => ({ params: { staffId: world.staff.cashier.id } }),
  },
  "PUT /api/v1/program": {
    role: "admin",
    action: "program.update",
    call: async () => {
      const program = await created<Record<string, unknown> & { levels: Record<string, unknown>[] }>(
        await asOwner("GET", "/api/v1/program"),
      );
      const { updatedAt: _updatedAt, ...rest } = program;
      const levels = program.levels.map(({ guests: _guests, rank: _rank, ...level }) => level);
      return { json: { ...rest, levels, earnRateBps: 600 } };
    },
  },
  "POST /api/v1/guests/{guestId}/adjustments": {
    role: "manager",
    action: "points.adjust",
    call: async () => ({
      params: { guestId: (await miniAppGuest()).id },
      json: { points: 100, reason: "a birthday cake on the house" },
    }),
  },
  "PUT /api/v1/guests/{guestId}/manual-level": {
    role: "manager",
    action: "level.set_manual",
    call: async () => {
      const silver = await test.db.withTenant(world.tenantId, (tx) =>
        tx.level.findFirstOrThrow({ where: { name: "Silver" } }),
      );
      return {
        params: { guestId: (await miniAppGuest()).id },
        json: { levelId: silver.id, until: hoursFromNow(24 * 30), reason: "friend of the house" },
      };
    },
  },
  "POST /api/v1/guest-imports": {
    role: "admin",
    action: "guests.import",
    call: async () => ({ raw: { body: "phone\n+79990000777\n", type: "text/csv" } }),
  },
  "POST /api/v1/events": {
    role: "manager",
    action: "event.created",
    call: async () => ({
      json: { title: "Jazz night", startsAt: hoursFromNow(48), endsAt: hoursFromNow(51), capacity: 40 },
    }),
  },
  "PATCH /api/v1/events/{eventId}": {
    role: "manager",
    action: "event.updated",
    call: async () => ({ params: { eventId: await newEvent() }, json: { title: "Jazz and wine night" } }),
  },
  "POST /api/v1/events/{eventId}/publish": {
    role: "manager",
    action: "event.published",
    call: async () => ({ params: { eventId: await newEvent() } }),
  },
  "PUT /api/v1/events/{eventId}/cover": {
    role: "manager",
    action: "event.cover_uploaded",
    call: async () => ({
      params: { eventId: await newEvent() },
      raw: { body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), type: "image/png" },
    }),
  },
  "POST /api/v1/events/{eventId}/check-in": {
    role: "cashier",
    action: "event.checked_in",
    call: async () => {
      const eventId = await publishedEvent();
      const guest = await miniAppGuest();
      await created(
        await test.app.request(`/api/v1/me/events/${eventId}/registration`, {
          method: "POST",
          headers: { ...guest.launch, "Idempotency-Key": randomUUID() },
        }),
      );
      return { params: { eventId }, json: { guestId: guest.id } };
    },
  },
  "POST /api/v1/events/{eventId}/cancel": {
    role: "manager",
    action: "event.cancelled",
    call: async () => ({ params: { eventId: await publishedEvent() }, json: { reason: "the chef is ill" } }),
  },
  "POST /api/v1/events/{eventId}/finish": {
    role: "manager",
    action: "event.finished",
    call: async () => ({ params: { eventId: await publishedEvent() } }),
  },
  "POST /api/v1/broadcasts": {
    role: "manager",
    action: "broadcast.created",
    call: async () => ({ json: { text: "New <b>menu</b> this week" } }),
  },
  "PATCH /api/v1/broadcasts/{broadcastId}": {
    role: "manager",
    action: "broadcast.updated",
    call: async () => ({ params: { broadcastId: await draftBroadcast() }, json: { text: "Soup and bread" } }),
  },
  "POST /api/v1/broadcasts/{broadcastId}/send": {
    role: "manager",
    action: "broadcast.sent",
    call: async () => ({ params: { broadcastId: await draftBroadcast() }, json: {} }),
  },
  "POST /api/v1/broadcasts/{broadcastId}/cancel": {
    role: "manager",
    action: "broadcast.cancelled",
    call: async () => {
      const broadcastId = await draftBroadcast();
      await created(await asOwner("POST", `/api/v1/broadcasts/${broadcastId}/send`, { scheduledAt: hoursFromNow(24) }));
      return { params: { broadcastId } };
    },
  },
  "POST /api/v1/broadcasts/test": {
    role: "manager",
    action: "broadcast.test_sent",
    call: async () => {
      await linkTelegram(world.staff.manager.id);
      return { json: { text: "Does this look right?" } };
    },
  },
  "POST /api/v1/integrations": {
    role: "admin",
    action: "pos.integration.create",
    call: async () => ({ json: { kind: "generic", name: "Bar till" } }),
  },
  "PATCH /api/v1/integrations/{integrationId}": {
    role: "admin",
    action: "pos.integration.update",
    call: async () => ({ params: { integrationId: (await posIntegration()).integrationId }, json: { name: "Hall" } }),
  },
  "POST /api/v1/integrations/{integrationId}/secret": {
    role: "owner",
    action: "pos.integration.rotate_secret",
    call: async () => ({ params: { integrationId: (await posIntegration()).integrationId } }),
  },
  "POST /api/v1/integrations/{integrationId}/events/{eventId}/replay": {
    role: "admin",
    action: "pos.event.replay",
    call: async () => {
      const { integrationId, eventId } = await unidentifiedCheck();
      // A rejected event, as a check the engine refused would be.
      await test.db.withTenantClient(world.tenantId, (client) =>
        client.query("UPDATE pos_events SET status = 'rejected' WHERE id = $1", [eventId]),
      );
      return { params: { integrationId, eventId } };
    },
  },
  "POST /api/v1/pos-checks/{eventId}/attach": {
    role: "cashier",
    action: "pos.check.attach",
    call: async () => ({
      params: { eventId: (await unidentifiedCheck()).eventId },
      json: { guestId: (await miniAppGuest()).id },
    }),
  },
  "POST /api/v1/billing/checkout": {
    role: "owner",
    action: "billing.checkout",
    // The buyer's tenant: see `tenantOf`.
    call: async () => ({ json: { planId: "business" } }),
  },
  "POST /api/v1/billing/payments/{paymentId}/refund": {
    role: "owner",
    action: "billing.refund",
    call: async () => ({ params: { paymentId: await paidPayment() }, json: { reason: "charged twice" } }),
  },
  "POST /api/v1/billing/cancel": {
    role: "owner",
    action: "billing.cancel",
    call: async () => ({ json: { reason: "closing for the winter" } }),
  },
  "POST /api/v1/billing/resume": { role: "owner", action: "billing.resume" },
  "PUT /api/v1/billing/email": {
    role: "owner",
    action: "billing.email_changed",
    call: async () => ({ json: { email: `accounts+${randomUUID().slice(0, 8)}@example.com` } }),
  },
  "POST /api/v1/bot/webhook": { role: "admin", action: "bot.webhook_reset" },
  // Last: they replace and then remove the bot the cases above send through.
  "PUT /api/v1/bot": {
    role: "admin",
    action: "bot.connect",
    call: async () => {
      const token = `${8_100_000_000 + (Date.now() % 1_000_000)}:AA${randomUUID().replaceAll("-", "")}`;
      telegram.addBot({ token });
      return { json: { token } };
    },
  },
  "DELETE /api/v1/bot": { role: "owner", action: "bot.disconnect" },
};

/** Routes that use POST to read: nothing changes, so there is nothing to audit. */
const readsByPost: Record<string, string> = {
  "POST /api/v1/broadcasts/audience": "counts the guests a draft's filters reach",
  "POST /api/v1/program/preview": "shows what a program edit would do, without saving it",
  "POST /api/v1/till/identify": "finds the guest behind a code or QR; nothing changes",
  "POST /api/v1/till/quotes": "prices a check and holds points for minutes; no points move until the redemption",
};

/** A Mini App guest with points to pay with, credited by the owner's adjustment. */
async function guestWithPoints(points: number): Promise<string> {
  const guestId = (await miniAppGuest()).id;
  if (points === 0) return guestId;
  await created(await asOwner("POST", `/api/v1/guests/${guestId}/adjustments`, { points, reason: "opening balance" }));
  return guestId;
}

/** A sale at the till, for the undo case. */
async function tillSale(): Promise<string> {
  const response = await test.app.request("/api/v1/till/accruals", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await world.tokenFor("cashier")}`,
      "Idempotency-Key": randomUUID(),
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      guestId: await guestWithPoints(0),
      amountMinor: "150000",
      currency: "RUB",
      restaurantId: world.restaurantId,
    }),
  });
  return (await created<{ checkId: string }>(response)).checkId;
}

// The till's writes. The restaurant is named: the cases above may have opened a second one.
const tillCases: Record<string, Case> = {
  "POST /api/v1/till/accruals": {
    role: "cashier",
    action: "till.accrual",
    call: async () => ({
      json: {
        guestId: await guestWithPoints(0),
        amountMinor: "120000",
        currency: "RUB",
        restaurantId: world.restaurantId,
      },
    }),
  },
  "POST /api/v1/till/redemptions": {
    role: "cashier",
    action: "till.redemption",
    call: async () => ({
      json: {
        guestId: await guestWithPoints(500),
        amountMinor: "120000",
        currency: "RUB",
        points: 100,
        restaurantId: world.restaurantId,
      },
    }),
  },
  "POST /api/v1/till/refunds": {
    role: "cashier",
    action: "till.refund",
    call: async () => ({ json: { checkId: await tillSale() } }),
  },
};

/** The buyer's tenant answers for the purchase and its refund; every other case acts on the world. */
const tenantOf = (route: string): World =>
  route === "POST /api/v1/billing/checkout" || route.endsWith("/refund") ? buyer : world;

let addressSerial = 0;

async function performs(route: string, spec: Case): Promise<void> {
  const [method = "", template = ""] = route.split(" ");
  const call = (await spec.call?.()) ?? {};
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => call.params?.[name] ?? "");
  addressSerial += 1;
  const ip = `198.51.100.${addressSerial}`;
  const tenant = tenantOf(route);
  const body = call.raw?.body ?? (call.json === undefined ? undefined : JSON.stringify(call.json));
  const type = call.raw?.type ?? (call.json === undefined ? undefined : "application/json");
  const response = await test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await tenant.tokenFor(spec.role)}`,
      "Idempotency-Key": randomUUID(),
      "X-Forwarded-For": ip,
      "User-Agent": "audit-coverage-test",
      ...(type ? { "Content-Type": type } : {}),
    },
    ...(body === undefined ? {} : { body }),
  });
  expect(response.status, `${route}: ${await response.text()}`).toBeLessThan(300);
  const rows = await test.db.withTenant(tenant.tenantId, (tx) =>
    tx.auditLogEntry.findMany({ where: { tenantId: tenant.tenantId, ip } }),
  );
  expect(
    rows.map((row) => ({ action: row.action, actor: row.actorStaffId, kind: row.actorKind, ua: row.userAgent })),
    route,
  ).toContainEqual({
    action: spec.action,
    actor: tenant.staff[spec.role].id,
    kind: "staff",
    ua: "audit-coverage-test",
  });
}

describe("the audit log covers every staff write", () => {
  it("has a case for every mutating staff route of the API", async () => {
    const document = (await (await test.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
    };
    const mutating = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ["post", "put", "patch", "delete"].includes(method))
        .filter(([, operation]) => operation.security?.some((scheme) => "bearerAuth" in scheme))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const listed = [...Object.keys(cases), ...Object.keys(readsByPost), ...Object.keys(tillCases)];
    expect(mutating.sort()).toEqual(listed.sort());
  });

  it.each(Object.entries(cases))("%s", async (route, spec) => {
    await performs(route, spec);
  });
});

describe("the till's writes are audited", () => {
  it.each(Object.entries(tillCases))("%s", async (route, spec) => {
    await performs(route, spec);
  });
});
