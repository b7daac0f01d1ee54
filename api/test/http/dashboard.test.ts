// The admin dashboard's figures over a small, hand-built history whose every number is known:
// checks, refunds, bonuses, adjustments and expiry written by the engine's own verbs at chosen
// instants, in a business on Moscow time (UTC+3).
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import type { DashboardReport } from "../../src/core/dashboard/dashboard-report.ts";
import { cancelEvent } from "../../src/core/events/cancel-event.ts";
import { checkInGuest } from "../../src/core/events/check-in.ts";
import { createEvent } from "../../src/core/events/create-event.ts";
import { publishEvent } from "../../src/core/events/publish-event.ts";
import { registerForEvent } from "../../src/core/events/register-guest.ts";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { adjustPoints } from "../../src/core/loyalty/adjust-points.ts";
import { expireDueLots } from "../../src/core/loyalty/expire-lots.ts";
import { grantBonus } from "../../src/core/loyalty/grant-bonus.ts";
import { redeemPoints } from "../../src/core/loyalty/redeem-points.ts";
import { refundCheck } from "../../src/core/loyalty/refund-check.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

let test: TestApp;
let world: World;
let other: World;
let engine: EngineDeps;
const clock = { now: new Date() };
/** restaurant A is the world's "Main hall"; B is a second one */
let restaurantA: string;
const restaurantB = uuidv7();
const guests = { g1: uuidv7(), g2: uuidv7(), g3: uuidv7(), g4: uuidv7(), g5: uuidv7(), g6: uuidv7() };
let levels: { bronze: string; silver: string };

const at = (iso: string) => {
  clock.now = new Date(iso);
};
const key = () => `dashboard-${randomUUID()}`;

async function seedHistory(): Promise<void> {
  const tenantId = world.tenantId;
  const cashier: Actor = { source: "cashier", staffId: world.staff.cashier.id, role: "cashier" };
  const manager: Actor = { source: "admin", staffId: world.staff.manager.id, role: "manager" };
  await test.db.withTenant(tenantId, async (tx) => {
    await tx.restaurant.create({ data: { tenantId, id: restaurantB, name: "Terrace" } });
    const rows = await tx.level.findMany({ where: { tenantId }, orderBy: { rank: "asc" } });
    levels = { bronze: rows[0]?.id ?? "", silver: rows[1]?.id ?? "" };
    const guest = (id: string, registeredAt: string | null, signup: string | null, levelId = levels.bronze) => ({
      tenantId,
      id,
      firstName: "Guest",
      levelId,
      registeredAt: registeredAt ? new Date(registeredAt) : null,
      signupRestaurantId: signup,
    });
    await tx.guest.createMany({
      data: [
        guest(guests.g1, "2026-09-25T09:00:00Z", restaurantA),
        // 00:10 on 2 October in Moscow, still 1 October in UTC
        guest(guests.g2, "2026-10-01T21:10:00Z", restaurantA),
        guest(guests.g3, "2026-10-03T09:00:00Z", restaurantB),
        guest(guests.g4, "2025-09-01T09:00:00Z", null),
        // opened the bot and never finished onboarding: not a registered guest
        guest(guests.g5, null, restaurantA),
        guest(guests.g6, "2026-07-01T09:00:00Z", restaurantA, levels.silver),
      ],
    });
  });
  const accrue = (guestId: string, amountMinor: bigint, restaurantId: string) =>
    accruePoints(engine, {
      tenantId,
      actor: cashier,
      idempotencyKey: key(),
      input: { guestId, amountMinor, currency: "RUB", restaurantId },
    });

  // A year ago: 50 points for g4 that expire at the start of 2 October 2026, Moscow time.
  at("2025-10-01T09:00:00Z");
  await accrue(guests.g4, 100_000n, restaurantA);
  // The previous period (24-30 September): one check.
  at("2026-09-26T09:00:00Z");
  await accrue(guests.g1, 100_000n, restaurantA); // +50
  // 23:30 on 1 October in Moscow, and 00:30 on 2 October (still 1 October in UTC).
  at("2026-10-01T20:30:00Z");
  await accrue(guests.g1, 200_000n, restaurantA); // +100
  at("2026-10-01T21:30:00Z");
  await accrue(guests.g2, 300_000n, restaurantA); // +150
  at("2026-10-03T09:00:00Z");
  const toRefund = await accrue(guests.g1, 100_000n, restaurantB); // +50
  await grantBonus(engine, { tenantId, guestId: guests.g3, points: 100, reason: "welcome", idempotencyKey: key() });
  // 30 points off a 1 000 ₽ check; the 970 ₽ paid earn 48.
  at("2026-10-04T09:00:00Z");
  await redeemPoints(engine, {
    tenantId,
    actor: cashier,
    idempotencyKey: key(),
    input: { guestId: guests.g3, amountMinor: 100_000n, currency: "RUB", restaurantId: restaurantB, points: 30 },
  });
  at("2026-10-05T09:00:00Z");
  await refundCheck(engine, {
    tenantId,
    actor: manager,
    idempotencyKey: key(),
    input: { checkId: toRefund.result.checkId ?? "" },
  });
  at("2026-10-06T09:00:00Z");
  await adjustPoints(engine, {
    tenantId,
    actor: manager,
    idempotencyKey: key(),
    input: { guestId: guests.g4, points: 20, reason: "a complaint" },
  });
  await adjustPoints(engine, {
    tenantId,
    actor: manager,
    idempotencyKey: key(),
    input: { guestId: guests.g2, points: -10, reason: "double credit" },
  });
  expect((await expireDueLots(engine, tenantId)).points).toBe(50);
}

