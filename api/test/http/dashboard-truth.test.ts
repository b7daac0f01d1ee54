// Every dashboard figure against plain SQL over the raw tables. A seeded, varied three-month
// history in three restaurants (sales, late checks, redemptions, full and partial refunds,
// bonuses, adjustments both ways, expiry, events held, cancelled and attended, guests signed up
// through each restaurant and through none, one who never finished onboarding) is written by the
// engine's own verbs; then each report, for the whole business and for each restaurant, over a
// few periods, is compared figure by figure, bucket by bucket, with the answer of straightforward
// statements (local dates by AT TIME ZONE, no buckets, no rollups) read from the same rows. The
// reports are asked three ways: from the raw rows alone, from the rollups, and from rollups whose
// watermark lies inside the periods.
import { randomUUID } from "node:crypto";
import { isServiceError } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import type { DashboardReport } from "../../src/core/dashboard/dashboard-report.ts";
import { rollUpDashboard } from "../../src/core/dashboard/roll-up.ts";
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
let engine: EngineDeps;
const clock = { now: new Date("2026-07-01T00:00:00Z") };
let restaurants: string[] = [];
const guestIds = Array.from({ length: 30 }, () => uuidv7());

/** mulberry32: the same history on every run, so a failure can be replayed */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = random(20261207);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const key = () => `truth-${randomUUID()}`;
const HISTORY_START = Date.parse("2026-08-01T00:00:00Z");
const HISTORY_DAYS = 92;
const instant = () => new Date(HISTORY_START + Math.floor(rand() * HISTORY_DAYS * 86_400) * 1000);

interface Action {
  at: Date;
  run: () => Promise<unknown>;
}

const balanceOf = (guestId: string) =>
  test.db.withTenant(world.tenantId, async (tx) => {
    const guest = await tx.guest.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: world.tenantId, id: guestId } },
    });
    return guest.balance;
  });

async function seedGuests(): Promise<void> {
  const tenantId = world.tenantId;
  await test.db.withTenant(tenantId, async (tx) => {
    // Points live 30 days here, so expiry happens inside the history.
    await tx.loyaltyProgram.update({ where: { tenantId }, data: { pointsLifetimeDays: 30 } });
    for (const name of ["Terrace", "Bar"]) {
      const id = uuidv7();
      await tx.restaurant.create({ data: { tenantId, id, name } });
      restaurants.push(id);
    }
    const levels = await tx.level.findMany({ where: { tenantId }, orderBy: { rank: "asc" } });
    await tx.guest.createMany({
      data: guestIds.map((id, index) => ({
        tenantId,
        id,
        firstName: `Guest ${index}`,
        levelId: levels[index % levels.length]?.id ?? null,
        // every fifth never finished onboarding; the others joined before or during the history
        registeredAt:
          index % 5 === 4 ? null : new Date(HISTORY_START + (Math.floor(rand() * 120) - 30) * 86_400_000 + 3_600_000),
        // a restaurant each, or the bot's general link
        signupRestaurantId: index % 4 === 3 ? null : (restaurants[index % 3] ?? null),
      })),
    });
  });
}

