// The admin dashboard on a big tenant (issue #7): 50 000 guests, 400 000 checks over 18 months,
// 1 000 000 ledger entries (earned, redeemed, bonuses, expiry, adjustments, refund reversals),
// 300 events (a tenth cancelled) with 30 places each, two of three guests checked in; a tenant
// with fewer than a million entries fails the suite, since the budget is promised for a million.
// The history is generated inside PostgreSQL with generate_series as the table owner, which
// skips RLS, and with foreign-key triggers off for the load (session_replication_role =
// replica); every row still has its operation, check and guest. Then the workers' rollup job runs
// (timed: the first run over the whole history, and a second one with nothing new), and the
// dashboard verb is timed as an owner would call it: the last 30 and 365 days, for all
// restaurants and for one. Budget: each at most 200 ms.
import { performance } from "node:perf_hooks";
import { dashboardReport, type EngineDeps, rollUpDashboard } from "@maxl/api";
import { createTestTenant } from "@maxl/db/testing";
import pg from "pg";
import type { Budget } from "../report.ts";

export interface DashboardBenchInput {
  engine: EngineDeps;
  /** the table owner's URL (bulk load, partitions, VACUUM) */
  adminUrl: string;
  runs?: number;
}

const GUESTS = 50_000;
const CHECKS = 400_000;
const HISTORY_DAYS = 540;
const EVENTS = 300;
/** What the 200 ms budget is promised for (issue #7): fewer, and the suite proves nothing. */
export const MIN_LEDGER_ENTRIES = 1_000_000;

