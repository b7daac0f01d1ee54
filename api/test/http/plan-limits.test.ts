// Plan limits (issue #8): restaurants and staff stop at the plan's limit with a problem that says
// so and points to an upgrade, parallel creates never overshoot, guests are always registered,
// and a restricted tenant's guests beyond the limit stop earning while everyone's points can
// still be spent.
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATE_TTL_MS } from "../../src/core/billing/accrual-gate.ts";
import { assertBroadcastAllowed } from "../../src/core/billing/plan-limits.ts";
import { createEngineDeps, type StaffRole } from "../../src/core/context.ts";
import { completeRegistration } from "../../src/core/guests/registration.ts";
import { grantBirthdayBonuses } from "../../src/core/loyalty/birthday-bonuses.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { putOnPlan, type SubscriptionStatus } from "./plans.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp();
});
afterAll(() => test.close());

const onPlan = (world: World, planId: string, status?: SubscriptionStatus) =>
  putOnPlan(test, world.tenantId, planId, status);

async function send(world: World, role: StaffRole, method: string, path: string, body?: unknown) {
  const response = await test.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${await world.tokenFor(role)}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: response.headers.get("Content-Type"), body: answer };
}

const newRestaurant = (world: World, name: string) => send(world, "owner", "POST", "/api/v1/restaurants", { name });
const invite = (world: World, name: string) =>
  send(world, "owner", "POST", "/api/v1/staff", { email: `${uuidv7()}@limits.test`, name, role: "cashier" });

async function activeCount(world: World, what: "restaurant" | "staffUser"): Promise<number> {
  return test.db.withTenant(world.tenantId, (tx) =>
    what === "restaurant"
      ? tx.restaurant.count({ where: { isActive: true } })
      : tx.staffUser.count({ where: { isActive: true } }),
  );
}

/** Guests who joined earlier, straight into the table (ids are UUIDv7, so in joining order). */
async function seedGuests(world: World, count: number) {
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.guest.createMany({ data: Array.from({ length: count }, () => ({ tenantId: world.tenantId, id: uuidv7() })) }),
  );
}

let telegramSerial = 7_880_000;
async function guestFromMiniApp(world: World): Promise<{ status: number; guestId: string }> {
  telegramSerial += 1;
  const response = await test.app.request("/api/v1/me/card", {
    headers: {
      Authorization: `tma ${world.initData({ id: telegramSerial, first_name: "Guest" })}`,
      "X-Tenant": world.slug,
    },
  });
  const body = (await response.json()) as { guest: { id: string } };
  return { status: response.status, guestId: body.guest?.id };
}

async function till(world: World, path: string, body: unknown) {
  const response = await test.app.request(
    path,
    json(body, { Authorization: `Bearer ${await world.tokenFor("cashier")}`, ...key() }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const accrue = (world: World, guestId: string) =>
  till(world, "/api/v1/till/accruals", { guestId, amountMinor: 100_000, currency: "RUB" });

describe("restaurants", () => {
  it("stop at the trial's one restaurant with a problem naming the limit, the plan and an upgrade", async () => {
    const world = await buildWorld(test);
    const refused = await newRestaurant(world, "Second hall");
    expect(refused.status).toBe(402);
    expect(refused.type).toContain("application/problem+json");
    expect(refused.body).toMatchObject({
      type: "/problems/limit-exceeded",
      code: "LIMIT_EXCEEDED",
      messageKey: "plan-limit",
      limit: 1,
      used: 1,
      resource: "restaurants",
      planId: "trial",
      upgrade: true,
    });
    expect(refused.body.detail).toBe(
      "The Trial plan allows 1 restaurant and 1 is in use. Upgrade the plan on the billing page to add more.",
    );
    expect(await activeCount(world, "restaurant")).toBe(1);
  });

  it("count only open ones: closing a restaurant frees its slot, reopening one needs a free slot", async () => {
    const world = await buildWorld(test);
    expect(
      (await send(world, "owner", "PATCH", `/api/v1/restaurants/${world.restaurantId}`, { isActive: false })).status,
    ).toBe(200);
    expect((await newRestaurant(world, "New hall")).status).toBe(201);
    const reopened = await send(world, "owner", "PATCH", `/api/v1/restaurants/${world.restaurantId}`, {
      isActive: true,
    });
    expect(reopened).toMatchObject({ status: 402, body: { resource: "restaurants", limit: 1, used: 1 } });
  });

  it("created in parallel never exceed the plan", async () => {
    const world = await buildWorld(test);
    await onPlan(world, "business");
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => newRestaurant(world, `Hall ${n}`)));
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([...Array(4).fill(201), ...Array(6).fill(402)]);
    expect(await activeCount(world, "restaurant")).toBe(5);
  });
});

describe("staff", () => {
  it("stop at the plan's limit for invitations and for switching someone back on", async () => {
    const world = await buildWorld(test);
    // Four staff in the world; the trial allows five.
    const fifth = await invite(world, "Fifth");
    expect(fifth.status).toBe(201);
    const sixth = await invite(world, "Sixth");
    expect(sixth).toMatchObject({
      status: 402,
      body: { code: "LIMIT_EXCEEDED", messageKey: "plan-limit", resource: "staff", limit: 5, used: 5, planId: "trial" },
    });
    const fifthId = (fifth.body as { staff: { id: string } }).staff.id;
    expect((await send(world, "owner", "PATCH", `/api/v1/staff/${fifthId}`, { isActive: false })).status).toBe(200);
    expect((await invite(world, "Sixth")).status).toBe(201);
    const back = await send(world, "owner", "PATCH", `/api/v1/staff/${fifthId}`, { isActive: true });
    expect(back).toMatchObject({ status: 402, body: { resource: "staff" } });
    expect(await activeCount(world, "staffUser")).toBe(5);
  });

  it("invited in parallel never exceed the plan", async () => {
    const world = await buildWorld(test);
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => invite(world, `Parallel ${n}`)));
    expect(results.map((result) => result.status).sort()).toEqual([201, 402, 402, 402, 402, 402]);
    expect(await activeCount(world, "staffUser")).toBe(5);
  });
});

