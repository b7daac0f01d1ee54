// The loop behind both relays that move rows from PostgreSQL to BullMQ (the outbox's events and
// the POS inbox's checks). Each pass locks a batch of rows (SKIP LOCKED, so two relays never take
// the same rows), adds one job per row, and marks the batch in that same transaction. A crash
// between the Redis add and the commit hands the batch over again, which BullMQ ignores because
// each job id names its row. While Redis is away passes fail, the rows stay where they are, and
// the loop backs off; nothing is lost.
import type { Logger } from "@maxl/api";
import type pg from "pg";

export interface BatchRelaySpec<Row> {
  /** for logs */
  name: string;
  /** locks and returns up to `limit` rows inside the open transaction */
  take(client: pg.PoolClient, limit: number): Promise<Row[]>;
  /** hands the rows to the queue */
  publish(rows: readonly Row[]): Promise<unknown>;
  /** marks the rows as handed over, inside the same transaction */
  mark(client: pg.PoolClient, rows: readonly Row[]): Promise<unknown>;
  /** records a failed hand-over on the rows, outside the rolled-back transaction */
  recordFailure?(pool: pg.Pool, rows: readonly Row[], error: unknown): Promise<unknown>;
}

export interface BatchRelayOptions {
  pool: pg.Pool;
  logger: Logger;
  /** rows per pass (100) */
  batchSize?: number;
  /** wait between passes once drained (250 ms) */
  pollMs?: number;
  /**
   * How long a hand-over may take before the pass gives up (5 s). The batch's rows stay locked
   * while it waits, and a queue connection waits for Redis to come back rather than failing.
   */
  publishTimeoutMs?: number;
  /** the wait after a failed pass doubles from `initialMs` up to `maxMs` (250 ms, 10 s) */
  backoff?: { initialMs: number; maxMs: number };
}

export interface RelayPass {
  published: number;
  /** rows taken but not handed over; they were left as they were */
  failed: number;
  error?: unknown;
}

export interface BatchRelay {
  /** Starts the loop in the background. */
  start(): void;
  /** Stops the loop; resolves once the pass in progress has finished. */
  stop(): Promise<void>;
  /** One pass: hands over up to a batch of rows. */
  publishBatch(): Promise<RelayPass>;
  /** Ends the current pause at once (e.g. on a NOTIFY that new rows are waiting). */
  wake(): void;
}

export function createBatchRelay<Row>(spec: BatchRelaySpec<Row>, options: BatchRelayOptions): BatchRelay {
  const { pool, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 250;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 10_000 };

  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  // A wake-up that arrives during a pass must not be lost: the next pause is skipped instead.
  let woken = false;

  const publishBatch = async (): Promise<RelayPass> => {
    const client = await pool.connect();
    let batch: Row[] = [];
    let publishError: unknown;
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      batch = await spec.take(client, batchSize);
      if (batch.length > 0) {
        try {
          await withTimeout(spec.publish(batch), publishTimeoutMs);
        } catch (error) {
          publishError = error ?? new Error("publishing failed");
        }
      }
      if (publishError === undefined) {
        if (batch.length > 0) await spec.mark(client, batch);
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
    await spec
      .recordFailure?.(pool, batch, publishError)
      .catch((error: unknown) => logger.warn({ err: error }, `${spec.name}: cannot record a failed attempt`));
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
      woken = false;
      try {
        const pass = await publishBatch();
        if (pass.failed > 0) throw pass.error;
        if (failures > 0) logger.info({ failedPasses: failures }, `${spec.name}: publishing again`);
        failures = 0;
        if (pass.published > 0) logger.debug({ published: pass.published }, `${spec.name}: handed over`);
        // A full batch means more are probably waiting: no pause until drained.
        waitMs = pass.published === batchSize || woken ? 0 : pollMs;
      } catch (error) {
        failures += 1;
        waitMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
        // One warning when it starts failing; later failures only at debug level.
        const level = failures === 1 ? "warn" : "debug";
        logger[level]({ err: error, retryInMs: waitMs, failedPasses: failures }, `${spec.name}: pass failed`);
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
      logger.info({ batchSize, pollMs }, `${spec.name} started`);
    },

    async stop() {
      stopping = true;
      wake?.();
      await running;
    },

    wake() {
      woken = true;
      wake?.();
    },
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  // The add may still settle after we gave up on it; that must not be an unhandled rejection.
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not take the jobs within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
