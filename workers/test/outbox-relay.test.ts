// The outbox relay against real PostgreSQL and Redis: every event reaches the events queue once,
// however many relays run, and an event survives Redis being away. All relays live in this one
// file: a relay takes every tenant's events, so one in another file would take ours.
import { createTestTenant, startTcpProxy, type TcpProxy, viaPort } from "@maxl/db/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventConsumer } from "../src/events/consumers.ts";
import { dispatchEventBatches } from "../src/events/dispatch.ts";
import {
  EVENT_BATCH_JOB,
  EVENTS_PER_JOB,
  eventBatchJobId,
  type PublishedEvent,
} from "../src/events/published-event.ts";
import type { Enqueuer } from "../src/jobs/definition.ts";
import { createOutboxRelay, type OutboxRelay } from "../src/outbox/relay.ts";
import { queueNames } from "../src/queues.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import {
  createTestWorld,
  eventually,
  logger,
  runtimeWith,
  services,
  settled,
  sleep,
  type TestWorld,
  writeOutboxEvents,
} from "./support.ts";

let world: TestWorld;
let tenantId: string;
beforeAll(async () => {
  world = await createTestWorld();
  tenantId = (await createTestTenant(world.db, "Relay tenant")).id;
});
afterAll(() => world.close());

interface OutboxState {
  id: string;
  published: boolean;
  attempts: number;
  last_error: string | null;
}

async function outboxRows(ids: readonly string[]): Promise<OutboxState[]> {
  const { rows } = await world.platformDb.pool.query<OutboxState>(
    `SELECT id::text AS id, published_at IS NOT NULL AS published, attempts, last_error
       FROM outbox_events WHERE tenant_id = $1 AND id = ANY($2::bigint[]) ORDER BY id`,
    [tenantId, ids],
  );
  return rows;
}

const allPublished = (rows: OutboxState[]) => rows.every((row) => row.published);

/** A runtime that knows the events queue but is not started, so published jobs stay to be read. */
function publishingRuntime(redisUrl?: string): WorkerRuntime {
  return runtimeWith(world, [dispatchEventBatches([])], redisUrl ? { redisUrl } : {});
}

/** `tenant.eventId`, the way these tests name an event across tenants. */
const keyOf = (tenant: string, eventId: string) => `${tenant}.${eventId}`;

/** The runtime's enqueueMany, noting every event handed to Redis (after an optional pause). */
function recording(runtime: WorkerRuntime, pauseMs = 0) {
  const jobIds: string[] = [];
  /** every event handed over, as tenant.eventId, once per time it was handed over */
  const events: string[] = [];
  const publisher: Pick<Enqueuer, "enqueueMany"> = {
    async enqueueMany(queue, jobs) {
      if (pauseMs > 0) await sleep(pauseMs);
      const added = await runtime.enqueueMany(queue, jobs);
      for (const job of jobs) {
        jobIds.push(job.options?.jobId ?? "?");
        const batch = (job.data as { events: PublishedEvent[] }).events;
        events.push(...batch.map((event) => keyOf(event.tenantId, event.eventId)));
      }
      return added;
    },
  };
  return { publisher, jobIds, events };
}

/** The batch job holding an event, found among the jobs the relay handed over. */
async function jobHolding(runtime: WorkerRuntime, jobIds: readonly string[], eventId: string) {
  for (const jobId of jobIds) {
    const job = await runtime.queue(queueNames.events).getJob(jobId);
    const events = (job?.data as { events?: PublishedEvent[] } | undefined)?.events ?? [];
    if (events.some((event) => event.tenantId === tenantId && event.eventId === eventId)) return job;
  }
  return undefined;
}

function relayWith(publisher: Pick<Enqueuer, "enqueueMany">, options: { batchSize?: number; pollMs?: number } = {}) {
  return createOutboxRelay({ pool: world.platformDb.pool, publisher, logger, ...options });
}

/**
 * Publishes everything other test files left unpublished in the shared test database. The relay
 * takes the oldest events first, so without this a backlog of thousands (POS batches, imports)
 * stands in front of a test's own events and the test waits on other files' work.
 */
