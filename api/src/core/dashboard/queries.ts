// The dashboard's aggregates, each one SQL statement that returns a row per bucket rather than
// the rows themselves. Every statement bounds its table by a range on the column it is
// partitioned or indexed by (ledger_entries.created_at: monthly partitions; checks.closed_at:
// (tenant_id, closed_at)), from the previous period's start to the end of the asked one, and
// buckets with width_bucket() over precomputed edges (a binary search per row) instead of
// converting every timestamp to local time.
//
// Which restaurant a figure belongs to: a check's own restaurant; a ledger entry written with a
// check (earned, redeemed, returned on refund), that check's restaurant; anything not tied to a
// check (bonuses, adjustments, scheduled expiry) and the guests themselves (new, total, level,
// balance), the restaurant the guest signed up through. Guests who joined through the bot's
// general link belong to no restaurant, so restaurant figures need not add up to the business's.
import type pg from "pg";

export interface QueryBounds {
  tenantId: string;
  /** the instants the buckets start, then the instant the period ends */
  edges: Date[];
  previousStart: Date;
  end: Date;
  /** null: every restaurant */
  restaurantIds: string[] | null;
}

export interface PeriodContext {
  timeZone: string;
  currency: string;
  edges: Date[];
  previousStart: Date;
  restaurantKnown: boolean;
  levels: { id: string; name: string; rank: number }[];
  /** the last local day the rollups hold (null: none, or made in another time zone) */
  rolledThrough: string | null;
  /** the first instant after it: the raw rows are read from here on */
  liveStart: Date | null;
  /** the local day bit 0 of the visit bitmaps stands for */
  epoch: string | null;
}

