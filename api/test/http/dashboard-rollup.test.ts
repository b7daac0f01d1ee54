// The dashboard's rollups: after the workers' rollup run the dashboard answers from them for
// the days up to the watermark (yesterday, Moscow time) and from the raw rows after it, and every
// answer must equal the one computed from the raw rows alone. The history crosses a new year in
// local time, has two checks on one day, a refund, bonuses, adjustments, expiry and checks
// without a restaurant's guest, in two restaurants.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import type { DashboardReport } from "../../src/core/dashboard/dashboard-report.ts";
import { rollUpDashboard } from "../../src/core/dashboard/roll-up.ts";
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
/** null: the real time (a check written now, as a POS sends it) */
const clock: { now: Date | null } = { now: null };
let restaurantA: string;
const restaurantB = uuidv7();
const guests = { g1: uuidv7(), g2: uuidv7(), g3: uuidv7(), g4: uuidv7() };
let firstCheckOfG1 = "";

const at = (iso: string | null) => {
  clock.now = iso === null ? null : new Date(iso);
};
const key = () => `rollup-${randomUUID()}`;
const moscowDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" });
const daysAgo = (days: number) => moscowDate.format(new Date(Date.now() - days * 86_400_000));

const cashier = (): Actor => ({ source: "cashier", staffId: world.staff.cashier.id, role: "cashier" });
const manager = (): Actor => ({ source: "admin", staffId: world.staff.manager.id, role: "manager" });

const accrue = (
  guestId: string,
  amountMinor: bigint,
  restaurantId: string,
  closedAt?: string,
  tenantId = world.tenantId,
) =>
  accruePoints(engine, {
    tenantId,
    actor: tenantId === world.tenantId ? cashier() : { source: "admin" },
    idempotencyKey: key(),
    input: {
      guestId,
      amountMinor,
      currency: "RUB",
      restaurantId,
      ...(closedAt ? { closedAt: new Date(closedAt) } : {}),
    },
  });

