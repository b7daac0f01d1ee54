// The dashboard's figures for the local days the rollups hold (up to `rolledThrough`, see
// roll-up.ts); the raw queries in queries.ts add the days after it. Why the split is exact:
// - sums (checks, amounts, points) are additive, and every raw row belongs to exactly one local
//   day, so a bucket's sum is the sum of its rolled days plus the raw rows after the watermark;
// - distinct guests are not additive: a guest's visit days in a calendar year are a bitmap
//   (guest_visit_years), so "a sale in this range" is (days & mask) <> 0 for the range's mask,
//   and "two or more sales" is bit_count(days & mask) >= 2 or a day in the range with two
//   (multi & mask). Per guest, score = bit_count(days & mask) + (multi & mask <> 0) is 0 for no
//   sale, 1 for exactly one, 2 or more for two or more; adding the raw part's sale count per guest
//   keeps that true across the watermark and across years, so the union is counted once;
// - a whole calendar day, week or month wholly rolled up has its distinct guests stored
//   (dashboard_active_guests), computed from the same checks.
// One restaurant reads the per-restaurant sums, and its distinct guests from the same bitmaps and
// stored counts kept per restaurant (a guest's sale checks there only). Several restaurants at
// once (a manager limited to some) stay on the raw query: two sales on one day at two of them
// are one bit in each restaurant's bitmap, and their union could not tell a repeat visit.
import type pg from "pg";
import type { Granularity } from "./period.ts";
import type { CheckPeriodRow } from "./queries.ts";

export interface RolledSumRow {
  bucket: number;
  checks: number;
  soldMinor: bigint;
  refundedMinor: bigint;
  issued: number;
  redeemed: number;
  expired: number;
}

// Rolled days from the previous period's first day to the watermark, bucketed by the local dates
// the buckets start (bucket 0: before the first, the previous period).
const ROLLED_SUMS = `
SELECT width_bucket(day, $2::date[]) AS bucket, sum(checks) AS checks, sum(sold_minor) AS sold,
       sum(refunded_minor) AS refunded, sum(points_issued) AS issued, sum(points_redeemed) AS redeemed,
       sum(points_expired) AS expired
  FROM dashboard_days
 WHERE tenant_id = $1 AND day >= $3::date AND day <= $4::date AND day < ($2::date[])[array_length($2::date[], 1)]
   AND ($5::uuid[] IS NULL OR restaurant_id = ANY($5::uuid[]))
 GROUP BY 1`;

export async function rolledSums(
  client: pg.PoolClient,
  input: {
    tenantId: string;
    edgeDates: string[];
    previousFrom: string;
    rolledThrough: string;
    restaurantIds: string[] | null;
  },
): Promise<RolledSumRow[]> {
  const result = await client.query<{
    bucket: number;
    checks: string;
    sold: string;
    refunded: string;
    issued: string;
    redeemed: string;
    expired: string;
  }>(ROLLED_SUMS, [input.tenantId, input.edgeDates, input.previousFrom, input.rolledThrough, input.restaurantIds]);
  return result.rows.map((row) => ({
    bucket: row.bucket,
    checks: Number(row.checks),
    soldMinor: BigInt(row.sold),
    refundedMinor: BigInt(row.refunded),
    issued: Number(row.issued),
    redeemed: Number(row.redeemed),
    expired: Number(row.expired),
  }));
}

// Distinct guests with a sale, and those with two or more, in groups of local days, the rolled
// part: one pass over the guests' bitmaps (one row per guest), a score column per group, where
// a group's days are the bits from its 1-based offset for its length (written into the statement:
// integers computed here, never input).
function rolledScores(groups: readonly RangeGroup[], perRestaurant: boolean): string {
  // A bucket needs only whether a guest had a sale; a period also whether they had two.
  const scores = groups.map((group, index) => {
    const days = `bit_count(substring(days FROM ${group.offset} FOR ${group.length}))`;
    const multi = `(bit_count(substring(multi FROM ${group.offset} FOR ${group.length})) > 0)::int`;
    return `${group.id <= 0 ? `${days} + ${multi}` : days} AS s${index}`;
  });
  const counts = groups.map(
    (_, index) =>
      `count(*) FILTER (WHERE s${index} >= 1) AS a${index}, count(*) FILTER (WHERE s${index} >= 2) AS r${index}`,
  );
  const rows = perRestaurant
    ? "guest_restaurant_visits WHERE tenant_id = $1 AND restaurant_id = $2"
    : "guest_visits WHERE tenant_id = $1";
  return `SELECT ${counts.join(", ")} FROM (SELECT ${scores.join(", ")} FROM ${rows}) AS x`;
}