function loyaltyActions(): Action[] {
  const tenantId = world.tenantId;
  const cashier: Actor = { source: "cashier", staffId: world.staff.cashier.id, role: "cashier" };
  const manager: Actor = { source: "admin", staffId: world.staff.manager.id, role: "manager" };
  const sales: { checkId: string; amountMinor: bigint; refunded: boolean }[] = [];
  const actions: Action[] = [];
  for (let n = 0; n < 150; n++) {
    const guestId = pick(guestIds);
    // one check in twelve from a till or POS that names no restaurant: the business's only
    const at = instant();
    const where = rand() < 1 / 12 ? {} : { restaurantId: pick(restaurants) };
    // A cashier must name a restaurant when the business has several (the till's scope); the
    // checks that name none come from the POS.
    const by: Actor = "restaurantId" in where ? cashier : { source: "pos" };
    const amountMinor = BigInt(50_000 + Math.floor(rand() * 40) * 10_000);
    const roll = rand();
    if (roll < 0.55) {
      // a sale; one in ten sent late by the POS, closed up to three days before it is written
      const late = rand() < 0.1 ? new Date(at.getTime() - Math.floor(rand() * 72) * 3_600_000) : null;
      actions.push({
        at,
        run: async () => {
          const outcome = await accruePoints(engine, {
            tenantId,
            actor: by,
            idempotencyKey: key(),
            input: { guestId, amountMinor, currency: "RUB", ...where, ...(late ? { closedAt: late } : {}) },
          });
          if (outcome.result.checkId) sales.push({ checkId: outcome.result.checkId, amountMinor, refunded: false });
        },
      });
    } else if (roll < 0.72) {
      actions.push({
        at,
        run: async () => {
          const points = Math.min(await balanceOf(guestId), 40);
          const input = { guestId, amountMinor, currency: "RUB", ...where };
          const outcome =
            points > 0
              ? await redeemPoints(engine, {
                  tenantId,
                  actor: by,
                  idempotencyKey: key(),
                  input: { ...input, points },
                })
              : await accruePoints(engine, { tenantId, actor: by, idempotencyKey: key(), input });
          if (outcome.result.checkId) sales.push({ checkId: outcome.result.checkId, amountMinor, refunded: false });
        },
      });
    } else if (roll < 0.8) {
      actions.push({
        at,
        run: async () => {
          const sale = sales.find((one) => !one.refunded && rand() < 0.5);
          if (!sale) return;
          sale.refunded = true;
          // every other refund is partial
          const partial = rand() < 0.5 ? { amountMinor: sale.amountMinor / 2n } : {};
          await refundCheck(engine, {
            tenantId,
            actor: manager,
            idempotencyKey: key(),
            input: { checkId: sale.checkId, ...partial },
          });
        },
      });
    } else if (roll < 0.88) {
      actions.push({
        at,
        run: () =>
          grantBonus(engine, {
            tenantId,
            guestId,
            points: 25 + Math.floor(rand() * 50),
            reason: "birthday",
            idempotencyKey: key(),
          }),
      });
    } else {
      actions.push({
        at,
        run: async () => {
          const take = rand() < 0.4 ? Math.min(await balanceOf(guestId), 15) : 0;
          await adjustPoints(engine, {
            tenantId,
            actor: manager,
            idempotencyKey: key(),
            input: { guestId, points: take > 0 ? -take : 30, reason: take > 0 ? "a double credit" : "a complaint" },
          });
        },
      });
    }
  }
  // The expiry sweep, every third day at 03:00 Moscow time.
  for (let day = 0; day < HISTORY_DAYS; day += 3) {
    actions.push({ at: new Date(HISTORY_START + day * 86_400_000), run: () => expireDueLots(engine, tenantId) });
  }
  return actions;
}

/**
 * Events in September and October: one per restaurant, one for the whole business, one cancelled;
 * some paid in points (a guest who cannot pay goes without), one with an attendance bonus.
 */
