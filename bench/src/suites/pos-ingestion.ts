// POS ingestion end to end (issue #6): signed webhooks into the API over loopback HTTP, stored in
// the inbox, handed to BullMQ by the relay, credited by a separate workers process, as deployed.
// Measured: checks per second fully credited (first webhook sent to last check credited) and the
// latency of each check from sending its webhook to its credit, against the same writes done as
// hand-written SQL in the same run (store the event; lock the guest, write the operation, check,
// lot, movement, ledger entry and event, update the balance; mark the event processed).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type AppType, signPosBody } from "@maxl/api";
import pg from "pg";
import { type Measurement, measure } from "../measure.ts";
import { rawAccrual } from "../raw-accrual.ts";
import type { Comparison } from "../report.ts";

export interface PosIngestionFixture {
  app: AppType;
  pool: pg.Pool;
  /** the table owner's URL: only it may ANALYZE */
  adminUrl: string;
  tenantId: string;
  integrationId: string;
  secret: string;
  /** guests with these phones exist in the tenant */
  phones: { guestId: string; phone: string }[];
  /** what a workers process needs to run against the benchmark's services */
  workersEnv: Record<string, string>;
  checks: number;
  concurrency: number;
}

/**
 * The load generator's HTTP client: node:http over kept-alive sockets, one per lane. fetch()
 * (undici, with its web streams) cost this 2-core machine about a quarter of the benchmark
 * process's CPU, taken from the API it was measuring.
 */
function createPoster(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return (path: string, headers: Record<string, string>, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: "127.0.0.1",
          port,
          path,
          method: "POST",
          agent,
          headers: { ...headers, "Content-Length": Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          response.on("error", reject);
        },
      );
      request.on("error", reject);
      request.end(body);
    });
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function startWorkers(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: fileURLToPath(new URL("../../../workers", import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** A read as the application role, scoped to the benchmark's tenant (row-level security). */
async function tenantQuery<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  tenantId: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; SET LOCAL app.tenant_id = '${tenantId}'`);
    const { rows } = await client.query<Row>(text, values);
    await client.query("COMMIT");
    return rows;
  } finally {
    client.release();
  }
}

async function processedCount(pool: pg.Pool, fixture: PosIngestionFixture, runId: string): Promise<number> {
  const rows = await tenantQuery<{ n: string }>(
    pool,
    fixture.tenantId,
    `SELECT count(*) AS n FROM pos_events WHERE tenant_id = $1 AND integration_id = $2 AND status = 'processed'
        AND event_id LIKE $3`,
    [fixture.tenantId, fixture.integrationId, `${runId}-%`],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Sends `count` signed checks at the fixture's concurrency, as fast as they are answered or, with
 * `perSecond`, no faster than that pace; returns when each was sent.
 */
async function sendChecks(
  port: number,
  fixture: PosIngestionFixture,
  runId: string,
  count: number,
  perSecond?: number,
) {
  const sentAt = new Map<string, number>();
  const answeredMs: number[] = [];
  const post = createPoster(port, fixture.concurrency);
  const paceStart = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      if (perSecond) {
        const due = paceStart + (index * 1000) / perSecond;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      const guest = fixture.phones[(index * 7919) % fixture.phones.length];
      const externalId = `${runId}-${index}`;
      const body = JSON.stringify({
        externalId,
        type: "sale",
        amountMinor: 100_000,
        currency: "RUB",
        closedAt: new Date().toISOString(),
        guest: { phone: guest?.phone },
        items: [{ name: "Бизнес-ланч", quantity: 1, amountMinor: 100_000 }],
      });
      const timestamp = Math.floor(Date.now() / 1000);
      sentAt.set(externalId, Date.now());
      const requestStarted = performance.now();
      const response = await post(
        `/api/v1/pos/${fixture.integrationId}/checks`,
        {
          "Content-Type": "application/json",
          "X-Timestamp": String(timestamp),
          "X-Signature": signPosBody(fixture.secret, timestamp, body),
        },
        body,
      );
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${response.text}`);
      answeredMs.push(performance.now() - requestStarted);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: fixture.concurrency }, lane));
  return { sentAt, intakeMs: performance.now() - started, answeredMs: answeredMs.sort((a, b) => a - b) };
}

/** Milliseconds from sending each check of a run to its credit, sorted; and the last credit. */
async function creditLatencies(
  pool: pg.Pool,
  fixture: PosIngestionFixture,
  runId: string,
  sentAt: Map<string, number>,
) {
  const rows = await tenantQuery<{ event_id: string; processed_ms: string }>(
    pool,
    fixture.tenantId,
    `SELECT event_id, (extract(epoch FROM processed_at) * 1000)::bigint AS processed_ms FROM pos_events
      WHERE tenant_id = $1 AND integration_id = $2 AND event_id LIKE $3`,
    [fixture.tenantId, fixture.integrationId, `${runId}-%`],
  );
  return {
    latencies: rows.map((row) => Number(row.processed_ms) - (sentAt.get(row.event_id) ?? 0)).sort((a, b) => a - b),
    lastCredit: Math.max(...rows.map((row) => Number(row.processed_ms))),
  };
}

