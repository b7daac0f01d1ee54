import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
});
afterAll(() => test.close());

async function as(role: StaffRole) {
  return { Authorization: `Bearer ${await world.tokenFor(role)}` };
}

async function newGuest(telegramId: number, phone?: string) {
  const response = await test.app.request("/api/v1/me/card", {
    headers: {
      Authorization: `tma ${world.initData({ id: telegramId, first_name: "Guest" })}`,
      "X-Tenant": world.slug,
    },
  });
  const card = (await response.json()) as {
    guest: { id: string };
    identification: { qr: { token: string }; code: { code: string } };
  };
  if (phone) {
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.guest.update({ where: { tenantId_id: { tenantId: world.tenantId, id: card.guest.id } }, data: { phone } }),
    );
  }
  return card;
}

async function post(path: string, body: unknown, headers: Record<string, string>) {
  const response = await test.app.request(path, json(body, headers));
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

describe("the till", () => {
  it("identifies by QR once, then quotes, redeems with the hold and earns on the rest", async () => {
    const card = await newGuest(7_770_001);
    const cashier = await as("cashier");
    await post(
      `/api/v1/guests/${card.guest.id}/adjustments`,
      { points: 500, reason: "welcome back" },
      { ...(await as("manager")), ...key() },
    );

    const found = await post("/api/v1/till/identify", { qrToken: card.identification.qr.token }, cashier);
    expect(found).toMatchObject({
      status: 200,
      body: { id: card.guest.id, balance: 500, available: 500, level: { name: "Bronze" } },
    });
    expect((await post("/api/v1/till/identify", { qrToken: card.identification.qr.token }, cashier)).status).toBe(404);

    const quote = await post(
      "/api/v1/till/quotes",
      { guestId: card.guest.id, amountMinor: "100000", currency: "RUB" },
      { ...cashier, ...key() },
    );
    expect(quote).toMatchObject({
      status: 201,
      body: { maxRedeemablePoints: 300, earnIfAccrued: 50, earnIfMaxRedeemed: 35 },
    });
    const redemption = await post(
      "/api/v1/till/redemptions",
      { guestId: card.guest.id, amountMinor: 100_000, currency: "RUB", points: 300, holdId: quote.body.holdId },
      { ...cashier, ...key() },
    );
    expect(redemption).toMatchObject({
      status: 201,
      body: { redeemed: 300, earned: 35, balance: 235, paidMinor: "70000" },
    });
  });

  it("identifies by 6-digit code once, and by phone typed the way cashiers type it", async () => {
    const card = await newGuest(7_770_002, "+79990001122");
    const cashier = await as("cashier");
    expect((await post("/api/v1/till/identify", { code: card.identification.code.code }, cashier)).status).toBe(200);
    expect((await post("/api/v1/till/identify", { code: card.identification.code.code }, cashier)).status).toBe(404);
    expect(await post("/api/v1/till/identify", { phone: "8 (999) 000-11-22" }, cashier)).toMatchObject({
      status: 200,
      body: { id: card.guest.id, phoneHint: "•••• 11 22" },
    });
  });

  it("answers a retried accrual with the first result and marks it replayed", async () => {
    const card = await newGuest(7_770_003);
    const headers = { ...(await as("cashier")), ...key() };
    const body = { guestId: card.guest.id, amountMinor: 250_000, currency: "RUB" };
    const first = await post("/api/v1/till/accruals", body, headers);
    const again = await post("/api/v1/till/accruals", body, headers);
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const reused = await post("/api/v1/till/accruals", { ...body, amountMinor: 1 }, headers);
    expect(reused).toMatchObject({
      status: 422,
      body: { detail: expect.stringContaining("already used for a different request") },
    });
  });

  it("explains bad input field by field and writes nothing", async () => {
    const card = await newGuest(7_770_004);
    const cashier = await as("cashier");
    const noKey = await post(
      "/api/v1/till/accruals",
      { guestId: card.guest.id, amountMinor: 100, currency: "RUB" },
      cashier,
    );
    expect(noKey).toMatchObject({
      status: 422,
      body: { errors: [{ path: "idempotency-key", message: expect.stringContaining("is required") }] },
    });
    const cases: [unknown, string][] = [
      [{ guestId: card.guest.id, amountMinor: -5, currency: "RUB" }, "amountMinor"],
      [{ guestId: card.guest.id, amountMinor: "12.50", currency: "RUB" }, "amountMinor"],
      [{ guestId: card.guest.id, amountMinor: 100_000_000_01, currency: "RUB" }, "amountMinor"],
      [{ guestId: "not-a-uuid", amountMinor: 100, currency: "RUB" }, "guestId"],
      [{ guestId: card.guest.id, amountMinor: 100, currency: "rub" }, "currency"],
    ];
    for (const [body, field] of cases) {
      const response = await post("/api/v1/till/accruals", body, { ...cashier, ...key() });
      expect(response.status).toBe(422);
      expect((response.body.errors as { path: string }[]).map((error) => error.path)).toContain(field);
    }
    const usd = await post(
      "/api/v1/till/accruals",
      { guestId: card.guest.id, amountMinor: 100, currency: "USD" },
      { ...cashier, ...key() },
    );
    expect(usd).toMatchObject({
      status: 422,
      body: { detail: "This program counts money in RUB; the check is in USD." },
    });
    const tooMuch = await post(
      "/api/v1/till/redemptions",
      { guestId: card.guest.id, amountMinor: 100_000, currency: "RUB", points: 10 },
      { ...cashier, ...key() },
    );
    expect(tooMuch).toMatchObject({ status: 409, body: { code: "CONFLICT", available: 0 } });
    const stranger = await post(
      "/api/v1/till/accruals",
      { guestId: "01936f00-0000-7000-8000-0000000fffff", amountMinor: 100, currency: "RUB" },
      { ...cashier, ...key() },
    );
    expect(stranger.status).toBe(404);
    const guest = await test.db.withTenant(world.tenantId, (tx) =>
      tx.check.count({ where: { guestId: card.guest.id } }),
    );
    expect(guest).toBe(0);
  });

  it("refuses each staff route to a role that may not use it, and every route without a token", async () => {
    const card = await newGuest(7_770_005);
    const cashier = await as("cashier");
    const managerOnly: [string, string, unknown][] = [
      ["POST", `/api/v1/guests/${card.guest.id}/adjustments`, { points: 5, reason: "goodwill" }],
      ["PUT", `/api/v1/guests/${card.guest.id}/manual-level`, { levelId: null, reason: "end it" }],
    ];
    for (const [method, path, body] of managerOnly) {
      const response = await test.app.request(path, { ...json(body, { ...cashier, ...key() }), method });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    const everyRoute: [string, string][] = [
      ["POST", "/api/v1/till/identify"],
      ["POST", "/api/v1/till/quotes"],
      ["POST", "/api/v1/till/accruals"],
      ["POST", "/api/v1/till/redemptions"],
      ["POST", "/api/v1/till/refunds"],
      ["GET", `/api/v1/guests/${card.guest.id}`],
      ["POST", `/api/v1/guests/${card.guest.id}/adjustments`],
      ["PUT", `/api/v1/guests/${card.guest.id}/manual-level`],
    ];
    for (const [method, path] of everyRoute) {
      const response = await test.app.request(path, {
        method,
        headers: { "Content-Type": "application/json" },
        body: method === "GET" ? null : "{}",
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it("never shows one tenant's guest to another tenant's staff", async () => {
    const card = await newGuest(7_770_006);
    const other = await buildWorld(test);
    const foreign = { Authorization: `Bearer ${await other.tokenFor("owner")}` };
    expect((await test.app.request(`/api/v1/guests/${card.guest.id}`, { headers: foreign })).status).toBe(404);
    expect((await post("/api/v1/till/identify", { code: card.identification.code.code }, foreign)).status).toBe(404);
    expect((await post("/api/v1/till/identify", { qrToken: card.identification.qr.token }, foreign)).status).toBe(404);
    // The foreign attempts did not burn the guest's QR for their own tenant.
    expect(
      (await post("/api/v1/till/identify", { qrToken: card.identification.qr.token }, await as("cashier"))).status,
    ).toBe(200);
    const accrual = await post(
      "/api/v1/till/accruals",
      { guestId: card.guest.id, amountMinor: 100, currency: "RUB" },
      { ...foreign, ...key() },
    );
    expect(accrual.status).toBe(404);
  });

  it("lets a manager refund, and a cashier only their own recent check", async () => {
    const card = await newGuest(7_770_007);
    const sale = await post(
      "/api/v1/till/accruals",
      { guestId: card.guest.id, amountMinor: 100_000, currency: "RUB" },
      { ...(await as("cashier")), ...key() },
    );
    const checkId = sale.body.checkId;
    const ownRefund = await post(
      "/api/v1/till/refunds",
      { checkId, amountMinor: 40_000 },
      { ...(await as("cashier")), ...key() },
    );
    expect(ownRefund).toMatchObject({ status: 201, body: { reversed: 20, balance: 30 } });
    const managerRefund = await post("/api/v1/till/refunds", { checkId }, { ...(await as("manager")), ...key() });
    expect(managerRefund).toMatchObject({ status: 201, body: { reversed: 30, balance: 0, amountMinor: "60000" } });
  });
});
