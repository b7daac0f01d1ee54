// The outbox relay: the verbs write events into outbox_events in the same transaction as the
// change they announce; this loop moves them to the events queue. Each pass locks a batch (SKIP
// LOCKED, so two relays never take the same rows), adds one job per event, and marks the batch
// published in that same transaction. A crash between the Redis add and the commit publishes the
// batch again, which BullMQ ignores because each job id names its event.
import type { Logger } from "@maxl/api";
import type pg from "pg";
import { eventJobId, type PublishedEvent } from "../events/published-event.ts";
import type { Enqueuer } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";

export interface OutboxRelayOptions {
  /** maxl_platform's pool: the relay reads every tenant's outbox */
  pool: pg.Pool;
  publisher: Pick<Enqueuer, "enqueueMany">;
  logger: Logger;
  /** events per pass (100) */
  batchSize?: number;
  /** wait between passes once the outbox is drained (250 ms) */
  pollMs?: number;
  /**
   * How long an add may take before the pass gives up (5 s). The batch's rows stay locked while
   * it waits, and a queue connection waits for Redis to come back rather than failing.
   */
  publishTimeoutMs?: number;
  /** the wait after a failed pass doubles from `initialMs` up to `maxMs` (250 ms, 10 s) */
  backoff?: { initialMs: number; maxMs: number };
}

export interface RelayPass {
  published: number;
  /** events taken but not published; they were left unpublished and their attempt recorded */
  failed: number;
  error?: unknown;
}

export interface OutboxRelay {
  /** Starts the loop in the background. */
  start(): void;
  /** Stops the loop; resolves once the pass in progress has finished. */
  stop(): Promise<void>;
  /** One pass: publishes up to a batch of events. */
  publishBatch(): Promise<RelayPass>;
}

interface OutboxRow {
  tenant_id: string;
  id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

const takeBatch = `
  SELECT tenant_id, id::text AS id, type, payload, created_at
    FROM outbox_events
   WHERE published_at IS NULL
   ORDER BY id
   LIMIT $1
     FOR UPDATE SKIP LOCKED`;

const markPublished = `
  UPDATE outbox_events o SET published_at = now()
    FROM unnest($1::uuid[], $2::bigint[]) AS b(tenant_id, id)
   WHERE o.tenant_id = b.tenant_id AND o.id = b.id`;

const recordFailure = `
  UPDATE outbox_events o SET attempts = o.attempts + 1, last_error = $3
    FROM unnest($1::uuid[], $2::bigint[]) AS b(tenant_id, id)
   WHERE o.tenant_id = b.tenant_id AND o.id = b.id AND o.published_at IS NULL`;

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, publisher, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 250;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 10_000 };

  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  const publishBatch = async (): Promise<RelayPass> => {
    const client = await pool.connect();
    let batch: OutboxRow[] = [];
    let publishError: unknown;
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      batch = (await client.query<OutboxRow>(takeBatch, [batchSize])).rows;
      if (batch.length > 0) {
        try {
          await withTimeout(publisher.enqueueMany(queueNames.events, batch.map(toJob)), publishTimeoutMs);
        } catch (error) {
          publishError = error ?? new Error("publishing failed");
        }
      }
      if (publishError === undefined) {
        if (batch.length > 0) await client.query(markPublished, keysOf(batch));
        await client.query("COMMIT");
      } else {
        await client.query("ROLLBACK");
      }
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      // A client whose query failed may have lost its connection: pg destroys it instead.
      client.release(broken);
    }
    if (publishError === undefined) return { published: batch.length, failed: 0 };
    // Outside the rolled-back transaction, so the attempt is recorded even though nothing else is.
    await pool
      .query(recordFailure, [...keysOf(batch), describe(publishError).slice(0, 1_000)])
      .catch((error: unknown) => logger.warn({ err: error }, "outbox relay: cannot record a failed attempt"));
    return { published: 0, failed: batch.length, error: publishError };
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      let waitMs: number;
      try {
        const pass = await publishBatch();
        if (pass.failed > 0) throw pass.error;
        if (failures > 0) logger.info({ failedPasses: failures }, "outbox relay: publishing again");
        failures = 0;
        if (pass.published > 0) logger.debug({ published: pass.published }, "outbox relay: published events");
        // A full batch means more are probably waiting: no pause until the outbox is drained.
        waitMs = pass.published === batchSize ? 0 : pollMs;
      } catch (error) {
        failures += 1;
        waitMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
        // One warning when it starts failing; the attempts are on the rows themselves.
        const level = failures === 1 ? "warn" : "debug";
        logger[level]({ err: error, retryInMs: waitMs, failedPasses: failures }, "outbox relay: pass failed");
      }
      if (waitMs > 0 && !stopping) await sleep(waitMs);
    }
  };

  return {
    publishBatch,

    start() {
      if (running) return;
      stopping = false;
      running = loop().finally(() => {
        running = undefined;
      });
      logger.info({ batchSize, pollMs }, "outbox relay started");
    },

    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}

function toJob(row: OutboxRow) {
  const data: PublishedEvent = {
    tenantId: row.tenant_id,
    eventId: row.id,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
  };
  return { name: row.type, data, options: { jobId: eventJobId(row.tenant_id, row.id) } };
}

function keysOf(batch: readonly OutboxRow[]): [string[], string[]] {
  return [batch.map((row) => row.tenant_id), batch.map((row) => row.id)];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  // The add may still settle after we gave up on it; that must not be an unhandled rejection.
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not take the events within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