async function seedHistory(): Promise<void> {
  const tenantId = world.tenantId;
  await test.db.withTenant(tenantId, async (tx) => {
    await tx.restaurant.create({ data: { tenantId, id: restaurantB, name: "Terrace" } });
    const level = await tx.level.findFirstOrThrow({ where: { tenantId }, orderBy: { rank: "asc" } });
    const guest = (id: string, registeredAt: string, signup: string | null) => ({
      tenantId,
      id,
      firstName: "Guest",
      levelId: level.id,
      registeredAt: new Date(registeredAt),
      signupRestaurantId: signup,
    });
    await tx.guest.createMany({
      data: [
        guest(guests.g1, "2024-12-20T09:00:00Z", restaurantA),
        guest(guests.g2, "2025-12-31T21:30:00Z", restaurantA),
        guest(guests.g3, "2026-01-04T09:00:00Z", restaurantB),
        guest(guests.g4, "2024-12-01T09:00:00Z", null),
      ],
    });
  });
  // Points that expire a year later, on 5 January 2026.
  at("2025-01-05T09:00:00Z");
  await accrue(guests.g4, 100_000n, restaurantA);
  at("2025-12-30T09:00:00Z");
  firstCheckOfG1 = (await accrue(guests.g1, 100_000n, restaurantA)).result.checkId ?? "";
  // 23:30 on 31 December in Moscow, then 00:30 on 1 January (still 31 December in UTC).
  at("2025-12-31T20:30:00Z");
  await accrue(guests.g1, 200_000n, restaurantB);
  at("2025-12-31T21:30:00Z");
  await accrue(guests.g2, 300_000n, restaurantA);
  // Two checks of one guest on one day.
  at("2026-01-02T09:00:00Z");
  await accrue(guests.g2, 50_000n, restaurantA);
  at("2026-01-02T15:00:00Z");
  await accrue(guests.g2, 70_000n, restaurantB);
  at("2026-01-04T09:00:00Z");
  await grantBonus(engine, { tenantId, guestId: guests.g3, points: 100, reason: "welcome", idempotencyKey: key() });
  const toRefund = await accrue(guests.g3, 100_000n, restaurantB);
  at("2026-01-05T09:00:00Z");
  await redeemPoints(engine, {
    tenantId,
    actor: cashier(),
    idempotencyKey: key(),
    input: { guestId: guests.g3, amountMinor: 100_000n, currency: "RUB", restaurantId: restaurantB, points: 30 },
  });
  await refundCheck(engine, {
    tenantId,
    actor: manager(),
    idempotencyKey: key(),
    input: { checkId: toRefund.result.checkId ?? "" },
  });
  at("2026-01-06T09:00:00Z");
  await adjustPoints(engine, {
    tenantId,
    actor: manager(),
    idempotencyKey: key(),
    input: { guestId: guests.g4, points: 20, reason: "a complaint" },
  });
  await adjustPoints(engine, {
    tenantId,
    actor: manager(),
    idempotencyKey: key(),
    input: { guestId: guests.g1, points: -10, reason: "double credit" },
  });
  expect((await expireDueLots(engine, tenantId)).points).toBe(50);
  // A visit in the spring, and one a few days ago (rolled up, inside the last 30 days).
  at("2026-04-10T09:00:00Z");
  await accrue(guests.g1, 150_000n, restaurantB);
  at(null);
  await accrue(guests.g3, 80_000n, restaurantA, `${daysAgo(3)}T09:00:00Z`);
  at(null);
}

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
  other = await buildWorld(test);
  restaurantA = world.restaurantId;
  engine = createEngineDeps({
    db: test.db,
    redis: test.redis,
    clock: () => clock.now ?? new Date(),
    settings: { redisPrefix: `test:${randomUUID()}` },
  });
  await seedHistory();
  const stranger = uuidv7();
  await test.db.withTenant(other.tenantId, (tx) =>
    tx.guest.create({
      data: { tenantId: other.tenantId, id: stranger, registeredAt: new Date("2025-12-01T09:00:00Z") },
    }),
  );
  at("2026-01-02T09:00:00Z");
  await accrue(stranger, 5_000_000n, other.restaurantId, undefined, other.tenantId);
  at(null);
});
afterAll(() => test.close());

