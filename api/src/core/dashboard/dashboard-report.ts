// The admin dashboard: a period's guests, checks, revenue and points, bucketed for the charts,
// beside the previous period of the same length, computed by SQL aggregates in the database
// (see queries.ts for the statements and which restaurant each figure belongs to).
//
// Definitions (docs/admin-guide.md, "Dashboard figures"):
// - guestsTotal: guests registered by the end of the period; newGuests: registered within it.
//   For restaurants: the guests who signed up through them (a guest's restaurant for life).
// - activeGuests: guests with at least one sale check closed in the period (at the restaurants);
//   repeatVisitRate: the share of them with two or more.
// - checks: sale checks closed in the period; averageCheckMinor: their amounts' mean (before
//   points, refunds not deducted); revenueMinor: sale amounts minus refund amounts closed in the
//   period (so it can be negative for a short period full of refunds).
// - pointsIssued / pointsRedeemed: ledger entries written in the period; for restaurants, the
//   entries on their checks, and entries without a check (bonuses, adjustments) of the guests who
//   signed up there.
// - pointsExpired, liabilityPoints (the sum of balances now) and levels (registered guests by
//   their level now) belong to the whole business: points are spent at any restaurant and expire
//   at none. With a restaurant filter they are null and named in `period.wholeBusinessOnly`, so
//   a business-wide number is never shown as a restaurant's. The previous period has no
//   liability (a balance is a present fact).
// - eventsAttended: guests checked in at events in the period, by the moment of the check-in (a
//   guest at two events counts twice); eventsHeld: events (published or finished, not cancelled)
//   starting in the period. With a restaurant filter, that restaurant's events; an event for the
//   whole business belongs to no restaurant.
import { ServiceError } from "@maxl/shared";
import type { PoolClient } from "pg";
import { z } from "zod";
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope, restaurantsInScope } from "../staff/restaurant-scope.ts";
import { dashboardPeriod, type Granularity, granularities } from "./period.ts";
import {
  type ActiveGuests,
  activeGuests,
  type CheckSumRow,
  checkSums,
  eventFigures,
  guestFigures,
  type PeriodContext,
  type PointsBucketRow,
  periodContext,
  pointFigures,
  type QueryBounds,
} from "./queries.ts";
import { type RolledSumRow, rolledActiveGuests, rolledSums } from "./rolled-queries.ts";

/** Figures that are the whole business's by nature: with a restaurant filter they are null. */
export const wholeBusinessFigures = ["pointsExpired", "liabilityPoints", "levels"] as const;

/** Minor units as a decimal string, like every amount the API sends; revenue may be negative. */
const signedMinorSchema = z.string().regex(/^-?\d+$/);

const totalsSchema = z.object({
  guestsTotal: z.number().int(),
  newGuests: z.number().int(),
  activeGuests: z.number().int(),
  /** 0..1 */
  repeatVisitRate: z.number(),
  checks: z.number().int(),
  averageCheckMinor: signedMinorSchema,
  revenueMinor: signedMinorSchema,
  pointsIssued: z.number().int(),
  pointsRedeemed: z.number().int(),
  /** null with a restaurant filter: expiry belongs to no restaurant */
  pointsExpired: z.number().int().nullable(),
  /** outstanding points now; null for the previous period and with a restaurant filter */
  liabilityPoints: z.number().int().nullable(),
  /** guests checked in at events, by the moment of the check-in */
  eventsAttended: z.number().int(),
  /** events that took place (published or finished), by their start */
  eventsHeld: z.number().int(),
});

export const dashboardReportSchema = z.object({
  period: z.object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    granularity: z.enum(granularities),
    currency: z.string(),
    /** the restaurants the figures cover; null: the whole business */
    restaurantIds: z.array(z.string()).nullable(),
    /** the figures that exist for the whole business only, null in this report (empty: none) */
    wholeBusinessOnly: z.array(z.enum(wholeBusinessFigures)),
    previous: z.object({ from: z.string(), to: z.string() }),
  }),
  totals: totalsSchema,
  previous: totalsSchema,
  series: z.array(
    z.object({
      /** the bucket's first local day; the first bucket starts at `from` even mid-week or mid-month */
      start: z.string(),
      newGuests: z.number().int(),
      activeGuests: z.number().int(),
      checks: z.number().int(),
      revenueMinor: signedMinorSchema,
      averageCheckMinor: signedMinorSchema,
      pointsIssued: z.number().int(),
      pointsRedeemed: z.number().int(),
      pointsExpired: z.number().int().nullable(),
    }),
  ),
  /** null with a restaurant filter: a level is the guest's in the whole business */
  levels: z
    .array(
      z.object({
        levelId: z.string().nullable(),
        name: z.string().nullable(),
        rank: z.number().int().nullable(),
        guests: z.number().int(),
      }),
    )
    .nullable(),
});
export type DashboardReport = z.infer<typeof dashboardReportSchema>;