async function drainBacklog(publisher: Pick<Enqueuer, "enqueueMany">): Promise<void> {
  const batchSize = 2_000;
  const drain = createOutboxRelay({ pool: world.platformDb.pool, publisher, logger, batchSize });
  for (let pass = 0; pass < 100; pass++) {
    if ((await drain.publishBatch()).published < batchSize) return;
  }
}

function countOf(values: readonly string[], value: string): number {
  return values.filter((candidate) => candidate === value).length;
}

describe("outbox relay", () => {
  beforeEach(async () => {
    const runtime = publishingRuntime();
    try {
      await drainBacklog(runtime);
    } finally {
      await runtime.close();
    }
  });

  it("publishes each unpublished event once, in outbox order, in jobs of up to EVENTS_PER_JOB, and marks it published", async () => {
    const runtime = publishingRuntime();
    try {
      const ids = await writeOutboxEvents(world.db, tenantId, EVENTS_PER_JOB + 25, "points.earned");
      const { publisher, jobIds, events } = recording(runtime);
      const relay = relayWith(publisher, { batchSize: 2 * EVENTS_PER_JOB });
      await eventually(
        async () => {
          await relay.publishBatch();
          return outboxRows(ids);
        },
        allPublished,
        30_000,
      );

      for (const [index, id] of ids.entries()) {
        expect(countOf(events, keyOf(tenantId, id))).toBe(1);
        const job = await jobHolding(runtime, jobIds, id);
        expect(job?.name).toBe(EVENT_BATCH_JOB);
        expect(job?.data.events).toContainEqual({
          tenantId,
          eventId: id,
          type: "points.earned",
          payload: { n: index + 1 },
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        });
      }
      for (const jobId of new Set(jobIds)) {
        const job = await runtime.queue(queueNames.events).getJob(jobId);
        const batch = (job?.data.events ?? []) as PublishedEvent[];
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(EVENTS_PER_JOB);
        expect(jobId).toBe(eventBatchJobId(batch));
        const order = batch.map((event) => BigInt(event.eventId));
        expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }

      const before = events.length;
      await relay.publishBatch();
      const mine = new Set(ids.map((id) => keyOf(tenantId, id)));
      expect(events.slice(before).filter((key) => mine.has(key))).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it("never lets two relays running side by side publish the same event", async () => {
    const runtime = publishingRuntime();
    const relays: OutboxRelay[] = [];
    try {
      const ids = await writeOutboxEvents(world.db, tenantId, 200);
      // A pause inside each pass keeps the batch locked while the other relay looks for work.
      const first = recording(runtime, 20);
      const second = recording(runtime, 20);
      relays.push(relayWith(first.publisher, { batchSize: 10, pollMs: 10 }));
      relays.push(relayWith(second.publisher, { batchSize: 10, pollMs: 10 }));
      for (const relay of relays) relay.start();
      await eventually(() => outboxRows(ids), allPublished, 20_000);
      await Promise.all(relays.map((relay) => relay.stop()));

      const everything = [...first.events, ...second.events];
      for (const id of ids) expect(countOf(everything, keyOf(tenantId, id))).toBe(1);
      expect(new Set(everything).size).toBe(everything.length);
      // both relays did take part, so the absence of duplicates means something
      const mine = (keys: string[]) => keys.filter((key) => key.startsWith(`${tenantId}.`)).length;
      expect(mine(first.events)).toBeGreaterThan(0);
      expect(mine(second.events)).toBeGreaterThan(0);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
      await runtime.close();
    }
  });

  it("keeps publishing from start() until stop()", async () => {
    const runtime = publishingRuntime();
    try {
      const relay = relayWith(runtime, { batchSize: 1_000, pollMs: 20 });
      relay.start();
      const ids = await writeOutboxEvents(world.db, tenantId, 3);
      await eventually(() => outboxRows(ids), allPublished);
      await relay.stop();
      const later = await writeOutboxEvents(world.db, tenantId, 1);
      await sleep(200);
      expect(await outboxRows(later)).toEqual([expect.objectContaining({ published: false, attempts: 0 })]);
    } finally {
      await runtime.close();
    }
  });

  it("stops in the middle of a slow pass only once the pass has committed", async () => {
    const runtime = publishingRuntime();
    try {
      const { publisher } = recording(runtime, 300);
      const relay = relayWith(publisher, { batchSize: 1_000 });
      const ids = await writeOutboxEvents(world.db, tenantId, 2);
      relay.start();
      await sleep(100);
      await relay.stop();
      expect(allPublished(await outboxRows(ids))).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  it("hands a published event to the consumers of its type", async () => {
    const received: PublishedEvent[] = [];
    const consumer: EventConsumer = {
      name: "test.expiry-notices",
      types: ["points.expired"],
      async handle(event) {
        if (event.tenantId === tenantId) received.push(event);
      },
    };
    const runtime = runtimeWith(world, [dispatchEventBatches([consumer])]);
    await runtime.start();
    try {
      const expired = await writeOutboxEvents(world.db, tenantId, 1, "points.expired");
      const earned = await writeOutboxEvents(world.db, tenantId, 1, "points.earned");
      const { publisher, jobIds } = recording(runtime);
      const relay = relayWith(publisher, { batchSize: 1_000 });
      await eventually(async () => {
        await relay.publishBatch();
        return outboxRows([...expired, ...earned]);
      }, allPublished);
      for (const id of [...expired, ...earned]) {
        const job = await jobHolding(runtime, jobIds, id);
        if (!job) throw new Error(`event ${id} was not queued`);
        expect(await settled(job)).toBe("completed");
      }
      expect(received).toEqual([
        expect.objectContaining({ eventId: expired[0], type: "points.expired", payload: { n: 1 } }),
      ]);
    } finally {
      await runtime.close();
    }
  });
});

describe("outbox relay while Redis is away", () => {
  let proxy: TcpProxy;
  let runtime: WorkerRuntime;

  beforeAll(async () => {
    proxy = await startTcpProxy("127.0.0.1", Number(new URL(services.redisUrl).port || 6379));
    runtime = publishingRuntime(viaPort(services.redisUrl, proxy.port));
    await runtime.queue(queueNames.events).waitUntilReady();
  });

  afterAll(async () => {
    await proxy.restore().catch(() => {});
    await runtime.close();
    await proxy.close();
  });

  it("leaves the events unpublished with the attempt recorded, and publishes them once Redis is back", async () => {
    // Whatever earlier tests left unpublished goes first, so the failed pass below holds ours.
    await drainBacklog(runtime);
    const ids = await writeOutboxEvents(world.db, tenantId, 3);
    const relay = createOutboxRelay({
      pool: world.platformDb.pool,
      publisher: runtime,
      logger,
      batchSize: 1_000,
      publishTimeoutMs: 300,
      backoff: { initialMs: 50, maxMs: 200 },
    });

    await proxy.cut();
    const pass = await relay.publishBatch();
    expect(pass.published).toBe(0);
    expect(pass.failed).toBeGreaterThanOrEqual(3);
    expect(await outboxRows(ids)).toEqual(
      ids.map((id) => ({ id, published: false, attempts: 1, last_error: expect.stringMatching(/Redis did not take/) })),
    );
    await relay.publishBatch();
    expect((await outboxRows(ids)).map((row) => row.attempts)).toEqual([2, 2, 2]);

    await proxy.restore();
    relay.start();
    try {
      await eventually(() => outboxRows(ids), allPublished, 15_000);
    } finally {
      await relay.stop();
    }
    const queued = await runtime.queue(queueNames.events).getJobs(["waiting"]);
    const held = queued.flatMap((job) => (job.data as { events: PublishedEvent[] }).events);
    for (const id of ids) {
      expect(held.filter((event) => event.tenantId === tenantId && event.eventId === id)).toHaveLength(1);
    }
  });
});