/**
 * Events around the week of 1-7 October (Moscow): free and without a bonus, so they move no
 * points. The Main hall's evening on 1 October has two guests checked in, one of them at 00:30 on
 * 8 October Moscow time (still 7 October in UTC), outside the week; the Terrace's evening was in
 * the previous week; a business-wide evening on 3 October belongs to no restaurant; a cancelled
 * and a draft event in the week never took place.
 */
async function seedEvents(): Promise<void> {
  const tenantId = world.tenantId;
  const owner = { source: "admin" as const, staffId: world.staff.owner.id, role: "owner" as const };
  const cashier = { source: "cashier" as const, staffId: world.staff.cashier.id, role: "cashier" as const };
  at("2026-09-20T09:00:00Z");
  const event = async (restaurantId: string | null, startsAt: string, status: "draft" | "published" | "cancelled") => {
    const start = new Date(startsAt);
    const created = await createEvent(engine, {
      tenantId,
      actor: owner,
      input: {
        title: `Evening ${startsAt}`,
        description: "",
        restaurantId,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        capacity: 10,
        minLevelId: null,
        pricePoints: 0,
        attendanceBonusPoints: 0,
        registrationDeadline: null,
      },
    });
    if (status !== "draft") await publishEvent(engine, { tenantId, actor: owner, eventId: created.id });
    if (status === "cancelled") {
      await cancelEvent(engine, { tenantId, actor: owner, eventId: created.id, input: { reason: "the chef is ill" } });
    }
    return created.id;
  };
  // The Main hall's evening is the week's last (7 October), so g2, late, is checked in after
  // midnight within the door's 24 hours after the end.
  const hall = await event(restaurantA, "2026-10-07T16:00:00Z", "published");
  const terrace = await event(restaurantB, "2026-09-27T16:00:00Z", "published");
  const everywhere = await event(null, "2026-10-03T16:00:00Z", "published");
  await event(restaurantA, "2026-10-05T16:00:00Z", "cancelled");
  await event(restaurantA, "2026-10-06T16:00:00Z", "draft");
  const places: [string, string][] = [
    [hall, guests.g1],
    [hall, guests.g2],
    [terrace, guests.g3],
    [everywhere, guests.g4],
  ];
  for (const [eventId, guestId] of places) {
    await registerForEvent(engine, { tenantId, guestId, eventId, idempotencyKey: key() });
  }
  const checkIn = async (eventId: string, guestId: string, instant: string) => {
    at(instant);
    await checkInGuest(engine, { tenantId, actor: cashier, eventId, input: { guestId } });
  };
  await checkIn(terrace, guests.g3, "2026-09-27T16:10:00Z");
  await checkIn(hall, guests.g1, "2026-10-07T15:50:00Z");
  await checkIn(everywhere, guests.g4, "2026-10-03T16:05:00Z");
  await checkIn(hall, guests.g2, "2026-10-07T21:30:00Z");
}

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
  other = await buildWorld(test);
  restaurantA = world.restaurantId;
  engine = createEngineDeps({
    db: test.db,
    redis: test.redis,
    clock: () => clock.now,
    settings: { redisPrefix: `test:${randomUUID()}` },
  });
  await seedHistory();
  await seedEvents();
  // Another business's check in the same days must never count here.
  const stranger = uuidv7();
  await test.db.withTenant(other.tenantId, (tx) =>
    tx.guest.create({
      data: { tenantId: other.tenantId, id: stranger, registeredAt: new Date("2026-10-02T09:00:00Z") },
    }),
  );
  at("2026-10-02T09:00:00Z");
  await accruePoints(engine, {
    tenantId: other.tenantId,
    actor: { source: "admin" },
    idempotencyKey: key(),
    input: { guestId: stranger, amountMinor: 5_000_000n, currency: "RUB", restaurantId: other.restaurantId },
  });
  // And their guest at their evening on 4 October.
  const theirOwner = { source: "admin" as const, staffId: other.staff.owner.id, role: "owner" as const };
  const evening = await createEvent(engine, {
    tenantId: other.tenantId,
    actor: theirOwner,
    input: {
      title: "Their evening",
      description: "",
      restaurantId: other.restaurantId,
      startsAt: "2026-10-04T16:00:00Z",
      endsAt: "2026-10-04T19:00:00Z",
      capacity: 10,
      minLevelId: null,
      pricePoints: 0,
      attendanceBonusPoints: 0,
      registrationDeadline: null,
    },
  });
  await publishEvent(engine, { tenantId: other.tenantId, actor: theirOwner, eventId: evening.id });
  await registerForEvent(engine, {
    tenantId: other.tenantId,
    guestId: stranger,
    eventId: evening.id,
    idempotencyKey: key(),
  });
  at("2026-10-04T16:10:00Z");
  await checkInGuest(engine, {
    tenantId: other.tenantId,
    actor: theirOwner,
    eventId: evening.id,
    input: { guestId: stranger },
  });
});
afterAll(() => test.close());