// The part after the watermark ($5, time zone $6): each group's guests with sales there, and
// what they add to the rolled counts: active if they had no rolled sale, repeat if their rolled
// score and these sales reach two and the rolled score alone did not.
// Under row-level security the planner cannot use an index for a join condition that calls a
// function (AT TIME ZONE, greatest) on the checks' side, so the live bounds are computed per
// group first, materialised, and compared with plain operators.
// A restaurant's sales are counted from the same range scan, not filtered in it: with the
// restaurant in the scan's condition the planner read the restaurant's whole history (a fifth of
// the business's checks) and joined it by time, 0.25 s for a day of live rows.
const liveSales = (perRestaurant: boolean) =>
  perRestaurant ? "count(*) FILTER (WHERE c.restaurant_id = $9::uuid)" : "count(*)";

const liveAdditions = (perRestaurant: boolean) => `
WITH g AS MATERIALIZED (
  SELECT id, "offset", length,
         greatest(lo, $5::date + 1)::timestamp AT TIME ZONE $6 AS live_from,
         (hi + 1)::timestamp AT TIME ZONE $6 AS live_to
    FROM unnest($2::int[], $3::date[], $4::date[], $7::int[], $8::int[]) AS g (id, lo, hi, "offset", length)
),
live AS (
  SELECT g.id, g."offset", g.length, c.guest_id, ${liveSales(perRestaurant)} AS sales
    FROM g JOIN checks c
      ON c.tenant_id = $1 AND c.closed_at >= g.live_from AND c.closed_at < g.live_to
         -- Redundant with live_from, but made of parameters only: the planner then knows the
         -- scan covers a day or two. Without it, once other tenants' checks fill the same days,
         -- it guessed a fifth of the table and read every check of the business (0.3 s).
         AND c.closed_at >= ($5::date + 1)::timestamp AT TIME ZONE $6
   WHERE c.kind = 'sale' AND c.guest_id IS NOT NULL
   GROUP BY 1, 2, 3, 4${perRestaurant ? ` HAVING ${liveSales(true)} > 0` : ""}
)
-- one primary-key lookup per live guest (a join would read every guest's bitmap)
SELECT id, count(*) FILTER (WHERE score = 0) AS active, count(*) FILTER (WHERE score < 2 AND score + sales >= 2) AS repeaters
  FROM (
    SELECT l.id, l.sales,
           coalesce((SELECT bit_count(substring(v.days FROM l."offset" FOR l.length))
                            + (bit_count(substring(v.multi FROM l."offset" FOR l.length)) > 0)::int
                       FROM ${perRestaurant ? "guest_restaurant_visits" : "guest_visits"} v
                      WHERE v.tenant_id = $1 AND v.guest_id = l.guest_id${perRestaurant ? " AND v.restaurant_id = $9::uuid" : ""}),
                    0) AS score
      FROM live l
  ) AS scored
 GROUP BY id`;

interface RangeGroup {
  /** -1: the period, 0: the previous period, n: bucket n */
  id: number;
  lo: string;
  hi: string;
  /** the rolled days as bits of the bitmaps: 1-based offset, length (0: none) */
  offset: number;
  length: number;
}

const storedActive = (perRestaurant: boolean) => `
SELECT start::text AS start, guests FROM ${perRestaurant ? "dashboard_restaurant_active_guests" : "dashboard_active_guests"}
 WHERE tenant_id = $1 AND unit = $2::"DashboardUnit" AND start = ANY($3::date[])${perRestaurant ? " AND restaurant_id = $4::uuid" : ""}`;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

