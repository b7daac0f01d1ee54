// The generic signed webhook end to end in the API: signatures, the inbox, bad input, and what
// processing an event does to the guest's points (the worker calls the same processPosEvent).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import { processPosEvent } from "../../src/core/pos/process-event.ts";
import { signPosBody } from "../../src/core/pos/webhook-signature.ts";
import { buildWorld, type World } from "../http/world.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { addGuest, balanceOf, type Connected, connectIntegration, inbox, postCheck, saleCheck } from "./pos-support.ts";

let test: TestApp;
let world: World;
let pos: Connected;
let engine: EngineDeps;
const now = { at: null as Date | null };
const prefix = `test:${randomUUID()}`;

beforeAll(async () => {
  test = await createTestApp({ redisPrefix: prefix, clock: () => now.at ?? new Date() });
  world = await buildWorld(test);
  engine = createEngineDeps({
    db: test.db,
    redis: test.redis,
    clock: () => now.at ?? new Date(),
    settings: { redisPrefix: prefix },
  });
  pos = await connectIntegration(test, world, {
    kind: "generic",
    name: "Front till",
    restaurantId: world.restaurantId,
  });
});

afterAll(async () => {
  await test.close();
});

const process = (eventId: string) => processPosEvent(engine, world.tenantId, eventId, { maxAttempts: 3 });

async function storedId(externalId: string): Promise<string> {
  const row = (await inbox(test, world.tenantId, pos.integrationId)).find((event) => event.event_id === externalId);
  if (!row) throw new Error(`${externalId} is not in the inbox`);
  return row.id;
}

describe("intake", () => {
  it("stores a signed check before answering 202, and answers a repeat with 200 duplicate", async () => {
    const check = saleCheck({ guest: { phone: "+7 900 000-00-01" } });
    const first = await postCheck(test, pos.integrationId, pos.secret, check);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: true, eventId: check.externalId });
    const again = await postCheck(test, pos.integrationId, pos.secret, check);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true, eventId: check.externalId });
    const rows = (await inbox(test, world.tenantId, pos.integrationId)).filter((r) => r.event_id === check.externalId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("received");
  });

  it.each([
    ["a wrong signature", { signature: `sha256=${"ab".repeat(32)}` }, /does not match/],
    ["a stale timestamp", { at: Math.floor(Date.now() / 1000) - 301 }, /at most 300 s/],
    ["a timestamp from the future", { at: Math.floor(Date.now() / 1000) + 400 }, /at most 300 s/],
    ["a malformed signature", { signature: "md5=abc" }, /sha256=/],
  ])("refuses %s with 401 and stores nothing", async (_, options, detail) => {
    const check = saleCheck();
    const response = await postCheck(test, pos.integrationId, pos.secret, check, options);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(((await response.json()) as { detail: string }).detail).toMatch(detail);
    expect((await inbox(test, world.tenantId, pos.integrationId)).map((r) => r.event_id)).not.toContain(
      check.externalId,
    );
  });

  it("refuses a request without signature headers", async () => {
    const response = await test.app.request(`/api/v1/pos/${pos.integrationId}/checks`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(saleCheck()),
    });
    expect(response.status).toBe(401);
  });

  it("answers 422 problem+json with the fields for a malformed check, and stores nothing", async () => {
    const before = (await inbox(test, world.tenantId, pos.integrationId)).length;
    const notJson = await postCheck(test, pos.integrationId, pos.secret, null, { rawBody: "{not json" });
    expect(notJson.status).toBe(422);
    expect(((await notJson.json()) as { detail: string }).detail).toMatch(/not JSON/);

    const refundWithoutSale = await postCheck(test, pos.integrationId, pos.secret, {
      ...saleCheck(),
      type: "refund",
      amountMinor: -5,
      currency: "rub",
    });
    expect(refundWithoutSale.status).toBe(422);
    const problem = (await refundWithoutSale.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error: { path: string }) => error.path).sort()).toEqual(
      ["amountMinor", "currency", "refundOf"].sort(),
    );
    expect((await inbox(test, world.tenantId, pos.integrationId)).length).toBe(before);
  });

  it("answers 413 for a body over the POS limit", async () => {
    const huge = saleCheck({ items: [{ name: "x".repeat(300), quantity: 1, amountMinor: 1 }] });
    const body = JSON.stringify({ ...huge, padding: " ".repeat(300_000) });
    const response = await postCheck(test, pos.integrationId, pos.secret, null, { rawBody: body });
    expect(response.status).toBe(413);
  });

  it("answers 404 for an unknown or malformed integration id", async () => {
    expect((await postCheck(test, randomUUID(), pos.secret, saleCheck())).status).toBe(404);
    expect((await postCheck(test, "not-a-uuid", pos.secret, saleCheck())).status).toBe(404);
  });

  it("keeps accepting the previous secret through the rotation's grace period only", async () => {
    const own = await connectIntegration(test, world, { kind: "generic", name: "Bar" });
    const rotated = await test.app.request(`/api/v1/integrations/${own.integrationId}/secret`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ graceHours: 1 }),
    });
    expect(rotated.status).toBe(200);
    const fresh = (await rotated.json()) as { secret: string; previousSecretValidUntil: string };
    expect(fresh.secret).not.toBe(own.secret);
    expect((await postCheck(test, own.integrationId, fresh.secret, saleCheck())).status).toBe(202);
    expect((await postCheck(test, own.integrationId, own.secret, saleCheck())).status).toBe(202);
    // Two hours on: the old secret is over. (The cache of integrations lives 10 s; the grace is
    // checked against the clock on every request.)
    now.at = new Date(Date.now() + 2 * 3_600_000);
    try {
      const later = Math.floor(now.at.getTime() / 1000);
      expect((await postCheck(test, own.integrationId, own.secret, saleCheck(), { at: later })).status).toBe(401);
      expect((await postCheck(test, own.integrationId, fresh.secret, saleCheck(), { at: later })).status).toBe(202);
    } finally {
      now.at = null;
    }
  });

  it("does not rate-limit a POS sending a burst", async () => {
    const responses = await Promise.all(
      Array.from({ length: 120 }, () => postCheck(test, pos.integrationId, pos.secret, saleCheck())),
    );
    expect(responses.every((response) => response.status === 202)).toBe(true);
  });
});