export interface DashboardRequest {
  tenantId: string;
  staff: { staffId: string; role: StaffRole };
  /** local dates, YYYY-MM-DD, both included */
  from: string;
  to: string;
  restaurantId?: string | undefined;
  granularity?: Granularity | undefined;
}

function averageMinor(sold: bigint, checks: number): bigint {
  if (checks === 0) return 0n;
  const count = BigInt(checks);
  return (sold * 2n + count) / (2n * count);
}

interface Sums {
  checks: number;
  sold: bigint;
  refunded: bigint;
  issued: number;
  redeemed: number;
  expired: number;
  newGuests: number;
}

const emptySums = (): Sums => ({ checks: 0, sold: 0n, refunded: 0n, issued: 0, redeemed: 0, expired: 0, newGuests: 0 });

const addSums = (a: Sums, b: Sums): Sums => ({
  checks: a.checks + b.checks,
  sold: a.sold + b.sold,
  refunded: a.refunded + b.refunded,
  issued: a.issued + b.issued,
  redeemed: a.redeemed + b.redeemed,
  expired: a.expired + b.expired,
  newGuests: a.newGuests + b.newGuests,
});

export async function dashboardReport(deps: EngineDeps, request: DashboardRequest): Promise<DashboardReport> {
  const period = dashboardPeriod(request);
  const scope = await restaurantScope(deps, { tenantId: request.tenantId, ...request.staff });
  const restaurantIds = restaurantsInScope(scope, request.restaurantId);

  return deps.db.withTenantClient(request.tenantId, async (client) => {
    const context: PeriodContext | null = await periodContext(
      client,
      request.tenantId,
      period.edges,
      period.previous.from,
      request.restaurantId ?? null,
    );
    if (!context) throw new Error("the tenant of a signed-in staff member is gone");
    if (!context.restaurantKnown)
      throw new ServiceError("NOT_FOUND", "There is no such restaurant in this business.", {
        key: "error-restaurant-unknown",
      });
    const end = context.edges.at(-1);
    if (!end) throw new Error("a period always has an end edge");
    const bounds = {
      tenantId: request.tenantId,
      edges: context.edges,
      previousStart: context.previousStart,
      end,
      restaurantIds,
    };
    // Grouping a year of checks by week and guest (the raw path, before any rollup) holds some
    // 300 000 groups: with the default 4 MB they spill to disk. And no JIT: the planner cannot
    // know how few rows the raw part after the watermark has, costs it as thousands, and compiling
    // took 0.3 s of a statement that runs in 2 ms. For this transaction only.
    await client.query("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off");
    // One connection, one statement after another: a dashboard request should not take several
    // of the pool's connections at once.
    const figures = await checkAndPointFigures(client, bounds, {
      tenantId: request.tenantId,
      timeZone: context.timeZone,
      granularity: period.granularity,
      edgeDates: period.edges,
      previous: period.previous,
      rolledThrough: context.rolledThrough,
      liveStart: context.liveStart,
      epoch: context.epoch,
    });
    const guests = await guestFigures(client, bounds);
    const events = await eventFigures(client, bounds);

    // Bucket 0 is the previous period; 1..n are the series.
    const buckets = period.edges.slice(0, -1).map(emptySums);
    const previous = emptySums();
    const at = (bucket: number) => (bucket === 0 ? previous : buckets[bucket - 1]);
    for (const row of figures.checks) {
      const sums = at(row.bucket);
      if (!sums) continue;
      sums.checks += row.checks;
      sums.sold += row.soldMinor;
      sums.refunded += row.refundedMinor;
    }
    for (const row of figures.points) {
      const sums = at(row.bucket);
      if (!sums) continue;
      sums.issued += row.issued;
      sums.redeemed += row.redeemed;
      sums.expired += row.expired;
    }
    for (const [bucket, count] of guests.newByBucket) {
      const sums = at(bucket);
      if (sums) sums.newGuests += count;
    }
    // Expiry, balances and levels are the whole business's (see the definitions above).
    const wholeBusiness = restaurantIds === null;
    const activeByBucket = figures.active.byBucket;
    const checks = figures.active;
    const current = buckets.reduce(addSums, emptySums());
    const periodRow = (isCurrent: boolean) => checks.periods.find((row) => row.current === isCurrent);
    const totals = (sums: Sums, isCurrent: boolean, guestsTotal: number, liabilityPoints: number | null) => {
      const which = isCurrent ? "current" : "previous";
      const active = periodRow(isCurrent);
      const activeGuests = active?.activeGuests ?? 0;
      return {
        guestsTotal,
        newGuests: sums.newGuests,
        activeGuests,
        repeatVisitRate: activeGuests === 0 ? 0 : (active?.repeatGuests ?? 0) / activeGuests,
        checks: sums.checks,
        averageCheckMinor: averageMinor(sums.sold, sums.checks).toString(),
        revenueMinor: (sums.sold - sums.refunded).toString(),
        pointsIssued: sums.issued,
        pointsRedeemed: sums.redeemed,
        pointsExpired: wholeBusiness ? sums.expired : null,
        liabilityPoints: wholeBusiness ? liabilityPoints : null,
        eventsAttended: events.attended[which],
        eventsHeld: events.held[which],
      };
    };

    const levels: DashboardReport["levels"] = context.levels.map((level) => ({
      levelId: level.id,
      name: level.name,
      rank: level.rank,
      guests: guests.byLevel.get(level.id) ?? 0,
    }));
    const withoutLevel = guests.byLevel.get(null) ?? 0;
    if (withoutLevel > 0) levels.push({ levelId: null, name: null, rank: null, guests: withoutLevel });

    return {
      period: {
        from: request.from,
        to: request.to,
        timeZone: context.timeZone,
        granularity: period.granularity,
        currency: context.currency,
        restaurantIds,
        wholeBusinessOnly: wholeBusiness ? [] : [...wholeBusinessFigures],
        previous: period.previous,
      },
      totals: totals(current, true, guests.totalAtEnd, guests.liabilityPoints),
      previous: totals(previous, false, guests.totalAtPreviousEnd, null),
      series: buckets.map((sums, index) => ({
        start: period.edges[index] ?? "",
        newGuests: sums.newGuests,
        activeGuests: activeByBucket.get(index + 1) ?? 0,
        checks: sums.checks,
        revenueMinor: (sums.sold - sums.refunded).toString(),
        averageCheckMinor: averageMinor(sums.sold, sums.checks).toString(),
        pointsIssued: sums.issued,
        pointsRedeemed: sums.redeemed,
        pointsExpired: wholeBusiness ? sums.expired : null,
      })),
      levels: wholeBusiness ? levels : null,
    };
  });
}

