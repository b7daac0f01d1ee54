// The restaurants page: who sees which restaurants, adding and changing one, and the audit trail.
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { putOnPlan } from "./plans.ts";
import { buildWorld, type World } from "./world.ts";

let test: TestApp;
let world: World;
let other: World;
let riverId: string;
beforeAll(async () => {
  test = await createTestApp();
  [world, other] = await Promise.all([buildWorld(test), buildWorld(test)]);
  // Plan limits are proven in plan-limits.test.ts; here the business has room for more halls.
  await putOnPlan(test, world.tenantId, "chain");
  riverId = uuidv7();
  await test.db.withTenant(world.tenantId, async (tx) => {
    await tx.restaurant.create({
      data: { tenantId: world.tenantId, id: riverId, name: "River", address: "Embankment 7" },
    });
    // The manager works at the river restaurant only; the cashier is not limited.
    await tx.staffRestaurant.create({
      data: { tenantId: world.tenantId, staffId: world.staff.manager.id, restaurantId: riverId },
    });
  });
});
afterAll(() => test.close());

interface RestaurantBody {
  id: string;
  name: string;
  address: string | null;
  timeZone: string | null;
  isActive: boolean;
}

async function call(as: World, role: StaffRole, method: string, path: string, body?: unknown) {
  return test.app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${await as.tokenFor(role)}`,
      "Content-Type": "application/json",
      "User-Agent": "restaurants-test",
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function names(as: World, role: StaffRole): Promise<string[]> {
  const response = await call(as, role, "GET", "/api/v1/restaurants");
  expect(response.status).toBe(200);
  const body = (await response.json()) as { restaurants: RestaurantBody[] };
  return body.restaurants.map((restaurant) => restaurant.name);
}

describe("listing restaurants", () => {
  it("shows an owner and an unlimited cashier every restaurant, a limited manager only theirs", async () => {
    expect(await names(world, "owner")).toEqual(["Main hall", "River"]);
    expect(await names(world, "cashier")).toEqual(["Main hall", "River"]);
    expect(await names(world, "manager")).toEqual(["River"]);
  });

  it("refuses a session opened from Telegram for the till", async () => {
    const till = await issueStaffToken(
      { staffId: world.staff.cashier.id, tenantId: world.tenantId, role: "cashier", generation: 0, scope: "till" },
      test.config.auth.jwtSecret,
      new Date(),
    );
    const response = await test.app.request("/api/v1/restaurants", { headers: { Authorization: `Bearer ${till}` } });
    expect(response.status).toBe(403);
  });

  it("never shows another business's restaurants", async () => {
    expect(await names(other, "owner")).toEqual(["Main hall"]);
    const response = await call(other, "owner", "GET", "/api/v1/restaurants");
    const body = (await response.json()) as { restaurants: RestaurantBody[] };
    expect(body.restaurants.map((restaurant) => restaurant.id)).not.toContain(riverId);
  });
});

describe("adding a restaurant", () => {
  it("creates it with its time zone and audits who did it", async () => {
    const response = await call(world, "admin", "POST", "/api/v1/restaurants", {
      name: "  Вокзал  ",
      address: "Площадь, 1",
      timeZone: "Asia/Yekaterinburg",
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as RestaurantBody;
    expect(created).toMatchObject({
      name: "Вокзал",
      address: "Площадь, 1",
      timeZone: "Asia/Yekaterinburg",
      isActive: true,
    });
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findFirstOrThrow({ where: { tenantId: world.tenantId, entityId: created.id } }),
    );
    expect(audit).toMatchObject({
      action: "restaurant.create",
      entityType: "restaurant",
      actorStaffId: world.staff.admin.id,
      userAgent: "restaurants-test",
      changes: { name: "Вокзал", address: "Площадь, 1", timeZone: "Asia/Yekaterinburg" },
    });
  });

  it("refuses a time zone that is not an IANA zone, and an empty name, naming the fields", async () => {
    const response = await call(world, "owner", "POST", "/api/v1/restaurants", {
      name: " ",
      timeZone: "Moscow/Kremlin",
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path).sort()).toEqual(["name", "timeZone"]);
  });

  it("refuses managers and cashiers", async () => {
    expect((await call(world, "manager", "POST", "/api/v1/restaurants", { name: "Mine" })).status).toBe(403);
    expect((await call(world, "cashier", "POST", "/api/v1/restaurants", { name: "Mine" })).status).toBe(403);
  });
});

describe("changing a restaurant", () => {
  it("changes what is sent, clears what is null, and audits each change from and to", async () => {
    const response = await call(world, "owner", "PATCH", `/api/v1/restaurants/${riverId}`, {
      name: "River terrace",
      address: null,
      isActive: false,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: "River terrace",
      address: null,
      timeZone: null,
      isActive: false,
    });
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findFirstOrThrow({
        where: { tenantId: world.tenantId, entityId: riverId, action: "restaurant.update" },
      }),
    );
    expect(audit.changes).toEqual({
      name: { from: "River", to: "River terrace" },
      address: { from: "Embankment 7", to: null },
      isActive: { from: true, to: false },
    });
  });

  it("answers 404 for an unknown restaurant and for another business's", async () => {
    expect((await call(world, "owner", "PATCH", `/api/v1/restaurants/${uuidv7()}`, { name: "X" })).status).toBe(404);
    const foreign = await call(other, "owner", "PATCH", `/api/v1/restaurants/${riverId}`, { name: "Taken" });
    expect(foreign.status).toBe(404);
    expect(await names(world, "owner")).toContain("River terrace");
  });

  it("refuses an empty change, an unknown field and a bad time zone", async () => {
    for (const body of [{}, { colour: "red" }, { timeZone: "GMT+25" }]) {
      expect((await call(world, "owner", "PATCH", `/api/v1/restaurants/${riverId}`, body)).status).toBe(422);
    }
  });

  it("refuses managers", async () => {
    expect((await call(world, "manager", "PATCH", `/api/v1/restaurants/${riverId}`, { name: "Mine" })).status).toBe(
      403,
    );
  });
});