describe("processing", () => {
  it("credits a sale to the guest with that phone, once, however often it is processed", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79000000101");
    const check = saleCheck({ amountMinor: 200_000, guest: { phone: "8 (900) 000-01-01" } });
    expect((await postCheck(test, pos.integrationId, pos.secret, check)).status).toBe(202);
    const id = await storedId(check.externalId);
    const outcome = await process(id);
    expect(outcome).toMatchObject({ status: "processed", guestId, pointsDelta: 100 });
    expect(await process(id)).toEqual({ status: "skipped" });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(100);
    const row = (await inbox(test, world.tenantId, pos.integrationId)).find((r) => r.id === id);
    expect(row).toMatchObject({ status: "processed", guest_id: guestId, attempts: 1 });
    expect(row?.check_id).toBeTruthy();
  });

  it("earns once when the same check is stored twice under different event ids", async () => {
    // e.g. a processed event replayed by an admin: the engine's idempotency key is the check's.
    const guestId = await addGuest(test, world.tenantId, "+79000000102");
    const check = saleCheck({ amountMinor: 100_000, guest: { phone: "+79000000102" } });
    await postCheck(test, pos.integrationId, pos.secret, check);
    const id = await storedId(check.externalId);
    await process(id);
    await test.db.withTenantClient(world.tenantId, (client) =>
      client.query("UPDATE pos_events SET status = 'received' WHERE id = $1", [id]),
    );
    expect(await process(id)).toMatchObject({ status: "processed", pointsDelta: 50 });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(50);
  });

  it("credits by a live 6-digit code, resolved when the check arrives", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79000000103");
    const { currentGuestTokens } = await import("../../src/core/identification/tokens.ts");
    const tokens = await currentGuestTokens(engine, world.tenantId, guestId);
    const check = saleCheck({ amountMinor: 100_000, guest: { code: tokens.code.code } });
    await postCheck(test, pos.integrationId, pos.secret, check);
    const id = await storedId(check.externalId);
    const stored = (await inbox(test, world.tenantId, pos.integrationId)).find((r) => r.id === id);
    expect(stored?.guest_id).toBe(guestId);
    expect(await process(id)).toMatchObject({ status: "processed", guestId, pointsDelta: 50 });
  });

  it("keeps a sale with no known guest as unidentified, and attaches it when the guest shows up", async () => {
    const check = saleCheck({ amountMinor: 300_000, guest: { phone: "+79000000999" } });
    await postCheck(test, pos.integrationId, pos.secret, check);
    const id = await storedId(check.externalId);
    expect(await process(id)).toMatchObject({ status: "unidentified", reason: expect.stringMatching(/phone/) });

    const cashier = { Authorization: `Bearer ${await world.tokenFor("cashier")}` };
    const list = await test.app.request(`/api/v1/pos-checks/unidentified?restaurantId=${world.restaurantId}`, {
      headers: cashier,
    });
    expect(list.status).toBe(200);
    const { checks } = (await list.json()) as { checks: { id: string; amountMinor: string }[] };
    expect(checks.find((c) => c.id === id)).toMatchObject({ amountMinor: "300000" });

    const guestId = await addGuest(test, world.tenantId, "+79000000104");
    const attach = await test.app.request(`/api/v1/pos-checks/${id}/attach`, {
      method: "POST",
      headers: { ...cashier, "Content-Type": "application/json" },
      body: JSON.stringify({ guestId }),
    });
    expect(attach.status).toBe(200);
    expect(await attach.json()).toMatchObject({ status: "processed", guestId, pointsDelta: 150 });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(150);
    const twice = await test.app.request(`/api/v1/pos-checks/${id}/attach`, {
      method: "POST",
      headers: { ...cashier, "Content-Type": "application/json" },
      body: JSON.stringify({ guestId }),
    });
    expect(twice.status).toBe(409);
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(150);
  });

  it("refuses to attach a check older than the integration's window", async () => {
    const check = saleCheck({ closedAt: new Date(Date.now() - 73 * 3_600_000).toISOString() });
    await postCheck(test, pos.integrationId, pos.secret, check);
    const id = await storedId(check.externalId);
    await process(id);
    const guestId = await addGuest(test, world.tenantId, "+79000000105");
    const attach = await test.app.request(`/api/v1/pos-checks/${id}/attach`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("manager")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ guestId }),
    });
    expect(attach.status).toBe(409);
    expect(((await attach.json()) as { detail: string }).detail).toMatch(/72 hours/);
  });

  it("holds a refund that arrives before its sale, and applies it once the sale is in", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79000000106");
    const sale = saleCheck({ amountMinor: 400_000, guest: { phone: "+79000000106" } });
    const refund = saleCheck({
      externalId: `${sale.externalId}-r1`,
      type: "refund",
      refundOf: sale.externalId,
      amountMinor: 100_000,
    });
    await postCheck(test, pos.integrationId, pos.secret, refund);
    const refundId = await storedId(refund.externalId);
    expect(await process(refundId)).toMatchObject({ status: "awaiting_sale" });

    await postCheck(test, pos.integrationId, pos.secret, sale);
    expect(await process(await storedId(sale.externalId))).toMatchObject({ status: "processed", pointsDelta: 200 });
    // The sale woke the refund: it is back in the queue.
    expect((await inbox(test, world.tenantId, pos.integrationId)).find((r) => r.id === refundId)?.status).toBe(
      "received",
    );
    expect(await process(refundId)).toMatchObject({ status: "processed", pointsDelta: -50 });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(150);

    // The rest of the check, then one refund too many.
    const rest = saleCheck({
      externalId: `${sale.externalId}-r2`,
      type: "refund",
      refundOf: sale.externalId,
      amountMinor: 300_000,
    });
    await postCheck(test, pos.integrationId, pos.secret, rest);
    expect(await process(await storedId(rest.externalId))).toMatchObject({ status: "processed", pointsDelta: -150 });
    const extra = saleCheck({
      externalId: `${sale.externalId}-r3`,
      type: "refund",
      refundOf: sale.externalId,
      amountMinor: 1,
    });
    await postCheck(test, pos.integrationId, pos.secret, extra);
    expect(await process(await storedId(extra.externalId))).toMatchObject({
      status: "rejected",
      reason: expect.stringMatching(/refunded in full/),
    });
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(0);
  });

  it("credits a batch together, and check by check when one of them is refused", async () => {
    const { processPosEvents } = await import("../../src/core/pos/process-event.ts");
    const guestId = await addGuest(test, world.tenantId, "+79000000107");
    const good = [1, 2, 3].map((n) => saleCheck({ amountMinor: 20_000 * n, guest: { phone: "+79000000107" } }));
    const foreign = saleCheck({ currency: "EUR", guest: { phone: "+79000000107" } });
    for (const check of [...good, foreign]) await postCheck(test, pos.integrationId, pos.secret, check);
    const ids = await Promise.all([...good, foreign].map((check) => storedId(check.externalId)));
    const outcomes = await processPosEvents(engine, world.tenantId, ids, { maxAttempts: 3 });
    expect([...outcomes.values()].map((outcome) => outcome.status).sort()).toEqual([
      "processed",
      "processed",
      "processed",
      "rejected",
    ]);
    // 5 % of 200, 400 and 600.00.
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(60);

    const batch = [1, 2].map((n) => saleCheck({ amountMinor: 100_000 * n, guest: { phone: "+79000000107" } }));
    for (const check of batch) await postCheck(test, pos.integrationId, pos.secret, check);
    const together = await processPosEvents(
      engine,
      world.tenantId,
      await Promise.all(batch.map((check) => storedId(check.externalId))),
      { maxAttempts: 3 },
    );
    expect([...together.values()].map((outcome) => outcome.status)).toEqual(["processed", "processed"]);
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(210);
  });

  it("rejects a check in another currency than the program's, with the reason", async () => {
    const check = saleCheck({ currency: "EUR", guest: { phone: "+79000000101" } });
    await postCheck(test, pos.integrationId, pos.secret, check);
    expect(await process(await storedId(check.externalId))).toMatchObject({ status: "rejected" });
  });
});