describe("an unlimited plan", () => {
  it("never refuses restaurants or staff", async () => {
    const world = await buildWorld(test);
    await onPlan(world, "chain");
    for (let n = 0; n < 6; n++) expect((await newRestaurant(world, `Hall ${n}`)).status).toBe(201);
    for (let n = 0; n < 6; n++) expect((await invite(world, `Member ${n}`)).status).toBe(201);
    expect(await activeCount(world, "restaurant")).toBe(7);
    expect(await activeCount(world, "staffUser")).toBe(10);
  });
});

describe("guests", () => {
  it("are registered at their first visit however full the plan is, and earn while the tenant pays", async () => {
    const world = await buildWorld(test);
    await onPlan(world, "trial", "past_due");
    await seedGuests(world, 500);
    const late = await guestFromMiniApp(world);
    expect(late.status).toBe(200);
    expect((await accrue(world, late.guestId)).status).toBe(201);
  });

  it("beyond the limit of a restricted tenant cannot earn, while those within can, and everyone can spend", async () => {
    const world = await buildWorld(test);
    const early = await guestFromMiniApp(world);
    await seedGuests(world, 499);
    const late = await guestFromMiniApp(world);
    // Points the late guest had before the restriction are theirs.
    const given = await test.app.request(
      `/api/v1/guests/${late.guestId}/adjustments`,
      json({ points: 300, reason: "goodwill" }, { Authorization: `Bearer ${await world.tokenFor("owner")}`, ...key() }),
    );
    expect(given.status).toBe(201);
    await onPlan(world, "trial", "restricted");

    expect(late.status).toBe(200);
    const refused = await accrue(world, late.guestId);
    expect(refused).toMatchObject({
      status: 402,
      body: {
        code: "LIMIT_EXCEEDED",
        messageKey: "error-plan-guest-limit",
        resource: "guests",
        limit: 500,
        planId: "trial",
        upgrade: true,
      },
    });
    expect(refused.body.detail).toMatch(/beyond the 500 guests of the Trial plan.*balance can still be spent/);
    expect((await accrue(world, early.guestId)).status).toBe(201);

    const spent = await till(world, "/api/v1/till/redemptions", {
      guestId: late.guestId,
      amountMinor: 100_000,
      currency: "RUB",
      points: 100,
    });
    expect(spent).toMatchObject({ status: 201, body: { redeemed: 100 } });
    // A guest who arrives now is still registered.
    expect((await guestFromMiniApp(world)).status).toBe(200);
  });

  it("of a restricted tenant on an unlimited plan all earn", async () => {
    const world = await buildWorld(test);
    await onPlan(world, "chain", "restricted");
    await seedGuests(world, 600);
    const late = await guestFromMiniApp(world);
    expect((await accrue(world, late.guestId)).status).toBe(201);
  });
});