// One statement per step, in one transaction. Every instant is `now() - random() * 540 days`,
// so the history ends today whatever day the bench runs. Checks and entries are inserted in time
// order, as a live database receives them (the tables' physical order follows time).
const GENERATE = [
  // Partitions for the whole history, as an import of old data would create them first.
  `SELECT ensure_ledger_partitions(19, 3)`,
  `CREATE TEMP TABLE r ON COMMIT DROP AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, 4) n`,
  `INSERT INTO restaurants (tenant_id, id, name) SELECT $1, id, 'Restaurant ' || n FROM r`,
  `CREATE TEMP TABLE lv ON COMMIT DROP AS
     SELECT n, gen_random_uuid() AS id, (ARRAY['Bronze', 'Silver', 'Gold'])[n + 1] AS name FROM generate_series(0, 2) n`,
  `INSERT INTO levels (tenant_id, id, name, rank, threshold_minor, earn_rate_bps)
     SELECT $1, id, name, n, n * 1500000, 500 + n * 200 FROM lv`,
  `INSERT INTO loyalty_programs (tenant_id) VALUES ($1)`,
  // Guests: a sixth joined through the bot's general link (no signup restaurant).
  `CREATE TEMP TABLE g ON COMMIT DROP AS
     SELECT n, gen_random_uuid() AS id, now() - random() * interval '${HISTORY_DAYS} days' AS registered_at
       FROM generate_series(0, ${GUESTS - 1}) n`,
  `INSERT INTO guests (tenant_id, id, first_name, level_id, registered_at, signup_restaurant_id, created_at)
     SELECT $1, g.id, 'Guest ' || g.n, lv.id, g.registered_at, r.id, g.registered_at
       FROM g JOIN lv ON lv.n = g.n % 3 LEFT JOIN r ON r.n = g.n % 6`,
  // Sales: a quarter paid partly with points; the first of every 40 refunded in full a day later.
  `CREATE TEMP TABLE c ON COMMIT DROP AS
     SELECT n, gen_random_uuid() AS id, gen_random_uuid() AS op, (random() * ${GUESTS - 1})::int AS guest_n,
            n % 5 AS restaurant_n, now() - random() * interval '${HISTORY_DAYS} days' AS closed_at,
            (50000 + random() * 450000)::bigint AS amount, CASE WHEN n % 4 = 0 THEN 20 + n % 80 ELSE 0 END AS spent
       FROM generate_series(0, ${CHECKS - 1}) n`,
  `INSERT INTO loyalty_operations (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, result, created_at)
     SELECT $1, c.op, 'bench-sale-' || c.n, 'bench', CASE WHEN c.spent > 0 THEN 'redemption' ELSE 'accrual' END::operation_kind,
            'pos', g.id, c.id, '{}', c.closed_at
       FROM c JOIN g ON g.n = c.guest_n`,
  `INSERT INTO checks (tenant_id, id, kind, source, restaurant_id, guest_id, amount_minor, paid_minor, points_redeemed,
                       currency, closed_at, created_at)
     SELECT $1, c.id, 'sale', 'pos', r.id, g.id, c.amount, c.amount - c.spent * 100, c.spent, 'RUB', c.closed_at, c.closed_at
       FROM c JOIN g ON g.n = c.guest_n JOIN r ON r.n = c.restaurant_n
      ORDER BY c.closed_at`,
  `CREATE TEMP TABLE refund ON COMMIT DROP AS
     SELECT c.*, gen_random_uuid() AS refund_id, gen_random_uuid() AS refund_op,
            least(c.closed_at + interval '1 day', now()) AS refunded_at
       FROM c WHERE c.n % 40 = 1`,
  `INSERT INTO loyalty_operations (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, result, created_at)
     SELECT $1, f.refund_op, 'bench-refund-' || f.n, 'bench', 'refund', 'pos', g.id, f.refund_id, '{}', f.refunded_at
       FROM refund f JOIN g ON g.n = f.guest_n`,
  `INSERT INTO checks (tenant_id, id, kind, source, restaurant_id, guest_id, refund_of_id, amount_minor, paid_minor,
                       points_redeemed, currency, closed_at, created_at)
     SELECT $1, f.refund_id, 'refund', 'pos', r.id, g.id, f.id, f.amount, f.amount, 0, 'RUB', f.refunded_at, f.refunded_at
       FROM refund f JOIN g ON g.n = f.guest_n JOIN r ON r.n = f.restaurant_n`,
  // Points without a check: welcome bonuses, birthday bonuses, adjustments, expiry.
  `CREATE TEMP TABLE loose ON COMMIT DROP AS
     SELECT gen_random_uuid() AS op, g.id AS guest_id, 'bonus'::ledger_entry_kind AS kind, 100 AS points,
            g.registered_at AS at
       FROM g
     UNION ALL
     SELECT gen_random_uuid(), g.id, 'bonus', 200, now() - random() * interval '${HISTORY_DAYS} days'
       FROM generate_series(1, 40000) AS s(i) JOIN g ON g.n = s.i % ${GUESTS}
     UNION ALL
     SELECT gen_random_uuid(), g.id, 'adjust', CASE WHEN s.i % 3 = 0 THEN -25 ELSE 50 END,
            now() - random() * interval '${HISTORY_DAYS} days'
       FROM generate_series(1, 20000) AS s(i) JOIN g ON g.n = (s.i * 7) % ${GUESTS}
     UNION ALL
     SELECT gen_random_uuid(), g.id, 'expire', -(10 + s.i % 90), now() - random() * interval '${HISTORY_DAYS} days'
       FROM generate_series(1, 380000) AS s(i) JOIN g ON g.n = (s.i * 13) % ${GUESTS}`,
  `INSERT INTO loyalty_operations (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, result, created_at)
     SELECT $1, op, 'bench-' || op, 'bench',
            (CASE kind WHEN 'bonus' THEN 'bonus' WHEN 'adjust' THEN 'adjustment' ELSE 'expiry' END)::operation_kind,
            CASE kind WHEN 'adjust' THEN 'admin' ELSE 'system' END::points_source, guest_id, '{}', at
       FROM loose`,
  // 400 000 earned + 100 000 redeemed + 10 000 reversals + 490 000 loose = 1 000 000 entries.
  `INSERT INTO ledger_entries (tenant_id, created_at, guest_id, operation_id, check_id, kind, points, balance_after, source)
     SELECT * FROM (
     SELECT $1::uuid, c.closed_at, g.id, c.op, c.id, 'earn'::ledger_entry_kind, greatest(1, (c.amount - c.spent * 100) / 2000)::int, 0, 'pos'::points_source
       FROM c JOIN g ON g.n = c.guest_n
     UNION ALL
     SELECT $1, c.closed_at, g.id, c.op, c.id, 'redeem'::ledger_entry_kind, -c.spent, 0, 'pos'
       FROM c JOIN g ON g.n = c.guest_n WHERE c.spent > 0
     UNION ALL
     SELECT $1, f.refunded_at, g.id, f.refund_op, f.refund_id, 'reversal'::ledger_entry_kind, -greatest(1, (f.amount - f.spent * 100) / 2000)::int,
            0, 'pos'
       FROM refund f JOIN g ON g.n = f.guest_n
     UNION ALL
     SELECT $1, l.at, l.guest_id, l.op, NULL, l.kind, l.points, 0,
            CASE l.kind WHEN 'adjust' THEN 'admin' ELSE 'system' END::points_source
       FROM loose l
     ) AS e (tenant_id, created_at) ORDER BY e.created_at`,
  // Events: one every 1.8 days (every restaurant has some in any 30 days), one in six for the
  // whole business (no restaurant), a tenth cancelled before anyone came; the others taken place (finished, or published if not over yet) with 30 places, two
  // of three guests checked in within the evening.
  `CREATE TEMP TABLE ev ON COMMIT DROP AS
     SELECT n, gen_random_uuid() AS id,
            now() - n * interval '${(HISTORY_DAYS / EVENTS) * 24} hours' - random() * interval '1 day' AS starts_at,
            CASE WHEN n % 6 = 5 THEN NULL ELSE n % 5 END AS restaurant_n, n % 10 = 9 AS cancelled
       FROM generate_series(0, ${EVENTS - 1}) n`,
  `INSERT INTO events (tenant_id, id, restaurant_id, title, starts_at, ends_at, capacity, status, registered_count,
                       published_at, cancelled_at, created_at)
     SELECT $1, ev.id, r.id, 'Evening ' || ev.n, ev.starts_at, ev.starts_at + interval '3 hours', 40,
            CASE WHEN ev.cancelled THEN 'cancelled' WHEN ev.starts_at + interval '3 hours' < now() THEN 'finished'
                 ELSE 'published' END::event_status,
            CASE WHEN ev.cancelled THEN 0 ELSE 30 END, ev.starts_at - interval '14 days',
            CASE WHEN ev.cancelled THEN ev.starts_at - interval '1 day' END, ev.starts_at - interval '15 days'
       FROM ev LEFT JOIN r ON r.n = ev.restaurant_n`,
  `INSERT INTO event_registrations (tenant_id, id, event_id, guest_id, status, checked_in_at, created_at)
     SELECT $1, gen_random_uuid(), ev.id, g.id, 'registered',
            CASE WHEN s.i % 3 <> 2 AND ev.starts_at < now() THEN ev.starts_at + random() * interval '3 hours' END,
            ev.starts_at - interval '7 days'
       FROM ev CROSS JOIN generate_series(0, 29) AS s(i) JOIN g ON g.n = (ev.n * 97 + s.i) % ${GUESTS}
      WHERE NOT ev.cancelled`,
  `UPDATE guests g SET balance = greatest(0, s.points), last_visit_at = s.last_visit
     FROM (SELECT guest_id, sum(points) AS points, max(created_at) AS last_visit FROM ledger_entries
            WHERE tenant_id = $1 GROUP BY guest_id) s
    WHERE g.tenant_id = $1 AND g.id = s.guest_id`,
];