function eventActions(): Action[] {
  const tenantId = world.tenantId;
  const owner = { source: "admin" as const, staffId: world.staff.owner.id, role: "owner" as const };
  const cashier = { source: "cashier" as const, staffId: world.staff.cashier.id, role: "cashier" as const };
  const plans = [
    { restaurantId: restaurants[0] ?? null, startsAt: "2026-09-12T16:00:00Z", cancel: false, bonus: 20, price: 0 },
    { restaurantId: restaurants[1] ?? null, startsAt: "2026-09-30T20:30:00Z", cancel: false, bonus: 0, price: 15 },
    { restaurantId: null, startsAt: "2026-10-17T16:00:00Z", cancel: false, bonus: 0, price: 10 },
    { restaurantId: restaurants[2] ?? null, startsAt: "2026-10-03T16:00:00Z", cancel: false, bonus: 0, price: 0 },
    { restaurantId: restaurants[2] ?? null, startsAt: "2026-10-24T16:00:00Z", cancel: true, bonus: 0, price: 12 },
  ];
  const actions: Action[] = [];
  plans.forEach((plan, index) => {
    const eventId = { value: "" };
    const placed = new Set<string>();
    const start = new Date(plan.startsAt);
    // registered guests only: one who never finished onboarding cannot take a place
    const attendees = guestIds.filter((_, n) => n % 5 !== 4 && (n + index) % 3 === 0);
    actions.push({
      at: new Date("2026-08-20T09:00:00Z"),
      run: async () => {
        const created = await createEvent(engine, {
          tenantId,
          actor: owner,
          input: {
            title: `Evening ${index}`,
            description: "",
            restaurantId: plan.restaurantId,
            startsAt: start.toISOString(),
            endsAt: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
            capacity: 20,
            minLevelId: null,
            pricePoints: plan.price,
            attendanceBonusPoints: plan.bonus,
            registrationDeadline: null,
          },
        });
        eventId.value = created.id;
        await publishEvent(engine, { tenantId, actor: owner, eventId: created.id });
        for (const guestId of attendees) {
          try {
            await registerForEvent(engine, { tenantId, guestId, eventId: created.id, idempotencyKey: key() });
            placed.add(guestId);
          } catch (error) {
            if (!isServiceError(error) || error.key !== "error-event-not-enough-points") throw error;
          }
        }
      },
    });
    if (plan.cancel) {
      actions.push({
        at: new Date(start.getTime() - 86_400_000),
        run: () =>
          cancelEvent(engine, { tenantId, actor: owner, eventId: eventId.value, input: { reason: "no chef" } }),
      });
      return;
    }
    // Two of three come; one of them late, after local midnight at the evening that ends late.
    attendees.slice(0, Math.ceil((attendees.length * 2) / 3)).forEach((guestId, n) => {
      actions.push({
        at: new Date(start.getTime() + (n === 0 ? 4 * 3_600_000 : n * 600_000)),
        run: async () => {
          if (placed.has(guestId)) {
            await checkInGuest(engine, { tenantId, actor: cashier, eventId: eventId.value, input: { guestId } });
          }
        },
      });
    });
  });
  return actions;
}

// ---- the truth: plain statements over the raw tables -------------------------------------------

interface Truth {
  guestsTotal: number;
  newGuests: number;
  activeGuests: number;
  repeatVisitRate: number;
  checks: number;
  averageCheckMinor: string;
  revenueMinor: string;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number | null;
  liabilityPoints: number | null;
  eventsAttended: number;
  eventsHeld: number;
}