async function dashboard(query: string, role: "owner" | "admin" | "manager" | "cashier" = "owner", as = world) {
  const token = await as.tokenFor(role);
  return test.app.request(`/api/v1/dashboard?${query}`, { headers: { Authorization: `Bearer ${token}` } });
}

async function report(query: string, role: "owner" | "admin" | "manager" = "owner", as = world) {
  const response = await dashboard(query, role, as);
  expect(response.status).toBe(200);
  return (await response.json()) as DashboardReport;
}

const zeroDay = {
  newGuests: 0,
  activeGuests: 0,
  checks: 0,
  revenueMinor: "0",
  averageCheckMinor: "0",
  pointsIssued: 0,
  pointsRedeemed: 0,
  pointsExpired: 0,
};

describe("the dashboard", () => {
  it("adds up the week: guests, checks, revenue net of refunds, points by kind, liability and levels", async () => {
    const week = await report("from=2026-10-01&to=2026-10-07");
    expect(week.period).toEqual({
      from: "2026-10-01",
      to: "2026-10-07",
      timeZone: "Europe/Moscow",
      granularity: "day",
      currency: "RUB",
      restaurantIds: null,
      wholeBusinessOnly: [],
      previous: { from: "2026-09-24", to: "2026-09-30" },
    });
    expect(week.totals).toEqual({
      guestsTotal: 5,
      newGuests: 2,
      activeGuests: 3,
      repeatVisitRate: 1 / 3,
      checks: 4,
      averageCheckMinor: "175000",
      revenueMinor: "600000",
      // earned 100 + 150 + 50 + 48, the welcome bonus 100, the adjustment +20 (not the -10)
      pointsIssued: 468,
      pointsRedeemed: 30,
      pointsExpired: 50,
      // g1 150, g2 140, g3 118, g4 20
      liabilityPoints: 428,
      // g1 at the Main hall's evening and g4 at the business-wide one; g2 came after the week
      eventsAttended: 2,
      eventsHeld: 2,
    });
    expect(week.levels).toEqual([
      { levelId: levels.bronze, name: "Bronze", rank: 0, guests: 4 },
      { levelId: levels.silver, name: "Silver", rank: 1, guests: 1 },
    ]);
  });

  it("puts each day's figures in its Moscow day, a check at 00:30 local on the next day, and keeps empty days", async () => {
    const week = await report("from=2026-10-01&to=2026-10-07");
    expect(week.series).toEqual([
      {
        ...zeroDay,
        start: "2026-10-01",
        activeGuests: 1,
        checks: 1,
        revenueMinor: "200000",
        averageCheckMinor: "200000",
        pointsIssued: 100,
      },
      {
        ...zeroDay,
        start: "2026-10-02",
        newGuests: 1,
        activeGuests: 1,
        checks: 1,
        revenueMinor: "300000",
        averageCheckMinor: "300000",
        pointsIssued: 150,
      },
      {
        ...zeroDay,
        start: "2026-10-03",
        newGuests: 1,
        activeGuests: 1,
        checks: 1,
        revenueMinor: "100000",
        averageCheckMinor: "100000",
        pointsIssued: 150,
      },
      {
        ...zeroDay,
        start: "2026-10-04",
        activeGuests: 1,
        checks: 1,
        revenueMinor: "100000",
        averageCheckMinor: "100000",
        pointsIssued: 48,
        pointsRedeemed: 30,
      },
      { ...zeroDay, start: "2026-10-05", revenueMinor: "-100000" },
      { ...zeroDay, start: "2026-10-06", pointsIssued: 20, pointsExpired: 50 },
      { ...zeroDay, start: "2026-10-07" },
    ]);
  });

  it("compares with the previous period of the same length", async () => {
    const week = await report("from=2026-10-01&to=2026-10-07");
    expect(week.previous).toEqual({
      guestsTotal: 3,
      newGuests: 1,
      activeGuests: 1,
      repeatVisitRate: 0,
      checks: 1,
      averageCheckMinor: "100000",
      revenueMinor: "100000",
      pointsIssued: 50,
      pointsRedeemed: 0,
      pointsExpired: 0,
      liabilityPoints: null,
      eventsAttended: 1,
      eventsHeld: 1,
    });
  });

  it("answers zeros for a period with nothing in it", async () => {
    const empty = await report("from=2027-01-01&to=2027-01-03");
    expect(empty.series).toEqual([
      { ...zeroDay, start: "2027-01-01" },
      { ...zeroDay, start: "2027-01-02" },
      { ...zeroDay, start: "2027-01-03" },
    ]);
    expect(empty.totals).toMatchObject({
      newGuests: 0,
      activeGuests: 0,
      repeatVisitRate: 0,
      checks: 0,
      revenueMinor: "0",
    });
    expect(empty.totals.guestsTotal).toBe(5);
  });

  it("buckets by Monday weeks and calendar months, the first bucket starting at `from`", async () => {
    const weeks = await report("from=2026-09-24&to=2026-10-07&granularity=week");
    // 24 September 2026 is a Thursday.
    expect(weeks.series.map((bucket) => [bucket.start, bucket.checks, bucket.revenueMinor])).toEqual([
      ["2026-09-24", 1, "100000"],
      ["2026-09-28", 4, "700000"],
      ["2026-10-05", 0, "-100000"],
    ]);
    const months = await report("from=2026-07-15&to=2026-12-31");
    expect(months.period.granularity).toBe("week");
    const byMonth = await report("from=2026-09-15&to=2026-10-31&granularity=month");
    expect(byMonth.series.map((bucket) => [bucket.start, bucket.checks, bucket.newGuests])).toEqual([
      ["2026-09-15", 1, 1],
      ["2026-10-01", 4, 2],
    ]);
    expect((await report("from=2024-01-01&to=2026-10-31")).period.granularity).toBe("month");
  });

  it("for one restaurant counts its checks, the points on them, and the guests who signed up there", async () => {
    const terrace = await report(`from=2026-10-01&to=2026-10-07&restaurantId=${restaurantB}`);
    expect(terrace.period.restaurantIds).toEqual([restaurantB]);
    expect(terrace.period.wholeBusinessOnly).toEqual(["pointsExpired", "liabilityPoints", "levels"]);
    expect(terrace.totals).toEqual({
      guestsTotal: 1,
      newGuests: 1,
      activeGuests: 2,
      repeatVisitRate: 0,
      checks: 2,
      averageCheckMinor: "100000",
      revenueMinor: "100000",
      // earned on its checks 50 + 48, and g3's welcome bonus (g3 signed up here)
      pointsIssued: 198,
      pointsRedeemed: 30,
      // expiry, balances and levels are the whole business's: not shown as the Terrace's
      pointsExpired: null,
      liabilityPoints: null,
      // the Terrace's evening was the week before
      eventsAttended: 0,
      eventsHeld: 0,
    });
    expect(terrace.previous).toMatchObject({ eventsAttended: 1, eventsHeld: 1, pointsExpired: null });
    expect(terrace.series.every((bucket) => bucket.pointsExpired === null)).toBe(true);
    expect(terrace.levels).toBeNull();
    const hall = await report(`from=2026-10-01&to=2026-10-07&restaurantId=${restaurantA}`);
    expect(hall.totals).toMatchObject({
      guestsTotal: 3,
      newGuests: 1,
      checks: 2,
      revenueMinor: "500000",
      pointsIssued: 250,
    });
    expect(hall.previous).toMatchObject({ guestsTotal: 2, checks: 1, pointsIssued: 50 });
  });

  it("counts guests checked in at events by the moment of check-in, and events that took place", async () => {
    const week = await report("from=2026-10-01&to=2026-10-07");
    expect(week.totals).toMatchObject({ eventsAttended: 2, eventsHeld: 2 });
    expect(week.previous).toMatchObject({ eventsAttended: 1, eventsHeld: 1 });
    // g2's check-in at 00:30 on 8 October, Moscow time, belongs to the next day.
    const nextDay = await report("from=2026-10-08&to=2026-10-08");
    expect(nextDay.totals).toMatchObject({ eventsAttended: 1, eventsHeld: 0 });
    // The Main hall: its own evening only; the business-wide one belongs to no restaurant.
    const hall = await report(`from=2026-10-01&to=2026-10-07&restaurantId=${restaurantA}`);
    expect(hall.totals).toMatchObject({ eventsAttended: 1, eventsHeld: 1 });
    expect(hall.previous).toMatchObject({ eventsAttended: 0, eventsHeld: 0 });
    const quiet = await report("from=2027-01-01&to=2027-01-03");
    expect(quiet.totals).toMatchObject({ eventsAttended: 0, eventsHeld: 0 });
    // Another business's evening that week counts for them only (the 2 above are ours).
    expect((await report("from=2026-10-01&to=2026-10-07", "owner", other)).totals).toMatchObject({
      eventsAttended: 1,
      eventsHeld: 1,
    });
  });

  it("shows a manager limited to one restaurant only that restaurant, and refuses another", async () => {
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffRestaurant.create({
        data: { tenantId: world.tenantId, staffId: world.staff.manager.id, restaurantId: restaurantA },
      }),
    );
    const own = await report("from=2026-10-01&to=2026-10-07", "manager");
    expect(own.period.restaurantIds).toEqual([restaurantA]);
    expect(own.totals).toMatchObject({ checks: 2, revenueMinor: "500000", guestsTotal: 3, eventsAttended: 1 });
    const refused = await dashboard(`from=2026-10-01&to=2026-10-07&restaurantId=${restaurantB}`, "manager");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    // An admin is never limited.
    expect((await report("from=2026-10-01&to=2026-10-07", "admin")).totals.checks).toBe(4);
  });

  it("is closed to cashiers", async () => {
    const response = await dashboard("from=2026-10-01&to=2026-10-07", "cashier");
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
  });

  it("names the field of a bad request", async () => {
    const cases: [string, string][] = [
      ["from=2026-10-07&to=2026-10-01", "to"],
      ["from=2026-02-30&to=2026-03-01", "from"],
      ["from=01.10.2026&to=2026-10-07", "from"],
      ["from=2026-10-01", "to"],
      ["from=2026-10-01&to=2026-10-07&restaurantId=main-hall", "restaurantId"],
      ["from=2026-10-01&to=2026-10-07&granularity=hour", "granularity"],
      ["from=2023-01-01&to=2026-10-07", "from"],
    ];
    for (const [query, field] of cases) {
      const response = await dashboard(query);
      expect(response.status, query).toBe(422);
      const body = (await response.json()) as { code: string; errors: { path: string }[] };
      expect(body.code, query).toBe("VALIDATION");
      expect(
        body.errors.map((error) => error.path),
        query,
      ).toContain(field);
    }
  });

  it("answers 404 for a restaurant the business does not have, another business's included", async () => {
    const response = await dashboard(`from=2026-10-01&to=2026-10-07&restaurantId=${other.restaurantId}`);
    expect(response.status).toBe(404);
  });

  it("never counts another business's data, and shows that business only its own", async () => {
    const theirs = await report("from=2026-10-01&to=2026-10-07", "owner", other);
    expect(theirs.totals).toMatchObject({
      guestsTotal: 1,
      checks: 1,
      revenueMinor: "5000000",
      pointsIssued: 2500,
      liabilityPoints: 2500,
    });
    // 50 000 ₽ in one check lifted their guest to Silver at once.
    expect(theirs.levels?.map((level) => level.guests)).toEqual([0, 1]);
  });
});
