// Keeps one tenant's dashboard rollups (dashboard_days, guest_visits, dashboard_active_guests, the
// last two per restaurant too, the watermark in dashboard_rollups) up to date; the workers call
// it every minute and once at start. Everything is recomputed per whole local day from the raw rows and replaced, so a run is
// idempotent and two runs give the result of one (they are serialised by an advisory lock).
//
// Which days a run recomputes:
// - every day after the watermark up to yesterday (local): today is never rolled up, the
//   dashboard reads it raw;
// - the days of the last run's start, and after, up to yesterday, with a margin of five minutes:
//   rows carry created_at from the moment their operation started (the application's clock), so
//   one that committed just after the last run read may carry an earlier time (an operation open
//   across local midnight); the margin also absorbs skew between the application's clock and
//   the database's;
// - the days of checks written since the last run's start (same margin) but closed earlier:
//   a POS that sends a check late, a refund with the POS's own close time;
// - everything, when there is no watermark yet or the tenant's time zone changed (local days moved).
// Ledger entries are written at the time of their operation, so they are covered by the second
// rule. A late check before the bitmaps' epoch makes the run a full one. Guests'
// figures (new, total, levels, liability) are not rolled up: the dashboard scans the guests anyway
// for the liability and levels, which are present facts.
import type { EngineDeps } from "../context.ts";

export interface DashboardRollupRun {
  /** the last local day rolled up after this run */
  rolledThrough: string;
  /** how many local days were recomputed */
  days: number;
  full: boolean;
}

/** Late rows: how far before the last run's start a committed row's created_at may lie. */
const COMMIT_MARGIN = "5 minutes";

// The sums per local day and restaurant for the days in $2, attributed as the live queries do:
// a check's restaurant; a ledger entry's check's restaurant, else (not written with a check) its
// guest's signup restaurant. Reversals count in none of the point figures.
const DAY_SUMS = `
INSERT INTO dashboard_days (tenant_id, day, restaurant_id, checks, sold_minor, refunded_minor,
                            points_issued, points_redeemed, points_expired)
WITH bounds AS (
  SELECT min(d)::timestamp AT TIME ZONE $3 AS lo, (max(d) + 1)::timestamp AT TIME ZONE $3 AS hi FROM unnest($2::date[]) d
),
parts AS (
  SELECT (c.closed_at AT TIME ZONE $3)::date AS day, c.restaurant_id,
         count(*) FILTER (WHERE c.kind = 'sale') AS checks,
         coalesce(sum(c.amount_minor) FILTER (WHERE c.kind = 'sale'), 0) AS sold,
         coalesce(sum(c.amount_minor) FILTER (WHERE c.kind = 'refund'), 0) AS refunded,
         0 AS issued, 0 AS redeemed, 0 AS expired
    FROM checks c, bounds b
   WHERE c.tenant_id = $1 AND c.closed_at >= b.lo AND c.closed_at < b.hi
   GROUP BY 1, 2
  UNION ALL
  SELECT (l.created_at AT TIME ZONE $3)::date, coalesce(l.restaurant_id, c.restaurant_id, g.signup_restaurant_id), 0, 0, 0,
         coalesce(sum(l.points) FILTER (WHERE l.kind IN ('earn', 'bonus') OR (l.kind = 'adjust' AND l.points > 0)), 0),
         coalesce(-sum(l.points) FILTER (WHERE l.kind = 'redeem'), 0),
         coalesce(-sum(l.points) FILTER (WHERE l.kind = 'expire'), 0)
    FROM ledger_entries l
    CROSS JOIN bounds b
    LEFT JOIN checks c ON c.tenant_id = l.tenant_id AND c.id = l.check_id
    LEFT JOIN guests g ON l.restaurant_id IS NULL AND l.check_id IS NULL AND g.tenant_id = l.tenant_id
                       AND g.id = l.guest_id
   WHERE l.tenant_id = $1 AND l.created_at >= b.lo AND l.created_at < b.hi AND l.kind <> 'reversal'
   GROUP BY 1, 2
)
SELECT $1, day, restaurant_id, sum(checks), sum(sold), sum(refunded), sum(issued), sum(redeemed), sum(expired)
  FROM parts
 WHERE day = ANY($2::date[])
 GROUP BY day, restaurant_id`;