function dateOf(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

/** Whether [start, next) is one whole calendar unit of the granularity (the first may be partial). */
function wholeUnit(start: string, next: string, granularity: Granularity): boolean {
  if (granularity === "day") return true;
  if (granularity === "week") return dayNumber(next) - dayNumber(start) === 7;
  return start.endsWith("-01") && next.endsWith("-01");
}

export interface RolledActiveInput {
  tenantId: string;
  timeZone: string;
  granularity: Granularity;
  /** bucket edges as local dates: the buckets' first days, then the day after the period */
  edgeDates: string[];
  previous: { from: string; to: string };
  rolledThrough: string;
  epoch: string;
  /** null: all restaurants */
  restaurantId: string | null;
}

/** Distinct active guests per bucket and per period, all restaurants or one, with the rollups. */
export async function rolledActiveGuests(
  client: pg.PoolClient,
  input: RolledActiveInput,
): Promise<{ byBucket: Map<number, number>; periods: CheckPeriodRow[] }> {
  const rolledEnd = dayNumber(input.rolledThrough);
  const epoch = dayNumber(input.epoch);
  const stored: { bucket: number; start: string }[] = [];
  const ranges: { id: number; lo: string; hi: string }[] = [
    { id: -1, lo: input.edgeDates[0] ?? "", hi: dateOf(dayNumber(input.edgeDates.at(-1) ?? "") - 1) },
    { id: 0, lo: input.previous.from, hi: input.previous.to },
  ];
  for (let index = 0; index + 1 < input.edgeDates.length; index++) {
    const start = input.edgeDates[index] ?? "";
    const next = input.edgeDates[index + 1] ?? "";
    if (dayNumber(next) - 1 <= rolledEnd && wholeUnit(start, next, input.granularity)) {
      stored.push({ bucket: index + 1, start });
    } else {
      ranges.push({ id: index + 1, lo: start, hi: dateOf(dayNumber(next) - 1) });
    }
  }
  // No sale lies before the epoch (a late one moves it), so the rolled part starts there at the earliest.
  const groups: RangeGroup[] = ranges.map((range) => {
    const first = Math.max(dayNumber(range.lo), epoch);
    const last = Math.min(dayNumber(range.hi), rolledEnd);
    return { ...range, offset: first - epoch + 1, length: Math.max(0, last - first + 1) };
  });
  const one = input.restaurantId;
  const rolled = await client.query<Record<string, string>>(
    rolledScores(groups, one !== null),
    one === null ? [input.tenantId] : [input.tenantId, one],
  );
  const additions = await client.query<{ id: number; active: string; repeaters: string }>(liveAdditions(one !== null), [
    input.tenantId,
    groups.map((group) => group.id),
    groups.map((group) => group.lo),
    groups.map((group) => group.hi),
    input.rolledThrough,
    input.timeZone,
    groups.map((group) => group.offset),
    groups.map((group) => group.length),
    ...(one === null ? [] : [one]),
  ]);
  const counted = groups.map((group, index) => {
    const added = additions.rows.find((row) => row.id === group.id);
    return {
      id: group.id,
      guests: Number(rolled.rows[0]?.[`a${index}`] ?? 0) + Number(added?.active ?? 0),
      repeaters: Number(rolled.rows[0]?.[`r${index}`] ?? 0) + Number(added?.repeaters ?? 0),
    };
  });
  const byBucket = new Map<number, number>();
  const periods: CheckPeriodRow[] = [];
  for (const row of counted) {
    if (row.id <= 0) periods.push({ current: row.id === -1, activeGuests: row.guests, repeatGuests: row.repeaters });
    else byBucket.set(row.id, row.guests);
  }
  if (stored.length > 0) {
    const bucketOf = new Map(stored.map((unit) => [unit.start, unit.bucket]));
    const result = await client.query<{ start: string; guests: number }>(storedActive(one !== null), [
      input.tenantId,
      input.granularity,
      stored.map((unit) => unit.start),
      ...(one === null ? [] : [one]),
    ]);
    for (const row of result.rows) {
      const bucket = bucketOf.get(row.start);
      if (bucket !== undefined) byBucket.set(bucket, row.guests);
    }
  }
  return { byBucket, periods };
}
