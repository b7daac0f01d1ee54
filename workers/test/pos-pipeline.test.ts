// The POS pipeline with its real parts: signed webhooks into the API, the durable inbox in
// PostgreSQL, the relay handing events to BullMQ, workers crediting them. Redis is cut during
// intake; a workers process is killed mid-batch and another is stopped with SIGTERM; every check
// must earn exactly once.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startTcpProxy, type TcpProxy, viaPort } from "@maxl/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { addGuest, type Connected, connectIntegration, postCheck, saleCheck } from "../../api/test/pos/pos-support.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { createPosInboxRelay } from "../src/pos/inbox-relay.ts";
import { processPosEventJob } from "../src/pos/process-job.ts";
import { queueNames } from "../src/queues.ts";
import { createTestWorld, eventually, logger, runtimeWith, services, sleep, TEST_ENCRYPTION_KEY } from "./support.ts";

let test: TestApp;
let world: World;

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test, undefined, { bot: false });
});

afterAll(async () => {
  await test.close();
});

interface Counts {
  received: number;
  processed: number;
  other: number;
}

async function statusCounts(integrationId: string): Promise<Counts> {
  return test.db.withTenantClient(world.tenantId, async (client) => {
    const { rows } = await client.query<{ status: string; n: string }>(
      "SELECT status::text, count(*) AS n FROM pos_events WHERE integration_id = $1 GROUP BY status",
      [integrationId],
    );
    const counts: Counts = { received: 0, processed: 0, other: 0 };
    for (const row of rows) {
      if (row.status === "received") counts.received += Number(row.n);
      else if (row.status === "processed") counts.processed += Number(row.n);
      else counts.other += Number(row.n);
    }
    return counts;
  });
}

/** Operations per check and the guests' balances, to prove each check earned exactly once. */
async function ledgerOf(integrationId: string, guestIds: string[]) {
  return test.db.withTenantClient(world.tenantId, async (client) => {
    const operations = await client.query<{ external_id: string; n: string }>(
      `SELECT c.external_id, count(o.id) AS n FROM checks c JOIN loyalty_operations o ON o.check_id = c.id
        WHERE c.integration_id = $1 GROUP BY c.external_id`,
      [integrationId],
    );
    const balances = await client.query<{ id: string; balance: number; entries: string }>(
      `SELECT g.id, g.balance, (SELECT coalesce(sum(points), 0) FROM ledger_entries e WHERE e.guest_id = g.id) AS entries
         FROM guests g WHERE g.id = ANY($1::uuid[])`,
      [guestIds],
    );
    return { operations: operations.rows, balances: balances.rows };
  });
}