/**
 * Fresh planner statistics, as a live database's autovacuum keeps them. The benchmark's database
 * is new, and on machines where autovacuum is off (these: see PLATFORM.md) the planner would
 * otherwise guess the sizes of tables that have grown from empty.
 */
async function analyze(adminUrl: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
}

async function waitForCredit(pool: pg.Pool, fixture: PosIngestionFixture, runId: string, count: number) {
  const deadline = Date.now() + 300_000;
  while ((await processedCount(pool, fixture, runId)) < count) {
    if (Date.now() > deadline) throw new Error(`only some of ${count} checks were credited in 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function posIngestionSuite(fixture: PosIngestionFixture, baselineMs: number): Promise<Comparison[]> {
  const { pool } = fixture;
  const server = serve({ fetch: fixture.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const workers = startWorkers(fixture.workersEnv);
  const workersExited = new Promise((resolve) => workers.once("exit", resolve));
  const stopWorkers = async () => {
    if (workers.exitCode === null && workers.signalCode === null) workers.kill("SIGTERM");
    await workersExited;
  };
  try {
    // Warm-up: the workers start, connections and JIT warm; not counted.
    const warmId = `warm-${randomUUID().slice(0, 8)}`;
    await sendChecks(port, fixture, warmId, 300);
    await waitForCredit(pool, fixture, warmId, 300);
    await analyze(fixture.adminUrl);

    const runId = `run-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    const { sentAt, intakeMs, answeredMs } = await sendChecks(port, fixture, runId, fixture.checks);
    await waitForCredit(pool, fixture, runId, fixture.checks);
    const { latencies, lastCredit } = await creditLatencies(pool, fixture, runId, sentAt);
    const endToEnd: Measurement = {
      name: `${fixture.checks} signed webhooks, sent to credited (API + workers process)`,
      concurrency: fixture.concurrency,
      operations: latencies.length,
      opsPerSecond: (latencies.length / (lastCredit - started)) * 1000,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
    const intake: Measurement = {
      name: "of which intake: webhook answered 202 (stored)",
      concurrency: fixture.concurrency,
      operations: fixture.checks,
      opsPerSecond: (fixture.checks / intakeMs) * 1000,
      p50Ms: percentile(answeredMs, 0.5),
      p99Ms: percentile(answeredMs, 0.99),
    };

    // The latency of a check at a pace the pipeline keeps up with (two thirds of what it just
    // credited per second), rather than behind a backlog of thousands.
    const pace = Math.max(50, Math.floor((endToEnd.opsPerSecond * 2) / 3));
    const pacedId = `paced-${randomUUID().slice(0, 8)}`;
    const pacedCount = Math.min(fixture.checks, pace * 10);
    const paced = await sendChecks(port, fixture, pacedId, pacedCount, pace);
    await waitForCredit(pool, fixture, pacedId, pacedCount);
    const { latencies: pacedLatencies } = await creditLatencies(pool, fixture, pacedId, paced.sentAt);
    const steady: Measurement = {
      name: `${pacedCount} webhooks at ${pace}/s: sent to credited`,
      concurrency: fixture.concurrency,
      operations: pacedLatencies.length,
      opsPerSecond: pace,
      p50Ms: percentile(pacedLatencies, 0.5),
      p99Ms: percentile(pacedLatencies, 0.99),
    };

    // The bare SQL gets the machine to itself, as the pipeline had: the workers process (still
    // announcing the credits to the events queue) is stopped, and the tables vacuumed.
    await stopWorkers();
    await analyze(fixture.adminUrl);
    const baseline = await measure(
      "raw SQL: store event, lock guest, same inserts and updates, mark processed",
      (i) =>
        rawAccrual(pool, fixture.tenantId, fixture.phones[(i * 7919) % fixture.phones.length]?.guestId ?? "", {
          integrationId: fixture.integrationId,
        }),
      { concurrency: 32, durationMs: baselineMs },
    );
    return [
      {
        suite: "pos ingestion",
        subject: endToEnd,
        baseline,
        goal: { opsPerSecondAtLeast: 1000 },
      },
      { suite: "pos ingestion", subject: intake, baseline },
      { suite: "pos ingestion", subject: steady, baseline },
    ];
  } finally {
    await stopWorkers();
    await new Promise((resolve) => server.close(resolve));
  }
}