describe("changing an integration", () => {
  const patch = async (role: "owner" | "admin" | "manager", id: string, body: unknown) =>
    test.app.request(`/api/v1/integrations/${id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${await world.tokenFor(role)}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it("maps a POS restaurant id once the settings name it, and stops and restarts the feed", async () => {
    const own = await connectIntegration(test, world, { kind: "generic", name: "Terrace" });
    const changed = await patch("admin", own.integrationId, {
      name: "Terrace till",
      settings: { restaurantMap: { "terrace-1": world.restaurantId }, attachWindowHours: 24 },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ name: "Terrace till", isActive: true });
    const check = saleCheck({ restaurantExternalId: "terrace-1" });
    expect((await postCheck(test, own.integrationId, own.secret, check)).status).toBe(202);
    const restaurant = await test.db.withTenantClient(world.tenantId, async (client) => {
      const { rows } = await client.query<{ restaurant_id: string }>(
        "SELECT restaurant_id FROM pos_events WHERE integration_id = $1 AND event_id = $2",
        [own.integrationId, check.externalId],
      );
      return rows[0]?.restaurant_id;
    });
    expect(restaurant).toBe(world.restaurantId);

    expect((await patch("owner", own.integrationId, { isActive: false })).status).toBe(200);
    expect((await postCheck(test, own.integrationId, own.secret, saleCheck())).status).toBe(404);
    expect((await patch("owner", own.integrationId, { isActive: true })).status).toBe(200);
    expect((await postCheck(test, own.integrationId, own.secret, saleCheck())).status).toBe(202);
  });

  it("refuses invalid settings, a login for a kind without one, an empty change and a manager", async () => {
    const badSettings = await patch("admin", pos.integrationId, { settings: { attachWindowHours: 0 } });
    expect(badSettings.status).toBe(422);
    const problem = (await badSettings.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toContain("settings.attachWindowHours");
    expect((await patch("admin", pos.integrationId, { apiLogin: "some-iiko-login" })).status).toBe(422);
    expect((await patch("admin", pos.integrationId, { restaurantId: randomUUID() })).status).toBe(422);
    expect((await patch("admin", pos.integrationId, {})).status).toBe(422);
    expect((await patch("manager", pos.integrationId, { name: "x" })).status).toBe(403);
    expect((await patch("admin", randomUUID(), { name: "x" })).status).toBe(404);
  });
});

describe("status page", () => {
  it("shows counts by status, the last event and the last error; staff below manager may not read it", async () => {
    const response = await test.app.request("/api/v1/integrations", {
      headers: { Authorization: `Bearer ${await world.tokenFor("manager")}` },
    });
    expect(response.status).toBe(200);
    const { integrations } = (await response.json()) as {
      integrations: { id: string; counts: Record<string, number>; lastEventAt: string; lastError: unknown }[];
    };
    const status = integrations.find((integration) => integration.id === pos.integrationId);
    expect(status?.counts.processed).toBeGreaterThan(0);
    expect(status?.counts.rejected).toBeGreaterThan(0);
    expect(status?.lastEventAt).toBeTruthy();
    expect(status?.lastError).toMatchObject({ message: expect.any(String) });

    const cashier = await test.app.request("/api/v1/integrations", {
      headers: { Authorization: `Bearer ${await world.tokenFor("cashier")}` },
    });
    expect(cashier.status).toBe(403);
  });

  it("lists events by status and replays a rejected one", async () => {
    const owner = { Authorization: `Bearer ${await world.tokenFor("owner")}` };
    const list = await test.app.request(`/api/v1/integrations/${pos.integrationId}/events?status=rejected`, {
      headers: owner,
    });
    expect(list.status).toBe(200);
    const { events } = (await list.json()) as { events: { id: string; status: string }[] };
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.status === "rejected")).toBe(true);
    const target = events[0]?.id ?? "";
    const replay = await test.app.request(`/api/v1/integrations/${pos.integrationId}/events/${target}/replay`, {
      method: "POST",
      headers: owner,
    });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ status: "received", attempts: 0 });
    const again = await test.app.request(`/api/v1/integrations/${pos.integrationId}/events/${target}/replay`, {
      method: "POST",
      headers: owner,
    });
    expect(again.status).toBe(409);
  });

  it("shows another tenant's staff none of it", async () => {
    const other = await buildWorld(test, undefined, { bot: false });
    const headers = { Authorization: `Bearer ${await other.tokenFor("owner")}` };
    const list = await test.app.request("/api/v1/integrations", { headers });
    expect(((await list.json()) as { integrations: unknown[] }).integrations).toEqual([]);
    const events = await test.app.request(`/api/v1/integrations/${pos.integrationId}/events`, { headers });
    expect(events.status).toBe(404);
  });

  it("lets only owners and admins connect a POS, and checks the restaurants named", async () => {
    const asManager = await test.app.request("/api/v1/integrations", {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("manager")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "generic", name: "Nope" }),
    });
    expect(asManager.status).toBe(403);
    const unknownRestaurant = await test.app.request("/api/v1/integrations", {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("admin")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "generic", name: "Bad", restaurantId: randomUUID() }),
    });
    expect(unknownRestaurant.status).toBe(422);
  });
});

it("signs as ARCHITECTURE.md says: sha256= hex HMAC over '<timestamp>.<raw body>'", async () => {
  const { createHmac } = await import("node:crypto");
  const expected = createHmac("sha256", "s3cret").update("1700000000.{}").digest("hex");
  expect(signPosBody("s3cret", 1700000000, "{}")).toBe(`sha256=${expected}`);
});

it("keeps r_keeper's path token out of the request log", async () => {
  const { loggablePath } = await import("../../src/http/request-log.ts");
  expect(loggablePath("/api/v1/pos/01936f00-0000-7000-8000-00000000c001/rkeeper/s3cr3t-T0ken/transactionsex")).toBe(
    "/api/v1/pos/01936f00-0000-7000-8000-00000000c001/rkeeper/***/transactionsex",
  );
  expect(loggablePath("/api/v1/till/accruals")).toBe("/api/v1/till/accruals");
});

it("refuses a refund that reuses its sale's externalId", async () => {
  const sale = saleCheck();
  const response = await postCheck(test, pos.integrationId, pos.secret, {
    ...sale,
    type: "refund",
    refundOf: sale.externalId,
  });
  expect(response.status).toBe(422);
  expect(((await response.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("externalId");
});