/** Posts `perGuest` checks for each of `guests` new guests; returns what each guest should earn. */
async function sendChecks(pos: Connected, guests: number, perGuest: number) {
  const expected = new Map<string, number>();
  const checks: { guestId: string; check: ReturnType<typeof saleCheck> }[] = [];
  for (let g = 0; g < guests; g++) {
    const phone = `+7950${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const guestId = await addGuest(test, world.tenantId, phone);
    for (let i = 0; i < perGuest; i++) {
      // Small enough that no guest reaches Silver (10 000.00): every check earns Bronze's 5 %.
      // 5 % of 20.00 · (i + 1) is i + 1 points (a point is worth 1.00).
      const amountMinor = 2_000 * (i + 1);
      checks.push({ guestId, check: saleCheck({ amountMinor, guest: { phone } }) });
      expected.set(guestId, (expected.get(guestId) ?? 0) + (i + 1));
    }
  }
  for (let i = 0; i < checks.length; i += 25) {
    const responses = await Promise.all(
      checks.slice(i, i + 25).map(({ check }) => postCheck(test, pos.integrationId, pos.secret, check)),
    );
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 202));
  }
  return { expected, total: checks.length };
}

async function expectEarnedOnce(pos: Connected, expected: Map<string, number>, total: number) {
  const ledger = await ledgerOf(pos.integrationId, [...expected.keys()]);
  expect(ledger.operations).toHaveLength(total);
  expect(ledger.operations.every((row) => row.n === "1")).toBe(true);
  for (const row of ledger.balances) {
    expect({ guest: row.id, balance: row.balance, entries: Number(row.entries) }).toEqual({
      guest: row.id,
      balance: expected.get(row.id),
      entries: expected.get(row.id),
    });
  }
}

describe("with Redis away during intake", () => {
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await startTcpProxy("127.0.0.1", Number(new URL(services.redisUrl).port || 6379));
  });

  afterAll(async () => {
    await proxy.close();
  });

  it("accepts every check, and credits them all once Redis is back", async () => {
    const pos = await connectIntegration(test, world, { kind: "generic", name: "Outage till" });
    const workers = await createTestWorld();
    const runtime = runtimeWith(workers, [processPosEventJob], { redisUrl: viaPort(services.redisUrl, proxy.port) });
    const relay = createPosInboxRelay({
      pool: workers.platformDb.pool,
      listenUrl: services.platformUrl,
      publisher: runtime,
      logger,
      pollMs: 100,
      publishTimeoutMs: 500,
      backoff: { initialMs: 100, maxMs: 400 },
    });
    try {
      await runtime.start();
      relay.start();
      await proxy.cut();
      const { expected, total } = await sendChecks(pos, 5, 4);
      expect(await statusCounts(pos.integrationId)).toEqual({ received: total, processed: 0, other: 0 });
      await sleep(500);
      expect((await statusCounts(pos.integrationId)).processed).toBe(0);
      await proxy.restore();
      await eventually(
        () => statusCounts(pos.integrationId),
        (counts) => counts.processed === total,
        20_000,
      );
      await expectEarnedOnce(pos, expected, total);
    } finally {
      await proxy.restore().catch(() => {});
      await relay.stop();
      await runtime.close();
      await workers.close();
    }
  }, 40_000);
});

describe("a workers process that dies or is stopped", () => {
  const bullPrefix = `test:${randomUUID()}`;
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
  });

  function startWorkers(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: {
        ...process.env,
        NODE_ENV: "test",
        LOG_LEVEL: process.env.DEBUG_WORKERS ? "info" : "silent",
        DATABASE_URL: services.appUrl,
        DATABASE_PLATFORM_URL: services.platformUrl,
        REDIS_URL: services.redisUrl,
        APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        TELEGRAM_API_ROOT: "http://127.0.0.1:9",
        BULL_PREFIX: bullPrefix,
        WORKER_LOCK_MS: "2000",
        // One batch at a time, so a stop lands with work in flight and work still waiting.
        WORKER_CONCURRENCY_POS: "1",
        POS_RELAY_POLL_MS: "100",
      },
      stdio: ["ignore", "ignore", process.env.DEBUG_WORKERS ? "inherit" : "ignore"],
    });
    children.push(child);
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const processedAtLeast = (pos: Connected, count: number, timeoutMs: number) =>
    eventually(
      () => statusCounts(pos.integrationId),
      (counts) => counts.processed >= count,
      timeoutMs,
    );

  /** A new process takes the rest; every check has earned exactly once; it stops cleanly. */
  async function secondProcessFinishes(pos: Connected, expected: Map<string, number>, total: number) {
    const second = startWorkers();
    await processedAtLeast(pos, total, 45_000);
    await expectEarnedOnce(pos, expected, total);
    const stopped = exited(second);
    second.kill("SIGTERM");
    expect(await stopped).toBe(0);
  }

  it("credits every check exactly once when a worker is killed mid-batch", async () => {
    const pos = await connectIntegration(test, world, { kind: "generic", name: "Kill till" });
    const { expected, total } = await sendChecks(pos, 10, 30);
    const first = startWorkers();
    await processedAtLeast(pos, 10, 30_000);
    const killed = exited(first);
    first.kill("SIGKILL");
    await killed;
    const atKill = await statusCounts(pos.integrationId);
    expect(atKill.processed).toBeLessThan(total);
    await secondProcessFinishes(pos, expected, total);
  }, 90_000);

  it("finishes the jobs in flight on SIGTERM, and the next process takes the rest", async () => {
    const pos = await connectIntegration(test, world, { kind: "generic", name: "Term till" });
    const { expected, total } = await sendChecks(pos, 10, 30);
    const first = startWorkers();
    await processedAtLeast(pos, 10, 30_000);
    const stopped = exited(first);
    first.kill("SIGTERM");
    expect(await stopped).toBe(0);
    expect((await statusCounts(pos.integrationId)).processed).toBeLessThan(total);
    // Nothing was left half-done: an event a worker had started is settled.
    const started = await test.db.withTenantClient(world.tenantId, async (client) => {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pos_events WHERE integration_id = $1 AND status = 'received' AND attempts > 0",
        [pos.integrationId],
      );
      return Number(rows[0]?.n);
    });
    expect(started).toBe(0);
    await secondProcessFinishes(pos, expected, total);
  }, 90_000);
});

it("wakes a refund that raced its sale and was left waiting", async () => {
  const pos = await connectIntegration(test, world, { kind: "generic", name: "Race till" });
  const phone = "+79500000077";
  const guestId = await addGuest(test, world.tenantId, phone);
  const sale = saleCheck({ amountMinor: 20_000, guest: { phone } });
  const refund = saleCheck({
    externalId: `${sale.externalId}-r`,
    type: "refund",
    refundOf: sale.externalId,
    amountMinor: 20_000,
  });
  await postCheck(test, pos.integrationId, pos.secret, sale);
  await postCheck(test, pos.integrationId, pos.secret, refund);
  const workers = await createTestWorld();
  const relay = createPosInboxRelay({
    pool: workers.platformDb.pool,
    publisher: { enqueueMany: async () => [] },
    logger,
  });
  try {
    const { processPosEvents } = await import("@maxl/api");
    const ids = await test.db.withTenantClient(world.tenantId, async (client) => {
      const { rows } = await client.query<{ id: string; event_id: string }>(
        "SELECT id, event_id FROM pos_events WHERE integration_id = $1",
        [pos.integrationId],
      );
      return Object.fromEntries(rows.map((row) => [row.event_id, row.id]));
    });
    await processPosEvents(workers.engine, world.tenantId, [ids[sale.externalId] ?? ""], { maxAttempts: 3 });
    // As if the refund had looked for its sale just before the sale committed.
    await test.db.withTenantClient(world.tenantId, (client) =>
      client.query(
        "UPDATE pos_events SET status = 'awaiting_sale', updated_at = now() - interval '1 minute' WHERE id = $1",
        [ids[refund.externalId]],
      ),
    );
    expect(await relay.sweepAwaitingRefunds()).toBeGreaterThanOrEqual(1);
    const outcomes = await processPosEvents(workers.engine, world.tenantId, [ids[refund.externalId] ?? ""], {
      maxAttempts: 3,
    });
    expect(outcomes.get(ids[refund.externalId] ?? "")).toMatchObject({ status: "processed", pointsDelta: -10 });
    expect((await ledgerOf(pos.integrationId, [guestId])).balances[0]?.balance).toBe(0);
  } finally {
    await workers.close();
  }
});

it("names the POS queue in the registry", () => {
  expect(processPosEventJob.queue).toBe(queueNames.pos);
});