// The visit bitmaps of the guests in $5 (null: every guest), rebuilt from all their sale checks
// on the days from the epoch ($3) to the watermark ($4), $6 bits long: bit i is the day epoch + i.
// Days after the watermark never get a bit: the dashboard reads them raw. A row not rebuilt keeps
// its shorter length, which is right: that guest has no sale since. Per restaurant, the same for
// each restaurant a guest had a sale at (a check without a restaurant is in the business's only).
const setVisits = (perRestaurant: boolean) => {
  const restaurant = perRestaurant ? "c.restaurant_id, " : "";
  return `
INSERT INTO ${perRestaurant ? "guest_restaurant_visits" : "guest_visits"} AS v
       (tenant_id, ${perRestaurant ? "restaurant_id, " : ""}guest_id, days, multi)
WITH per_day AS (
  SELECT ${restaurant}c.guest_id, (c.closed_at AT TIME ZONE $2)::date - $3::date AS i, count(*) AS sales
    FROM checks c
   WHERE c.tenant_id = $1 AND c.kind = 'sale' AND c.guest_id IS NOT NULL
     AND c.closed_at >= $3::date::timestamp AT TIME ZONE $2 AND c.closed_at < ($4::date + 1)::timestamp AT TIME ZONE $2
     AND ($5::uuid[] IS NULL OR c.guest_id = ANY($5::uuid[]))${perRestaurant ? " AND c.restaurant_id IS NOT NULL" : ""}
   GROUP BY ${restaurant}c.guest_id, i
)
SELECT $1, ${perRestaurant ? "restaurant_id, " : ""}guest_id,
       bit_or(set_bit(repeat('0', $6)::varbit, i, 1)), bit_or(set_bit(repeat('0', $6)::varbit, i, (sales >= 2)::int))
  FROM per_day
 GROUP BY ${perRestaurant ? "restaurant_id, " : ""}guest_id
ON CONFLICT (tenant_id, ${perRestaurant ? "restaurant_id, " : ""}guest_id) DO UPDATE SET days = EXCLUDED.days, multi = EXCLUDED.multi`;
};

// The guests with a sale check on one of the days in $2.
const GUESTS_OF_DAYS = `
WITH bounds AS (
  SELECT min(d)::timestamp AT TIME ZONE $3 AS lo, (max(d) + 1)::timestamp AT TIME ZONE $3 AS hi FROM unnest($2::date[]) d
)
SELECT DISTINCT c.guest_id
  FROM checks c, bounds b
 WHERE c.tenant_id = $1 AND c.closed_at >= b.lo AND c.closed_at < b.hi AND c.kind = 'sale' AND c.guest_id IS NOT NULL
   AND (c.closed_at AT TIME ZONE $3)::date = ANY($2::date[])`;

// The calendar units (day, week from Monday, month) that hold a recomputed day and lie wholly on
// or before the new watermark: their distinct active guests are replaced.
const units = (watermark: string) => `
WITH units AS (
  SELECT DISTINCT u.unit, u.start, u.next
    FROM unnest($2::date[]) d
   CROSS JOIN LATERAL (VALUES
     ('day'::"DashboardUnit", d, d + 1),
     ('week', date_trunc('week', d)::date, date_trunc('week', d)::date + 7),
     ('month', date_trunc('month', d)::date, (date_trunc('month', d) + interval '1 month')::date)
   ) AS u (unit, start, next)
   WHERE u.next - 1 <= ${watermark}::date
)`;

const clearActive = (table: string) => `${units("$3")}
DELETE FROM ${table} a USING units u
 WHERE a.tenant_id = $1 AND a.unit = u.unit AND a.start = u.start`;

const setActive = (perRestaurant: boolean) => {
  const r = perRestaurant ? "restaurant_id, " : "";
  return `
INSERT INTO ${perRestaurant ? "dashboard_restaurant_active_guests" : "dashboard_active_guests"} (tenant_id, ${r}unit, start, guests)
${units("$4")},
bounds AS (SELECT min(start)::timestamp AT TIME ZONE $3 AS lo, max(next)::timestamp AT TIME ZONE $3 AS hi FROM units),
visits AS (
  SELECT DISTINCT ${perRestaurant ? "c.restaurant_id, " : ""}c.guest_id, (c.closed_at AT TIME ZONE $3)::date AS day
    FROM checks c, bounds b
   WHERE c.tenant_id = $1 AND c.closed_at >= b.lo AND c.closed_at < b.hi AND c.kind = 'sale' AND c.guest_id IS NOT NULL
     ${perRestaurant ? "AND c.restaurant_id IS NOT NULL" : ""}
),
keyed AS (
  SELECT ${r}'day'::"DashboardUnit" AS unit, day AS start, guest_id FROM visits
  UNION ALL SELECT ${r}'week', date_trunc('week', day)::date, guest_id FROM visits
  UNION ALL SELECT ${r}'month', date_trunc('month', day)::date, guest_id FROM visits
)
SELECT $1, ${perRestaurant ? "k.restaurant_id, " : ""}k.unit, k.start, count(DISTINCT k.guest_id)
  FROM keyed k JOIN units u ON u.unit = k.unit AND u.start = k.start
 GROUP BY ${perRestaurant ? "k.restaurant_id, " : ""}k.unit, k.start`;
};