// $1 tenant, $2 first local day, $3 last local day, $4 restaurant or null (the whole business).
// A ledger entry's restaurant: for an event's place (its payment or return) or attendance bonus,
// found through the registration, the event's restaurant; otherwise its check's (none if the
// check has none); without a check, its guest's signup restaurant.
const TRUTH = `
WITH tz AS (SELECT time_zone AS zone FROM tenants WHERE id = $1),
sales AS (
  SELECT c.* FROM checks c, tz
   WHERE c.tenant_id = $1 AND (c.closed_at AT TIME ZONE tz.zone)::date BETWEEN $2::date AND $3::date
     AND ($4::uuid IS NULL OR c.restaurant_id = $4::uuid)
),
visits AS (SELECT guest_id, count(*) AS n FROM sales WHERE kind = 'sale' AND guest_id IS NOT NULL GROUP BY guest_id),
entries AS (
  SELECT l.kind, l.points FROM ledger_entries l
    JOIN guests g ON g.tenant_id = l.tenant_id AND g.id = l.guest_id
    JOIN loyalty_operations o ON o.tenant_id = l.tenant_id AND o.id = l.operation_id
    LEFT JOIN checks c ON c.tenant_id = l.tenant_id AND c.id = l.check_id
    LEFT JOIN LATERAL (
      SELECT e.restaurant_id FROM event_registrations r
        JOIN events e ON e.tenant_id = r.tenant_id AND e.id = r.event_id
       WHERE r.tenant_id = l.tenant_id
         AND (o.id IN (r.payment_operation_id, r.refund_operation_id) OR o.idempotency_key = 'event-attend:' || r.id)
    ) ev ON true, tz
   WHERE l.tenant_id = $1 AND (l.created_at AT TIME ZONE tz.zone)::date BETWEEN $2::date AND $3::date
     AND ($4::uuid IS NULL OR CASE WHEN ev.restaurant_id IS NOT NULL THEN ev.restaurant_id
                                   WHEN l.check_id IS NULL THEN g.signup_restaurant_id
                                   ELSE c.restaurant_id END = $4::uuid)
),
members AS (
  SELECT (g.registered_at AT TIME ZONE tz.zone)::date AS joined FROM guests g, tz
   WHERE g.tenant_id = $1 AND g.registered_at IS NOT NULL AND ($4::uuid IS NULL OR g.signup_restaurant_id = $4::uuid)
),
held AS (
  SELECT e.id, (e.starts_at AT TIME ZONE tz.zone)::date AS day FROM events e, tz
   WHERE e.tenant_id = $1 AND e.status IN ('published', 'finished') AND ($4::uuid IS NULL OR e.restaurant_id = $4::uuid)
)
SELECT
  (SELECT count(*) FROM members WHERE joined <= $3::date)::int AS "guestsTotal",
  (SELECT count(*) FROM members WHERE joined BETWEEN $2::date AND $3::date)::int AS "newGuests",
  (SELECT count(*) FROM visits)::int AS "activeGuests",
  coalesce((SELECT count(*) FILTER (WHERE n >= 2)::float8 / nullif(count(*), 0) FROM visits), 0) AS "repeatVisitRate",
  (SELECT count(*) FROM sales WHERE kind = 'sale')::int AS checks,
  coalesce((SELECT round(avg(amount_minor)) FROM sales WHERE kind = 'sale'), 0)::bigint::text AS "averageCheckMinor",
  (SELECT coalesce(sum(CASE kind WHEN 'sale' THEN amount_minor ELSE -amount_minor END), 0) FROM sales)::bigint::text
    AS "revenueMinor",
  (SELECT coalesce(sum(points), 0) FROM entries WHERE kind IN ('earn', 'bonus') OR (kind = 'adjust' AND points > 0))::int
    AS "pointsIssued",
  (SELECT coalesce(-sum(points), 0) FROM entries WHERE kind = 'redeem')::int AS "pointsRedeemed",
  CASE WHEN $4::uuid IS NULL THEN (SELECT coalesce(-sum(points), 0) FROM entries WHERE kind = 'expire')::int END
    AS "pointsExpired",
  CASE WHEN $4::uuid IS NULL THEN (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE tenant_id = $1)::int END
    AS "liabilityPoints",
  (SELECT count(*) FROM event_registrations r JOIN held e ON e.id = r.event_id, tz
    WHERE r.tenant_id = $1 AND (r.checked_in_at AT TIME ZONE tz.zone)::date BETWEEN $2::date AND $3::date)::int
    AS "eventsAttended",
  (SELECT count(*) FROM held WHERE day BETWEEN $2::date AND $3::date)::int AS "eventsHeld"`;

const LEVELS = `
SELECT l.id AS "levelId", l.name, l.rank, count(g.id)::int AS guests
  FROM levels l LEFT JOIN guests g ON g.tenant_id = l.tenant_id AND g.level_id = l.id AND g.registered_at IS NOT NULL
 WHERE l.tenant_id = $1 GROUP BY l.id, l.name, l.rank ORDER BY l.rank`;

const truth = (client: pg.PoolClient, from: string, to: string, restaurantId: string | null) =>
  client.query<Truth>(TRUTH, [world.tenantId, from, to, restaurantId]).then((result) => result.rows[0] as Truth);

const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The report the dashboard should give, every figure from the statements above. */
async function expected(report: DashboardReport, restaurantId: string | null): Promise<DashboardReport> {
  return test.db.withTenantClient(world.tenantId, async (client) => {
    const { period } = report;
    const totals = await truth(client, period.from, period.to, restaurantId);
    const previous = await truth(client, period.previous.from, period.previous.to, restaurantId);
    const edges = [...report.series.map((bucket) => bucket.start), period.to];
    const series = [];
    for (const [index, bucket] of report.series.entries()) {
      const last = index + 1 < report.series.length ? dayBefore(edges[index + 1] ?? "") : period.to;
      const one = await truth(client, bucket.start, last, restaurantId);
      series.push({
        start: bucket.start,
        newGuests: one.newGuests,
        activeGuests: one.activeGuests,
        checks: one.checks,
        revenueMinor: one.revenueMinor,
        averageCheckMinor: one.averageCheckMinor,
        pointsIssued: one.pointsIssued,
        pointsRedeemed: one.pointsRedeemed,
        pointsExpired: one.pointsExpired,
      });
    }
    const levels = (await client.query(LEVELS, [world.tenantId])).rows;
    return {
      period: {
        ...period,
        restaurantIds: restaurantId === null ? null : [restaurantId],
        wholeBusinessOnly:
          restaurantId === null ? [] : (["pointsExpired", "liabilityPoints", "levels"] as const).slice(),
      },
      totals,
      previous: { ...previous, liabilityPoints: null },
      series,
      levels: restaurantId === null ? levels : null,
    };
  });
}

