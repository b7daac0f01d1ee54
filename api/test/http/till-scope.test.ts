// The till books every operation at a restaurant the staff member works at: automatically when
// there is only one, on request when there are several, never at someone else's; and each till
// operation done by staff leaves one audit row (who, from where, what, for whom), retries none.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import { createEngineDeps } from "../../src/core/context.ts";
import { processPosEvent } from "../../src/core/pos/process-event.ts";
import { addGuest, connectIntegration, inbox, postCheck, saleCheck } from "../pos/pos-support.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
/** a business of one restaurant */
let single: World;
/** a business of two: "Main hall" and the terrace, with the cashier limited to the main hall */
let multi: World;
let terraceId: string;

beforeAll(async () => {
  test = await createTestApp();
  single = await buildWorld(test);
  multi = await buildWorld(test);
  terraceId = uuidv7();
  await test.db.withTenant(multi.tenantId, async (tx) => {
    await tx.restaurant.create({ data: { tenantId: multi.tenantId, id: terraceId, name: "Terrace" } });
    await tx.staffRestaurant.create({
      data: { tenantId: multi.tenantId, staffId: multi.staff.cashier.id, restaurantId: multi.restaurantId },
    });
  });
});
afterAll(() => test.close());

const UA = "till-scope-test/1.0";

async function bearer(world: World, role: "cashier" | "manager", scope?: "till") {
  const staff = world.staff[role];
  const token = await issueStaffToken(
    {
      staffId: staff.id,
      tenantId: world.tenantId,
      role,
      generation: await world.generationOf(staff.id),
      ...(scope ? { scope } : {}),
    },
    test.config.auth.jwtSecret,
    new Date(),
  );
  return { Authorization: `Bearer ${token}`, "User-Agent": UA };
}

async function post(path: string, body: unknown, headers: Record<string, string>) {
  const response = await test.app.request(path, json(body, headers));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string, headers: Record<string, string>) {
  const response = await test.app.request(path, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let phoneSerial = 0;
async function guestWithPoints(world: World, points: number): Promise<string> {
  phoneSerial += 1;
  const guestId = await addGuest(
    test,
    world.tenantId,
    `+7901${String(Date.now() % 1e6).padStart(6, "0")}${phoneSerial}`,
  );
  if (points > 0) {
    const manager = { Authorization: `Bearer ${await world.tokenFor("manager")}` };
    const adjusted = await post(
      `/api/v1/guests/${guestId}/adjustments`,
      { points, reason: "opening" },
      {
        ...manager,
        ...key(),
      },
    );
    expect(adjusted.status).toBe(201);
  }
  return guestId;
}

async function checkRestaurant(world: World, checkId: unknown): Promise<string | null> {
  return test.db.withTenant(world.tenantId, async (tx) => {
    const check = await tx.check.findFirstOrThrow({ where: { tenantId: world.tenantId, id: String(checkId) } });
    return check.restaurantId;
  });
}

async function auditRows(world: World, action: string) {
  return test.db.withTenant(world.tenantId, (tx) =>
    tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action }, orderBy: { id: "asc" } }),
  );
}

async function writtenFor(world: World, guestId: string) {
  return test.db.withTenant(world.tenantId, async (tx) => ({
    checks: await tx.check.count({ where: { tenantId: world.tenantId, guestId } }),
    holds: await tx.redemptionHold.count({ where: { tenantId: world.tenantId, guestId } }),
    audit: (
      await tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action: { startsWith: "till." } } })
    ).filter((row) => (row.changes as { guestId?: string } | null)?.guestId === guestId).length,
  }));
}