interface RollupInput {
  tenantId: string;
  timeZone: string;
  granularity: Granularity;
  edgeDates: string[];
  previous: { from: string; to: string };
  rolledThrough: string | null;
  liveStart: Date | null;
  epoch: string | null;
}

/**
 * Checks, money, points and active guests per bucket: from the rollups for the days up to their
 * watermark and from the raw rows after it (see rolled-queries.ts for why that is exact); all from
 * the raw rows when no rollup exists yet (or the watermark is before the previous period).
 */
async function checkAndPointFigures(
  client: PoolClient,
  bounds: QueryBounds,
  rollup: RollupInput,
): Promise<{ checks: CheckSumRow[]; points: PointsBucketRow[]; active: ActiveGuests }> {
  const { rolledThrough, liveStart, epoch } = rollup;
  if (rolledThrough === null || liveStart === null || epoch === null || rolledThrough < rollup.previous.from) {
    return {
      checks: await checkSums(client, bounds),
      points: await pointFigures(client, bounds),
      active: await activeGuests(client, bounds),
    };
  }
  const rolled: RolledSumRow[] = await rolledSums(client, {
    tenantId: rollup.tenantId,
    edgeDates: rollup.edgeDates,
    previousFrom: rollup.previous.from,
    rolledThrough,
    restaurantIds: bounds.restaurantIds,
  });
  // The raw rows from the first instant after the watermark; none when the period ended before.
  const live = { ...bounds, previousStart: new Date(Math.max(liveStart.getTime(), bounds.previousStart.getTime())) };
  const anyLive = live.previousStart < live.end;
  const checks: CheckSumRow[] = [...rolled, ...(anyLive ? await checkSums(client, live) : [])];
  const points: PointsBucketRow[] = [...rolled, ...(anyLive ? await pointFigures(client, live, { live: true }) : [])];
  // One restaurant has its own bitmaps; several at once (a limited manager) are read raw.
  const restaurants = bounds.restaurantIds;
  const active =
    restaurants === null || restaurants.length === 1
      ? await rolledActiveGuests(client, { ...rollup, rolledThrough, epoch, restaurantId: restaurants?.[0] ?? null })
      : await activeGuests(client, bounds);
  return { checks, points, active };
}