async function generateHistory(adminUrl: string, tenantId: string): Promise<{ restaurantId: string; entries: number }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    // Foreign keys are checked row by row by triggers; for a million generated rows that is most
    // of the load's time, and the statements above only ever point at rows they created.
    await client.query("SET LOCAL session_replication_role = replica");
    for (const statement of GENERATE) {
      await client.query(statement, statement.includes("$1") ? [tenantId] : []);
    }
    await client.query("COMMIT");
    // As autovacuum would in a live database: statistics for the planner, the visibility map
    // for index-only scans.
    await client.query(
      "VACUUM ANALYZE guests, checks, ledger_entries, loyalty_operations, events, event_registrations",
    );
    const { rows } = await client.query<{ restaurant_id: string; entries: string }>(
      `SELECT (SELECT id FROM restaurants WHERE tenant_id = $1 ORDER BY name LIMIT 1) AS restaurant_id,
              (SELECT count(*) FROM ledger_entries WHERE tenant_id = $1) AS entries`,
      [tenantId],
    );
    const row = rows[0];
    if (!row) throw new Error("the generated tenant has no restaurant");
    if (Number(row.entries) < MIN_LEDGER_ENTRIES) {
      throw new Error(
        `the generated tenant has ${row.entries} ledger entries, fewer than the ${MIN_LEDGER_ENTRIES} the dashboard's budget is promised for`,
      );
    }
    return { restaurantId: row.restaurant_id, entries: Number(row.entries) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

// The tenant's local dates (a new tenant is on Moscow time); en-CA writes them YYYY-MM-DD.
const localDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" });

export async function dashboardSuite(input: DashboardBenchInput): Promise<Budget[]> {
  const tenant = await createTestTenant(input.engine.db, "Dashboard bench tenant");
  const started = performance.now();
  const { restaurantId, entries } = await generateHistory(input.adminUrl, tenant.id);
  const loadSeconds = (performance.now() - started) / 1000;
  console.log(`bench: dashboard history generated: ${entries} ledger entries in ${loadSeconds.toFixed(1)} s`);

  const daysAgo = (days: number) => localDate.format(new Date(Date.now() - days * 86_400_000));
  const owner = { staffId: "00000000-0000-7000-8000-000000000000", role: "owner" as const };
  const cases = [
    { name: "last 30 days, all restaurants (30 days)", from: daysAgo(29) },
    { name: "last 365 days, all restaurants (52 weeks)", from: daysAgo(364) },
    { name: "last 30 days, one restaurant (30 days)", from: daysAgo(29), restaurantId },
    { name: "last 365 days, one restaurant (52 weeks)", from: daysAgo(364), restaurantId },
  ];
  const runs = input.runs ?? 9;
  const budgets: Budget[] = [];
  const measure = async (label: string) => {
    for (const one of cases) {
      const times: number[] = [];
      // The first call plans the statements and warms the cache; it is not counted.
      for (let run = 0; run <= runs; run++) {
        const start = performance.now();
        const report = await dashboardReport(input.engine, {
          tenantId: tenant.id,
          staff: owner,
          from: one.from,
          to: daysAgo(0),
          restaurantId: one.restaurantId,
        });
        const ms = performance.now() - start;
        if (report.totals.checks === 0) throw new Error(`the dashboard found no checks for ${one.name}`);
        if (report.totals.eventsAttended === 0)
          throw new Error(`the dashboard found no event check-ins for ${one.name}`);
        if (run > 0) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
      const worst = times.at(-1) ?? Number.NaN;
      budgets.push(
        {
          suite: "dashboard",
          metric: `${one.name}${label}, median of ${runs}`,
          value: median,
          unit: "ms",
          atMost: 200,
        },
        { suite: "dashboard", metric: `${one.name}${label}, worst of ${runs}`, value: worst, unit: "ms", atMost: 200 },
      );
    }
  };
  const rollupStarted = performance.now();
  const first = await rollUpDashboard(input.engine, tenant.id);
  const firstSeconds = (performance.now() - rollupStarted) / 1000;
  const againStarted = performance.now();
  await rollUpDashboard(input.engine, tenant.id);
  const againMs = performance.now() - againStarted;
  console.log(`bench: dashboard rollup: ${first.days} days in ${firstSeconds.toFixed(1)} s`);
  const admin = new pg.Client({ connectionString: input.adminUrl });
  await admin.connect();
  let dayMs: number;
  try {
    // As autovacuum would after the first run: statistics for the rollup tables.
    await admin.query(`VACUUM ANALYZE dashboard_days, guest_visits, dashboard_active_guests, guest_restaurant_visits,
                   dashboard_restaurant_active_guests`);
    // The daily case: the watermark one day back, as at the first run after a local midnight.
    await admin.query("UPDATE dashboard_rollups SET rolled_through = rolled_through - 1 WHERE tenant_id = $1", [
      tenant.id,
    ]);
    const dayStarted = performance.now();
    await rollUpDashboard(input.engine, tenant.id);
    dayMs = performance.now() - dayStarted;
  } finally {
    await admin.end();
  }
  budgets.push(
    {
      suite: "dashboard",
      metric: `rollup job, first run (${first.days} days of history)`,
      value: firstSeconds,
      unit: "s",
    },
    { suite: "dashboard", metric: "rollup job, a run with nothing new", value: againMs, unit: "ms" },
    { suite: "dashboard", metric: "rollup job, the first run after midnight (one new day)", value: dayMs, unit: "ms" },
  );
  await measure("");
  return budgets;
}