describe("the till's restaurant", () => {
  it("books at the only restaurant of a one-restaurant business without being told", async () => {
    const cashier = await bearer(single, "cashier");
    const restaurants = await get("/api/v1/till/restaurants", cashier);
    expect(restaurants).toMatchObject({
      status: 200,
      body: { choiceRequired: false, restaurants: [{ id: single.restaurantId, name: "Main hall" }] },
    });
    const guestId = await guestWithPoints(single, 0);
    const accrual = await post(
      "/api/v1/till/accruals",
      { guestId, amountMinor: "100000", currency: "RUB" },
      { ...cashier, ...key() },
    );
    expect(accrual.status).toBe(201);
    expect(await checkRestaurant(single, accrual.body.checkId)).toBe(single.restaurantId);
  });

  it("books a limited cashier at their one restaurant, and lists only it", async () => {
    const cashier = await bearer(multi, "cashier", "till");
    const restaurants = await get("/api/v1/till/restaurants", cashier);
    expect(restaurants.body).toEqual({
      choiceRequired: false,
      restaurants: [{ id: multi.restaurantId, name: "Main hall", address: null }],
    });
    const guestId = await guestWithPoints(multi, 0);
    const accrual = await post(
      "/api/v1/till/accruals",
      { guestId, amountMinor: "100000", currency: "RUB" },
      { ...cashier, ...key() },
    );
    expect(accrual.status).toBe(201);
    expect(await checkRestaurant(multi, accrual.body.checkId)).toBe(multi.restaurantId);
  });

  it("refuses a restaurant outside the cashier's own with 403, and writes nothing", async () => {
    const cashier = await bearer(multi, "cashier", "till");
    const guestId = await guestWithPoints(multi, 400);
    const body = { guestId, amountMinor: "100000", currency: "RUB", restaurantId: terraceId };
    for (const path of ["/api/v1/till/quotes", "/api/v1/till/accruals"]) {
      const refused = await post(path, body, { ...cashier, ...key() });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ messageKey: "error-till-restaurant-scope" });
    }
    const redemption = await post("/api/v1/till/redemptions", { ...body, points: 100 }, { ...cashier, ...key() });
    expect(redemption).toMatchObject({ status: 403, body: { messageKey: "error-till-restaurant-scope" } });
    expect(await writtenFor(multi, guestId)).toEqual({ checks: 0, holds: 0, audit: 0 });
  });

  it("makes staff of several restaurants say which one (422), and books where they say", async () => {
    const manager = await bearer(multi, "manager");
    const restaurants = await get("/api/v1/till/restaurants", manager);
    expect(restaurants.body).toMatchObject({ choiceRequired: true });
    expect((restaurants.body.restaurants as unknown[]).length).toBe(2);
    const guestId = await guestWithPoints(multi, 0);
    const body = { guestId, amountMinor: "100000", currency: "RUB" };
    const ambiguous = await post("/api/v1/till/accruals", body, { ...manager, ...key() });
    expect(ambiguous).toMatchObject({ status: 422, body: { messageKey: "error-till-restaurant-required" } });
    const quote = await post("/api/v1/till/quotes", body, { ...manager, ...key() });
    expect(quote).toMatchObject({ status: 422, body: { messageKey: "error-till-restaurant-required" } });
    expect(await writtenFor(multi, guestId)).toEqual({ checks: 0, holds: 0, audit: 0 });

    const booked = await post("/api/v1/till/accruals", { ...body, restaurantId: terraceId }, { ...manager, ...key() });
    expect(booked.status).toBe(201);
    expect(await checkRestaurant(multi, booked.body.checkId)).toBe(terraceId);
  });

  it("refuses a limited cashier the undo of a check of another restaurant", async () => {
    const manager = await bearer(multi, "manager");
    const guestId = await guestWithPoints(multi, 0);
    const sale = await post(
      "/api/v1/till/accruals",
      { guestId, amountMinor: "100000", currency: "RUB", restaurantId: terraceId },
      { ...manager, ...key() },
    );
    const cashier = await bearer(multi, "cashier");
    const refund = await post("/api/v1/till/refunds", { checkId: sale.body.checkId }, { ...cashier, ...key() });
    expect(refund).toMatchObject({ status: 403, body: { messageKey: "error-till-restaurant-scope" } });
    expect((await writtenFor(multi, guestId)).checks).toBe(1);
  });
});