/** The tenant's zone and currency, and the local dates' first instants as PostgreSQL sees them. */
export async function periodContext(
  client: pg.PoolClient,
  tenantId: string,
  edgeDates: string[],
  previousFrom: string,
  restaurantId: string | null,
): Promise<PeriodContext | null> {
  const result = await client.query<{
    time_zone: string;
    currency: string;
    edges: Date[];
    previous_start: Date;
    restaurant_known: boolean;
    levels: { id: string; name: string; rank: number }[];
    rolled_through: string | null;
    live_start: Date | null;
    epoch: string | null;
  }>(
    `SELECT t.time_zone, t.currency,
            array(SELECT d.day::timestamp AT TIME ZONE t.time_zone
                    FROM unnest($2::date[]) WITH ORDINALITY AS d(day, n) ORDER BY d.n) AS edges,
            $3::date::timestamp AT TIME ZONE t.time_zone AS previous_start,
            ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM restaurants r WHERE r.tenant_id = t.id AND r.id = $4::uuid))
              AS restaurant_known,
            coalesce((SELECT jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name, 'rank', l.rank) ORDER BY l.rank)
                        FROM levels l WHERE l.tenant_id = t.id), '[]') AS levels,
            r.rolled_through::text AS rolled_through, r.epoch::text AS epoch,
            (r.rolled_through + 1)::timestamp AT TIME ZONE t.time_zone AS live_start
       FROM tenants t
       LEFT JOIN dashboard_rollups r ON r.tenant_id = t.id AND r.time_zone = t.time_zone
      WHERE t.id = $1`,
    [tenantId, edgeDates, previousFrom, restaurantId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    timeZone: row.time_zone,
    currency: row.currency,
    edges: row.edges,
    previousStart: row.previous_start,
    restaurantKnown: row.restaurant_known,
    levels: row.levels,
    rolledThrough: row.rolled_through,
    liveStart: row.live_start,
    epoch: row.epoch,
  };
}

const params = (bounds: QueryBounds) => [
  bounds.tenantId,
  bounds.edges,
  bounds.previousStart,
  bounds.end,
  bounds.restaurantIds,
];

export interface CheckPeriodRow {
  current: boolean;
  activeGuests: number;
  repeatGuests: number;
}

// Money per bucket: a few dozen groups, so the bigint sums stay cheap.
const CHECK_SUMS = `
SELECT width_bucket(closed_at, $2::timestamptz[]) AS bucket,
       count(*) FILTER (WHERE kind = 'sale') AS checks,
       coalesce(sum(amount_minor) FILTER (WHERE kind = 'sale'), 0) AS sold,
       coalesce(sum(amount_minor) FILTER (WHERE kind = 'refund'), 0) AS refunded
  FROM checks
 WHERE tenant_id = $1 AND closed_at >= $3 AND closed_at < $4
   AND ($5::uuid[] IS NULL OR restaurant_id = ANY($5::uuid[]))
 GROUP BY 1`;

// Distinct guests per bucket and per period from one grouping by (bucket, guest) that carries a
// count and nothing else: a sum per group (numeric state) made this several times slower. The
// previous period is bucket 0 (width_bucket's "below the first edge").
const ACTIVE_GUESTS = `
WITH per_guest AS (
  SELECT width_bucket(closed_at, $2::timestamptz[]) AS bucket, guest_id, count(*) AS sales
    FROM checks
   WHERE tenant_id = $1 AND closed_at >= $3 AND closed_at < $4 AND kind = 'sale' AND guest_id IS NOT NULL
     AND ($5::uuid[] IS NULL OR restaurant_id = ANY($5::uuid[]))
   GROUP BY 1, 2
),
per_period AS (
  SELECT bucket > 0 AS current, guest_id, sum(sales) AS sales FROM per_guest GROUP BY 1, 2
)
SELECT bucket, NULL::boolean AS current, count(*) AS guests, 0::bigint AS repeaters FROM per_guest GROUP BY bucket
UNION ALL
SELECT NULL, current, count(*), count(*) FILTER (WHERE sales >= 2) FROM per_period GROUP BY current`;

export interface CheckSumRow {
  bucket: number;
  checks: number;
  soldMinor: bigint;
  refundedMinor: bigint;
}

export async function checkSums(client: pg.PoolClient, bounds: QueryBounds): Promise<CheckSumRow[]> {
  const sums = await client.query<{ bucket: number; checks: string; sold: string; refunded: string }>(
    CHECK_SUMS,
    params(bounds),
  );
  return sums.rows.map((row) => ({
    bucket: row.bucket,
    checks: Number(row.checks),
    soldMinor: BigInt(row.sold),
    refundedMinor: BigInt(row.refunded),
  }));
}

export interface ActiveGuests {
  /** distinct guests with a sale per bucket (0: the previous period) */
  byBucket: Map<number, number>;
  periods: CheckPeriodRow[];
}

export async function activeGuests(client: pg.PoolClient, bounds: QueryBounds): Promise<ActiveGuests> {
  const active = await client.query<{
    bucket: number | null;
    current: boolean | null;
    guests: string;
    repeaters: string;
  }>(ACTIVE_GUESTS, params(bounds));
  const byBucket = new Map<number, number>();
  const periods: CheckPeriodRow[] = [];
  for (const row of active.rows) {
    if (row.bucket !== null) byBucket.set(row.bucket, Number(row.guests));
    else
      periods.push({
        current: row.current ?? false,
        activeGuests: Number(row.guests),
        repeatGuests: Number(row.repeaters),
      });
  }
  return { byBucket, periods };
}

export interface PointsBucketRow {
  bucket: number;
  issued: number;
  redeemed: number;
  expired: number;
}

// Issued: earned, bonuses, and adjustments that add. Redeemed and expired as positive numbers.
// Reversals (a refund returning spent points or taking earned ones back) and adjustments that
// remove points are in none of the three; the balances, and so the liability, include them.
const POINT_SUMS = `
  coalesce(sum(l.points) FILTER (WHERE l.kind IN ('earn', 'bonus') OR (l.kind = 'adjust' AND l.points > 0)), 0) AS issued,
  coalesce(-sum(l.points) FILTER (WHERE l.kind = 'redeem'), 0) AS redeemed,
  coalesce(-sum(l.points) FILTER (WHERE l.kind = 'expire'), 0) AS expired`;

const POINTS = `
SELECT width_bucket(l.created_at, $2::timestamptz[]) AS bucket, ${POINT_SUMS}
  FROM ledger_entries l
 WHERE l.tenant_id = $1 AND l.created_at >= $3 AND l.created_at < $4 AND l.kind <> 'reversal'
 GROUP BY 1`;

// With restaurants: an entry's restaurant is the one it names (an event's place or bonus), else its
// check's, else its guest's signup restaurant.
const POINTS_OF_RESTAURANTS = `
SELECT width_bucket(l.created_at, $2::timestamptz[]) AS bucket, ${POINT_SUMS}
  FROM ledger_entries l
  LEFT JOIN checks c ON c.tenant_id = l.tenant_id AND c.id = l.check_id
  LEFT JOIN guests g ON l.restaurant_id IS NULL AND l.check_id IS NULL AND g.tenant_id = l.tenant_id AND g.id = l.guest_id
 WHERE l.tenant_id = $1 AND l.created_at >= $3 AND l.created_at < $4 AND l.kind <> 'reversal'
   AND coalesce(l.restaurant_id, c.restaurant_id, g.signup_restaurant_id) = ANY($5::uuid[])
 GROUP BY 1`;

// The same for the day or two after the rollups' watermark: each entry looks its restaurant up by
// key. The join above hashes every check of the business, right for a year of entries but 0.3 s
// for a day's; and the planner cannot tell the two apart once other tenants' entries fill the
// same days (it costs a day of this tenant's entries as thousands).
const LIVE_POINTS_OF_RESTAURANTS = `
SELECT width_bucket(l.created_at, $2::timestamptz[]) AS bucket, ${POINT_SUMS}
  FROM ledger_entries l
 WHERE l.tenant_id = $1 AND l.created_at >= $3 AND l.created_at < $4 AND l.kind <> 'reversal'
   AND CASE WHEN l.restaurant_id IS NOT NULL THEN l.restaurant_id
            WHEN l.check_id IS NOT NULL
            THEN (SELECT c.restaurant_id FROM checks c WHERE c.tenant_id = l.tenant_id AND c.id = l.check_id)
            ELSE (SELECT g.signup_restaurant_id FROM guests g WHERE g.tenant_id = l.tenant_id AND g.id = l.guest_id)
       END = ANY($5::uuid[])
 GROUP BY 1`;

/** Points per bucket; `live`: the bounds cover only the days after the rollups' watermark. */
export async function pointFigures(
  client: pg.PoolClient,
  bounds: QueryBounds,
  options: { live?: boolean } = {},
): Promise<PointsBucketRow[]> {
  const ofRestaurants = options.live ? LIVE_POINTS_OF_RESTAURANTS : POINTS_OF_RESTAURANTS;
  const result = await client.query<{ bucket: number; issued: string; redeemed: string; expired: string }>(
    bounds.restaurantIds === null ? POINTS : ofRestaurants,
    bounds.restaurantIds === null ? params(bounds).slice(0, 4) : params(bounds),
  );
  return result.rows.map((row) => ({
    bucket: row.bucket,
    issued: Number(row.issued),
    redeemed: Number(row.redeemed),
    expired: Number(row.expired),
  }));
}

export interface GuestFigures {
  /** new guests per bucket (0: the previous period) */
  newByBucket: Map<number, number>;
  /** registered by the end of the period, and by the end of the previous one */
  totalAtEnd: number;
  totalAtPreviousEnd: number;
  /** the sum of balances now */
  liabilityPoints: number;
  /** registered guests now, by level (null: no level) */
  byLevel: Map<string | null, number>;
}

// A guest counts from registered_at: onboarding done (consent, name, phone), a member of the
// program. Someone who opened the bot and left is a row without it and counts nowhere but in
// the liability (their balance is normally 0).
const GUESTS = `
SELECT CASE WHEN registered_at >= $3 AND registered_at < $4 THEN width_bucket(registered_at, $2::timestamptz[]) END
         AS bucket,
       level_id,
       count(*) FILTER (WHERE registered_at IS NOT NULL) AS registered,
       count(*) FILTER (WHERE registered_at < $4) AS by_end,
       count(*) FILTER (WHERE registered_at < ($2::timestamptz[])[1]) AS by_previous_end,
       coalesce(sum(balance), 0) AS balance
  FROM guests
 WHERE tenant_id = $1 AND ($5::uuid[] IS NULL OR signup_restaurant_id = ANY($5::uuid[]))
 GROUP BY 1, 2`;

export async function guestFigures(client: pg.PoolClient, bounds: QueryBounds): Promise<GuestFigures> {
  const result = await client.query<{
    bucket: number | null;
    level_id: string | null;
    registered: string;
    by_end: string;
    by_previous_end: string;
    balance: string;
  }>(GUESTS, params(bounds));
  const figures: GuestFigures = {
    newByBucket: new Map(),
    totalAtEnd: 0,
    totalAtPreviousEnd: 0,
    liabilityPoints: 0,
    byLevel: new Map(),
  };
  for (const row of result.rows) {
    const registered = Number(row.registered);
    if (row.bucket !== null) {
      figures.newByBucket.set(row.bucket, (figures.newByBucket.get(row.bucket) ?? 0) + registered);
    }
    figures.totalAtEnd += Number(row.by_end);
    figures.totalAtPreviousEnd += Number(row.by_previous_end);
    figures.liabilityPoints += Number(row.balance);
    figures.byLevel.set(row.level_id, (figures.byLevel.get(row.level_id) ?? 0) + registered);
  }
  return figures;
}

export interface EventFigures {
  /** guests checked in at events, by the moment they were checked in */
  attended: { current: number; previous: number };
  /** events that took place (published or finished, not cancelled), by their start */
  held: { current: number; previous: number };
}

// Attendance is small (a business holds a few events a month), so it is counted live, never
// rolled up. A check-in exists only on a place at a published or finished event (a CHECK keeps
// checked_in_at to registered rows, and a cancelled event has none left), so the statement walks
// those events by (tenant_id, status, starts_at) and their places by (tenant_id, event_id,
// status): it reads the business's event places, not every registration ever made. An event for
// the whole business belongs to no restaurant, as a guest who joined through the bot's general
// link does.
const EVENTS = `
WITH taken_place AS (
  SELECT e.id, e.starts_at
    FROM events e
   WHERE e.tenant_id = $1 AND e.status IN ('published', 'finished')
     AND ($5::uuid[] IS NULL OR e.restaurant_id = ANY($5::uuid[]))
),
checked_in AS (
  SELECT r.checked_in_at AS at
    FROM taken_place e
    JOIN event_registrations r ON r.tenant_id = $1 AND r.event_id = e.id AND r.status = 'registered'
   WHERE r.checked_in_at >= $3 AND r.checked_in_at < $4
)
SELECT (SELECT count(*) FROM checked_in WHERE at >= ($2::timestamptz[])[1]) AS attended,
       (SELECT count(*) FROM checked_in WHERE at < ($2::timestamptz[])[1]) AS attended_before,
       (SELECT count(*) FROM taken_place WHERE starts_at >= ($2::timestamptz[])[1] AND starts_at < $4) AS held,
       (SELECT count(*) FROM taken_place WHERE starts_at >= $3 AND starts_at < ($2::timestamptz[])[1]) AS held_before`;

export async function eventFigures(client: pg.PoolClient, bounds: QueryBounds): Promise<EventFigures> {
  const result = await client.query<{ attended: string; attended_before: string; held: string; held_before: string }>(
    EVENTS,
    params(bounds),
  );
  const row = result.rows[0];
  return {
    attended: { current: Number(row?.attended ?? 0), previous: Number(row?.attended_before ?? 0) },
    held: { current: Number(row?.held ?? 0), previous: Number(row?.held_before ?? 0) },
  };
}