async function report(query: string, as = world): Promise<DashboardReport> {
  const token = await as.tokenFor("owner");
  const response = await test.app.request(`/api/v1/dashboard?${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as DashboardReport;
}

// Days, weeks (the first one partial, one across the new year), months up to today, the last 30
// days (today is read raw), one restaurant, and periods whose previous period has no rollup.
const queries = () => [
  "from=2025-12-29&to=2026-01-11",
  "from=2025-12-03&to=2026-02-28&granularity=week",
  `from=2025-06-01&to=${daysAgo(0)}&granularity=month`,
  `from=${daysAgo(29)}&to=${daysAgo(0)}`,
  `from=${daysAgo(400)}&to=${daysAgo(0)}`,
  "from=2026-01-01&to=2026-01-02",
  `from=2025-12-29&to=2026-01-11&restaurantId=${restaurantB}`,
  `from=2025-12-03&to=2026-02-28&granularity=week&restaurantId=${restaurantA}`,
  `from=${daysAgo(29)}&to=${daysAgo(0)}&restaurantId=${restaurantA}`,
];

const reports = async () => Promise.all(queries().map((query) => report(query)));

/** The answers from the raw rows alone: without a watermark nothing is read from the rollups. */
async function rawAnswers(): Promise<DashboardReport[]> {
  await test.db.withTenant(world.tenantId, (tx) => tx.dashboardRollup.deleteMany({}));
  const answers = await reports();
  await rollUpDashboard(engine, world.tenantId);
  return answers;
}

describe("the dashboard's rollups", () => {
  it("give the same answers as the raw rows, for every period, bucket and restaurant", async () => {
    const raw = await reports();
    const run = await rollUpDashboard(engine, world.tenantId);
    expect(run).toMatchObject({ rolledThrough: daysAgo(1), full: true });
    // from the first entry (5 January 2025) to yesterday
    expect(run.days).toBeGreaterThan(600);
    const rolled = await reports();
    expect(rolled).toEqual(raw);
    // the figures really are there: a week across the new year, two checks on 2 January
    const newYear = rolled[0];
    expect(newYear?.totals).toMatchObject({ checks: 7, activeGuests: 3, repeatVisitRate: 1, pointsExpired: 50 });
    expect(newYear?.series.find((day) => day.start === "2026-01-02")).toMatchObject({ checks: 2, activeGuests: 1 });
  });

  it("are what the dashboard reads for the days up to the watermark", async () => {
    const before = await report("from=2026-01-02&to=2026-01-02");
    const change = (delta: number) =>
      test.db.withTenant(world.tenantId, (tx) =>
        tx.dashboardDay.updateMany({
          where: { day: new Date("2026-01-02T00:00:00Z"), restaurantId: restaurantA },
          data: { soldMinor: { increment: delta } },
        }),
      );
    await change(1);
    try {
      const after = await report("from=2026-01-02&to=2026-01-02");
      expect(BigInt(after.totals.revenueMinor)).toBe(BigInt(before.totals.revenueMinor) + 1n);
    } finally {
      await change(-1);
    }
  });

  it("count a check written today at once, before any run: the days after the watermark are read raw", async () => {
    const query = `from=${daysAgo(0)}&to=${daysAgo(0)}`;
    const before = await report(query);
    const month = `from=${daysAgo(29)}&to=${daysAgo(0)}`;
    const monthBefore = await report(month);
    // g3 had one (rolled) check three days ago: with this one, raw, g3 becomes a repeat guest
    await accrue(guests.g4, 40_000n, restaurantA);
    await accrue(guests.g3, 30_000n, restaurantB);
    const after = await report(query);
    expect(after.totals.checks).toBe(before.totals.checks + 2);
    expect(after.totals.activeGuests).toBe(before.totals.activeGuests + 2);
    const monthAfter = await report(month);
    expect(monthBefore.totals).toMatchObject({ activeGuests: 1, repeatVisitRate: 0 });
    expect(monthAfter.totals).toMatchObject({ activeGuests: 2, repeatVisitRate: 0.5 });
    expect(await reports()).toEqual(await rawAnswers());
  });

  it("correct a rolled day on the next run when a late check or a refund with an old close time arrives", async () => {
    const week = "from=2025-12-29&to=2026-01-11";
    const before = await report(week);
    // Written now, closed in the rolled past: a POS that sends a check late, a refund with its
    // own close time.
    await accrue(guests.g4, 60_000n, restaurantB, "2026-01-03T10:00:00Z");
    await refundCheck(engine, {
      tenantId: world.tenantId,
      actor: manager(),
      idempotencyKey: key(),
      input: { checkId: firstCheckOfG1, closedAt: new Date("2026-01-07T10:00:00Z") },
    });
    const run = await rollUpDashboard(engine, world.tenantId);
    expect(run.full).toBe(false);
    // the two past days, and no more than today's margin of a day
    expect(run.days).toBeGreaterThanOrEqual(2);
    expect(run.days).toBeLessThanOrEqual(3);
    const after = await report(week);
    expect(after.totals.checks).toBe(before.totals.checks + 1);
    expect(after.totals.activeGuests).toBe(before.totals.activeGuests + 1);
    expect(BigInt(after.totals.revenueMinor)).toBe(BigInt(before.totals.revenueMinor) + 60_000n - 100_000n);
    expect(await reports()).toEqual(await rawAnswers());
  });

  it("move the watermark to yesterday and recompute nothing old on a run with nothing new", async () => {
    const rows = () =>
      test.db.withTenant(world.tenantId, async (tx) => ({
        days: await tx.dashboardDay.findMany({
          orderBy: [{ day: "asc" }, { restaurantId: "asc" }],
          omit: { id: true },
        }),
        visits: await tx.guestVisits.findMany({ orderBy: { guestId: "asc" } }),
        active: await tx.dashboardActiveGuests.findMany({ orderBy: [{ unit: "asc" }, { start: "asc" }] }),
        restaurantVisits: await tx.guestRestaurantVisits.findMany({
          orderBy: [{ restaurantId: "asc" }, { guestId: "asc" }],
        }),
        restaurantActive: await tx.dashboardRestaurantActiveGuests.findMany({
          orderBy: [{ restaurantId: "asc" }, { unit: "asc" }, { start: "asc" }],
        }),
        watermark: await tx.dashboardRollup.findUniqueOrThrow({ where: { tenantId: world.tenantId } }),
      }));
    const before = await rows();
    const run = await rollUpDashboard(engine, world.tenantId);
    // Not a full run: only the days of checks written within five minutes of the last run's start
    // (the late check, the refund, the seed's check of three days ago), perhaps yesterday too just
    // after midnight; recomputed, they come out the same.
    expect(run).toMatchObject({ full: false, rolledThrough: daysAgo(1) });
    expect(run.days).toBeLessThanOrEqual(4);
    const after = await rows();
    expect(after.days).toEqual(before.days);
    expect(after.visits).toEqual(before.visits);
    expect(after.active).toEqual(before.active);
    expect(before.restaurantVisits.length).toBeGreaterThan(0);
    expect(after.restaurantVisits).toEqual(before.restaurantVisits);
    expect(after.restaurantActive).toEqual(before.restaurantActive);
    expect(after.watermark.rolledThrough.toISOString().slice(0, 10)).toBe(daysAgo(1));
    expect(after.watermark.lastRunAt.getTime()).toBeGreaterThan(before.watermark.lastRunAt.getTime());
  });

  it("are ignored, then rebuilt, when the business changes its time zone", async () => {
    const setZone = (timeZone: string) =>
      test.db.withTenant(world.tenantId, (tx) =>
        tx.tenant.update({ where: { id: world.tenantId }, data: { timeZone } }),
      );
    await setZone("Asia/Vladivostok");
    try {
      // local days moved by seven hours: the old rollups would put checks on the wrong days
      const raw = await reports();
      expect(raw[0]?.period.timeZone).toBe("Asia/Vladivostok");
      const run = await rollUpDashboard(engine, world.tenantId);
      expect(run.full).toBe(true);
      expect(await reports()).toEqual(raw);
    } finally {
      await setZone("Europe/Moscow");
      await rollUpDashboard(engine, world.tenantId);
    }
  });

  it("start over from an earlier first day when a check older than the whole history arrives", async () => {
    // The bitmaps count days from the first day with data (5 January 2025): 1 December 2024 has no bit.
    await accrue(guests.g2, 90_000n, restaurantA, "2024-12-01T10:00:00Z");
    const run = await rollUpDashboard(engine, world.tenantId);
    expect(run.full).toBe(true);
    const query = "from=2024-12-01&to=2025-01-31&granularity=week";
    const rolled = await report(query);
    expect(rolled.totals).toMatchObject({ checks: 2, activeGuests: 2 });
    expect(await reports()).toEqual(await rawAnswers());
  });

  it("keep each business's rollups to itself", async () => {
    await rollUpDashboard(engine, other.tenantId);
    const theirs = await report("from=2025-12-29&to=2026-01-11", other);
    expect(theirs.totals).toMatchObject({ checks: 1, activeGuests: 1, revenueMinor: "5000000" });
    const ours = await report("from=2025-12-29&to=2026-01-11");
    expect(ours.totals.revenueMinor).not.toBe("5000000");
    // Through the application role, as the other business: none of this business's rows.
    const seen = await test.db.withTenant(other.tenantId, async (tx) => ({
      days: await tx.dashboardDay.count({ where: { tenantId: world.tenantId } }),
      visits: await tx.guestVisits.count({ where: { tenantId: world.tenantId } }),
      active: await tx.dashboardActiveGuests.count({ where: { tenantId: world.tenantId } }),
      watermarks: await tx.dashboardRollup.count({ where: { tenantId: world.tenantId } }),
      own: await tx.dashboardDay.count(),
    }));
    expect(seen).toEqual({ days: 0, visits: 0, active: 0, watermarks: 0, own: 1 });
  });
});