const ROLLUP_TABLES = [
  "dashboard_days",
  "guest_visits",
  "guest_restaurant_visits",
  "dashboard_active_guests",
  "dashboard_restaurant_active_guests",
];

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

/** Brings one tenant's dashboard rollups up to yesterday (local) and corrects changed days. */
export async function rollUpDashboard(deps: Pick<EngineDeps, "db">, tenantId: string): Promise<DashboardRollupRun> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    // One run per tenant at a time; a second waits and then finds little to do.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('dashboard-rollup:' || $1, 0))", [tenantId]);
    await client.query("SET LOCAL work_mem = '64MB'");
    const state = await client.query<{
      time_zone: string;
      yesterday: string;
      rolled_through: string | null;
      epoch: string | null;
      full: boolean;
    }>(
      `SELECT t.time_zone, ((now() AT TIME ZONE t.time_zone)::date - 1)::text AS yesterday,
              r.rolled_through::text AS rolled_through, r.epoch::text AS epoch,
              r.tenant_id IS NULL OR r.time_zone <> t.time_zone AS full
         FROM tenants t LEFT JOIN dashboard_rollups r ON r.tenant_id = t.id
        WHERE t.id = $1`,
      [tenantId],
    );
    const tenant = state.rows[0];
    if (!tenant) throw new Error(`no tenant ${tenantId}`);
    const { time_zone: timeZone, yesterday } = tenant;

    let full = tenant.full;
    let epoch = tenant.epoch ?? yesterday;
    let days: string[] = [];
    if (!full) {
      const changed = await client.query<{ day: string }>(
        `WITH r AS (SELECT rolled_through, last_run_at - interval '${COMMIT_MARGIN}' AS since
                      FROM dashboard_rollups WHERE tenant_id = $1)
         SELECT DISTINCT d::date::text AS day FROM (
           SELECT generate_series(least(r.rolled_through + 1, (r.since AT TIME ZONE $2)::date), $3::date, interval '1 day') AS d
             FROM r
           UNION ALL
           SELECT (c.closed_at AT TIME ZONE $2)::date
             FROM checks c, r
            WHERE c.tenant_id = $1 AND c.created_at >= r.since
         ) AS x
         WHERE d::date <= $3::date
         ORDER BY 1`,
        [tenantId, timeZone, yesterday],
      );
      days = changed.rows.map((row) => row.day);
      // A late check before the first day the bitmaps hold: they must start earlier.
      if (days.length > 0 && (days[0] ?? "") < epoch) full = true;
    }
    if (full) {
      for (const table of ROLLUP_TABLES) {
        await client.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
      }
      const all = await client.query<{ day: string }>(
        `SELECT d::date::text AS day
           FROM generate_series(
                  (SELECT least((SELECT min(closed_at) FROM checks WHERE tenant_id = $1),
                                (SELECT min(created_at) FROM ledger_entries WHERE tenant_id = $1)) AT TIME ZONE $2)::date,
                  $3::date, interval '1 day') d`,
        [tenantId, timeZone, yesterday],
      );
      days = all.rows.map((row) => row.day);
      epoch = days[0] ?? yesterday;
    }

    if (days.length > 0) {
      const args = [tenantId, days, timeZone];
      await client.query("DELETE FROM dashboard_days WHERE tenant_id = $1 AND day = ANY($2::date[])", [tenantId, days]);
      await client.query(DAY_SUMS, args);
      const guests = full ? null : (await client.query<{ guest_id: string }>(GUESTS_OF_DAYS, args)).rows;
      if (guests === null || guests.length > 0) {
        const bits = dayNumber(yesterday) - dayNumber(epoch) + 1;
        const visitArgs = [tenantId, timeZone, epoch, yesterday, guests?.map((row) => row.guest_id) ?? null, bits];
        await client.query(setVisits(false), visitArgs);
        await client.query(setVisits(true), visitArgs);
      }
      for (const perRestaurant of [false, true]) {
        const table = perRestaurant ? "dashboard_restaurant_active_guests" : "dashboard_active_guests";
        await client.query(clearActive(table), [tenantId, days, yesterday]);
        await client.query(setActive(perRestaurant), [tenantId, days, timeZone, yesterday]);
      }
    }
    await client.query(
      `INSERT INTO dashboard_rollups (tenant_id, rolled_through, epoch, time_zone, last_run_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (tenant_id) DO UPDATE
         SET rolled_through = EXCLUDED.rolled_through, epoch = EXCLUDED.epoch, time_zone = EXCLUDED.time_zone,
             last_run_at = EXCLUDED.last_run_at`,
      [tenantId, yesterday, epoch, timeZone],
    );
    return { rolledThrough: yesterday, days: days.length, full };
  });
}