describe("the till's audit", () => {
  it("records an accrual, a redemption and an undo once each, however often they are retried", async () => {
    const cashier = await bearer(single, "cashier", "till");
    const guestId = await guestWithPoints(single, 500);

    const accrualKey = key();
    const accrualBody = { guestId, amountMinor: "100000", currency: "RUB" };
    const accrual = await post("/api/v1/till/accruals", accrualBody, { ...cashier, ...accrualKey });
    expect((await post("/api/v1/till/accruals", accrualBody, { ...cashier, ...accrualKey })).body).toEqual(
      accrual.body,
    );

    const quote = await post("/api/v1/till/quotes", accrualBody, { ...cashier, ...key() });
    const redemptionKey = key();
    const redemptionBody = { ...accrualBody, points: 200, holdId: quote.body.holdId };
    const redemption = await post("/api/v1/till/redemptions", redemptionBody, { ...cashier, ...redemptionKey });
    expect(redemption.status).toBe(201);
    expect((await post("/api/v1/till/redemptions", redemptionBody, { ...cashier, ...redemptionKey })).status).toBe(201);

    const undoKey = key();
    const undoBody = { checkId: redemption.body.checkId, reason: "cancelled at the till" };
    expect((await post("/api/v1/till/refunds", undoBody, { ...cashier, ...undoKey })).status).toBe(201);
    expect((await post("/api/v1/till/refunds", undoBody, { ...cashier, ...undoKey })).status).toBe(201);

    const mine = (rows: Awaited<ReturnType<typeof auditRows>>) =>
      rows.filter((row) => (row.changes as { guestId?: string }).guestId === guestId);
    const accruals = mine(await auditRows(single, "till.accrual"));
    const redemptions = mine(await auditRows(single, "till.redemption"));
    const refunds = mine(await auditRows(single, "till.refund"));
    expect([accruals.length, redemptions.length, refunds.length]).toEqual([1, 1, 1]);
    expect(accruals[0]).toMatchObject({
      actorKind: "staff",
      actorStaffId: single.staff.cashier.id,
      entityType: "check",
      entityId: accrual.body.checkId,
      userAgent: UA,
      changes: {
        channel: "miniapp",
        guestId,
        restaurantId: single.restaurantId,
        amountMinor: "100000",
        earned: 50,
        pointsDelta: 50,
      },
    });
    expect(redemptions[0]).toMatchObject({
      entityId: redemption.body.checkId,
      changes: { channel: "miniapp", redeemed: 200, amountMinor: "100000", restaurantId: single.restaurantId },
    });
    expect(refunds[0]).toMatchObject({
      reason: "cancelled at the till",
      changes: { refundOf: redemption.body.checkId, returned: 200, channel: "miniapp" },
    });
  });

  it("writes no audit row for a refused operation", async () => {
    const cashier = await bearer(single, "cashier");
    const guestId = await guestWithPoints(single, 0);
    const refused = await post(
      "/api/v1/till/redemptions",
      { guestId, amountMinor: "100000", currency: "RUB", points: 10 },
      { ...cashier, ...key() },
    );
    expect(refused.status).toBe(409);
    expect(await writtenFor(single, guestId)).toEqual({ checks: 0, holds: 0, audit: 0 });
  });
});

describe("POS checks without a guest at the till", () => {
  it("lists and attaches only the cashier's restaurants' checks, and audits the attach once", async () => {
    const engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } });
    const terracePos = await connectIntegration(test, multi, {
      kind: "generic",
      name: "Terrace till",
      restaurantId: terraceId,
    });
    const check = saleCheck({ externalId: `terrace-${randomUUID()}`, amountMinor: 200_000 });
    expect((await postCheck(test, terracePos.integrationId, terracePos.secret, check)).status).toBe(202);
    const stored = (await inbox(test, multi.tenantId, terracePos.integrationId)).find(
      (row) => row.event_id === check.externalId,
    );
    if (!stored) throw new Error("the check is not in the inbox");
    await processPosEvent(engine, multi.tenantId, stored.id, { maxAttempts: 3 });

    const cashier = await bearer(multi, "cashier", "till");
    const manager = await bearer(multi, "manager", "till");
    const listed = async (headers: Record<string, string>, query = "") =>
      ((await get(`/api/v1/pos-checks/unidentified${query}`, headers)).body.checks as { id: string }[]).map(
        (row) => row.id,
      );
    expect(await listed(cashier)).not.toContain(stored.id);
    expect(await listed(manager)).toContain(stored.id);
    expect((await get(`/api/v1/pos-checks/unidentified?restaurantId=${terraceId}`, cashier)).status).toBe(403);

    const guestId = await guestWithPoints(multi, 0);
    const attach = (headers: Record<string, string>) =>
      post(`/api/v1/pos-checks/${stored.id}/attach`, { guestId }, headers);
    expect(await attach(cashier)).toMatchObject({ status: 403, body: { messageKey: "error-till-restaurant-scope" } });
    expect((await auditRows(multi, "pos.check.attach")).filter((row) => row.entityId === stored.id)).toHaveLength(0);

    expect((await attach(manager)).status).toBe(200);
    expect((await attach(manager)).status).toBe(409);
    const rows = (await auditRows(multi, "pos.check.attach")).filter((row) => row.entityId === stored.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorStaffId: multi.staff.manager.id,
      userAgent: UA,
      changes: { channel: "miniapp", guestId, restaurantId: terraceId, amountMinor: "200000" },
    });
  });
});