async function report(query: string): Promise<DashboardReport> {
  const token = await world.tokenFor("owner");
  const response = await test.app.request(`/api/v1/dashboard?${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status, query).toBe(200);
  return (await response.json()) as DashboardReport;
}

// A month by day, the whole history by week (a partial first week), a fortnight across the
// month's end by month (two partial months).
const periods = [
  "from=2026-09-01&to=2026-09-30",
  "from=2026-08-01&to=2026-10-31",
  "from=2026-09-24&to=2026-10-08&granularity=month",
];

async function compareAll(how: string): Promise<void> {
  for (const restaurantId of [null, ...restaurants]) {
    for (const period of periods) {
      const query = restaurantId ? `${period}&restaurantId=${restaurantId}` : period;
      const answer = await report(query);
      expect(answer, `${how}: ${query}`).toEqual(await expected(answer, restaurantId));
    }
  }
}

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
  restaurants = [world.restaurantId];
  engine = createEngineDeps({
    db: test.db,
    redis: test.redis,
    clock: () => clock.now,
    settings: { redisPrefix: `test:${randomUUID()}` },
  });
  await seedGuests();
  const actions = [...loyaltyActions(), ...eventActions()].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const action of actions) {
    clock.now = action.at;
    await action.run();
  }
}, 120_000);
afterAll(() => test.close());

describe("the dashboard against plain SQL over the raw rows", () => {
  it("has a history varied enough to tell a wrong figure", async () => {
    const [september, whole] = await test.db.withTenantClient(world.tenantId, (client) =>
      Promise.all([truth(client, "2026-09-01", "2026-09-30", null), truth(client, "2026-08-01", "2026-10-31", null)]),
    );
    const counts = await test.db.withTenantClient(world.tenantId, async (client) => {
      const rows = await client.query<{ kind: string; n: number }>(
        `SELECT kind::text || CASE WHEN kind = 'adjust' AND points < 0 THEN '-' ELSE '' END AS kind, count(*)::int AS n
           FROM ledger_entries WHERE tenant_id = $1 GROUP BY 1`,
        [world.tenantId],
      );
      const refunds = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM checks WHERE tenant_id = $1 AND kind = 'refund'",
        [world.tenantId],
      );
      const nowhere = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM checks WHERE tenant_id = $1 AND restaurant_id IS NULL",
        [world.tenantId],
      );
      return {
        ...Object.fromEntries(rows.rows.map((row) => [row.kind, row.n])),
        refund: refunds.rows[0]?.n,
        nowhere: nowhere.rows[0]?.n,
      };
    });
    for (const kind of ["earn", "redeem", "bonus", "adjust", "adjust-", "expire", "reversal", "refund", "nowhere"]) {
      expect(counts[kind as keyof typeof counts], kind).toBeGreaterThan(0);
    }
    expect(september.activeGuests).toBeGreaterThan(5);
    expect(september.repeatVisitRate).toBeGreaterThan(0);
    expect(september.repeatVisitRate).toBeLessThan(1);
    expect(whole.eventsHeld).toBe(4);
    expect(whole.eventsAttended).toBeGreaterThan(4);
  });

  it("gives every figure right from the raw rows, before any rollup", async () => {
    await test.db.withTenant(world.tenantId, (tx) => tx.dashboardRollup.deleteMany({}));
    await compareAll("raw");
  });

  it("gives every figure right from the rollups", async () => {
    await rollUpDashboard(engine, world.tenantId);
    await compareAll("rolled");
  });

  it("gives every figure right with the watermark inside the periods: rolled days, then raw rows", async () => {
    await rollUpDashboard(engine, world.tenantId);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.dashboardRollup.update({
        where: { tenantId: world.tenantId },
        data: { rolledThrough: new Date("2026-09-17T00:00:00Z") },
      }),
    );
    await compareAll("watermark on 17 September");
  });
});