describe("bonuses", () => {
  it("of a restricted tenant go only to guests within the plan: welcome, birthday and attendance alike", async () => {
    const world = await buildWorld(test);
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    const early = await guestFromMiniApp(world);
    await seedGuests(world, 499);
    const late = await guestFromMiniApp(world);
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    await test.db.withTenant(world.tenantId, async (tx) => {
      await tx.loyaltyProgram.update({
        where: { tenantId: world.tenantId },
        data: { welcomeBonusPoints: 100, birthdayBonusPoints: 200, birthdayDaysBefore: 3, birthdayDaysAfter: 3 },
      });
      for (const [n, guest] of [early, late].entries()) {
        await tx.guest.update({
          where: { tenantId_id: { tenantId: world.tenantId, id: guest.guestId } },
          data: {
            firstName: `Guest ${n}`,
            phone: `+7999${String(telegramSerial).padStart(7, "0")}${n}`,
            consentAt: new Date(),
            birthday: today,
          },
        });
      }
    });
    await onPlan(world, "trial", "restricted");
    const balance = async (guestId: string) =>
      test.db.withTenant(
        world.tenantId,
        async (tx) =>
          (await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: world.tenantId, id: guestId } } }))
            .balance,
      );

    // welcome: the guest beyond the plan is registered all the same, without the bonus
    const lateWelcome = await completeRegistration(engine, world.tenantId, late.guestId);
    expect(lateWelcome).toMatchObject({ welcomeBonus: 0, profile: { registered: true } });
    expect((await completeRegistration(engine, world.tenantId, early.guestId)).welcomeBonus).toBe(100);

    // birthday: only the guest within the plan
    expect(await grantBirthdayBonuses(engine, world.tenantId)).toBe(1);
    expect(await balance(early.guestId)).toBe(300);
    expect(await balance(late.guestId)).toBe(0);

    // attendance: checked in, and the cashier is told why the bonus was not credited
    const manager = { Authorization: `Bearer ${await world.tokenFor("manager")}` };
    const created = await test.app.request(
      "/api/v1/events",
      json(
        {
          title: "Tasting",
          startsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
          endsAt: new Date(Date.now() + 4 * 3_600_000).toISOString(),
          capacity: 10,
          attendanceBonusPoints: 50,
        },
        manager,
      ),
    );
    expect(created.status).toBe(201);
    const { id: eventId } = (await created.json()) as { id: string };
    const published = await test.app.request(`/api/v1/events/${eventId}/publish`, { method: "POST", headers: manager });
    expect(published.status).toBe(200);
    const register = async (telegramId: number) =>
      test.app.request(`/api/v1/me/events/${eventId}/registration`, {
        method: "POST",
        headers: {
          Authorization: `tma ${world.initData({ id: telegramId, first_name: "Guest" })}`,
          "X-Tenant": world.slug,
          ...key(),
        },
      });
    const checkIn = async (guestId: string) => {
      const response = await test.app.request(
        `/api/v1/events/${eventId}/check-in`,
        json({ guestId }, { Authorization: `Bearer ${await world.tokenFor("cashier")}` }),
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    for (const guest of [early, late]) {
      const telegramId = await test.db.withTenant(world.tenantId, async (tx) =>
        Number(
          (
            await tx.guest.findUniqueOrThrow({
              where: { tenantId_id: { tenantId: world.tenantId, id: guest.guestId } },
            })
          ).telegramUserId,
        ),
      );
      expect((await register(telegramId)).status).toBe(200);
    }
    expect(await checkIn(late.guestId)).toMatchObject({
      status: 200,
      body: { bonusPoints: 0, bonusWithheld: 50, balance: null },
    });
    expect(await balance(late.guestId)).toBe(0);
    expect(await checkIn(early.guestId)).toMatchObject({
      status: 200,
      body: { bonusPoints: 50, bonusWithheld: 0, balance: 350 },
    });

    // Once the business has paid, checking the guest in again credits the bonus withheld at the door.
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.subscription.update({
        where: { tenantId: world.tenantId },
        data: { status: "active", currentPeriodEnd: new Date(Date.now() + 20 * 86_400_000), graceUntil: null },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, GATE_TTL_MS + 100)); // the API's cached gate lapses
    expect(await checkIn(late.guestId)).toMatchObject({
      status: 200,
      body: { bonusPoints: 50, bonusWithheld: 0, balance: 50 },
    });
    expect(await checkIn(late.guestId)).toMatchObject({ status: 200, body: { bonusPoints: 50, balance: 50 } });
    expect(await balance(late.guestId)).toBe(50);
  });
});

describe("broadcasts", () => {
  // No broadcasts exist yet; the campaigns issue calls this before sending one.
  it("are allowed up to the plan's monthly number, and without end on an unlimited plan", async () => {
    const trial = await buildWorld(test);
    const check = (world: World, sentThisMonth: number) =>
      test.db.withTenant(world.tenantId, (tx) => assertBroadcastAllowed(tx, { sentThisMonth }));
    await expect(check(trial, 1)).resolves.toBeUndefined();
    const refused = await check(trial, 2).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({
      code: "LIMIT_EXCEEDED",
      key: "plan-limit",
      details: { resource: "broadcasts", limit: 2, used: 2, planId: "trial", upgrade: true },
    });
    const chain = await buildWorld(test);
    await onPlan(chain, "chain");
    await expect(check(chain, 10_000)).resolves.toBeUndefined();
  });
});

describe("tenants", () => {
  it("have their own limits: another business's restaurants and staff do not count", async () => {
    const [full, empty] = await Promise.all([buildWorld(test), buildWorld(test)]);
    await onPlan(full, "chain");
    for (let n = 0; n < 3; n++) expect((await newRestaurant(full, `Hall ${n}`)).status).toBe(201);
    expect((await invite(empty, "Fifth")).status).toBe(201);
    expect(await newRestaurant(empty, "Second")).toMatchObject({ status: 402, body: { used: 1 } });
  });
});
