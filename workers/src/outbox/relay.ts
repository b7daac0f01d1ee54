// The outbox relay: the verbs write events into outbox_events in the same transaction as the
// change they announce; this relay moves them to the events queue (see relay/batch-relay.ts for
// the loop and its guarantees). A failed hand-over is recorded on the events themselves.
import type { Logger } from "@maxl/api";
import type pg from "pg";
import { EVENT_BATCH_JOB, EVENTS_PER_JOB, eventBatchJobId, type PublishedEvent } from "../events/published-event.ts";
import type { Enqueuer } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";
import { type BatchRelay, type BatchRelayOptions, createBatchRelay, describeError } from "../relay/batch-relay.ts";

export type { RelayPass } from "../relay/batch-relay.ts";

export interface OutboxRelayOptions extends Omit<BatchRelayOptions, "pool" | "logger"> {
  /** maxl_platform's pool: the relay reads every tenant's outbox */
  pool: pg.Pool;
  publisher: Pick<Enqueuer, "enqueueMany">;
  logger: Logger;
}

export type OutboxRelay = BatchRelay;

interface OutboxRow {
  tenant_id: string;
  id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

// Ordered by the table's bigint id, not the text alias of the same name (which would sort "10"
// before "9" and could not use the partial index on id of the unpublished rows).
const takeBatch = `
  SELECT o.tenant_id, o.id::text AS id, o.type, o.payload, o.created_at
    FROM outbox_events o
   WHERE o.published_at IS NULL
   ORDER BY o.id
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
  const { publisher, ...relayOptions } = options;
  return createBatchRelay<OutboxRow>(
    {
      name: "outbox relay",
      take: async (client, limit) => (await client.query<OutboxRow>(takeBatch, [limit])).rows,
      publish: (rows) => publisher.enqueueMany(queueNames.events, toJobs(rows)),
      mark: (client, rows) => client.query(markPublished, keysOf(rows)),
      recordFailure: (pool, rows, error) =>
        pool.query(recordFailure, [...keysOf(rows), describeError(error).slice(0, 1_000)]),
    },
    relayOptions,
  );
}

function toEvent(row: OutboxRow): PublishedEvent {
  return {
    tenantId: row.tenant_id,
    eventId: row.id,
    type: row.type,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
  };
}

/** The pass's rows as jobs of up to EVENTS_PER_JOB events each, in outbox order. */
function toJobs(rows: readonly OutboxRow[]) {
  const jobs = [];
  for (let start = 0; start < rows.length; start += EVENTS_PER_JOB) {
    const events = rows.slice(start, start + EVENTS_PER_JOB).map(toEvent);
    jobs.push({ name: EVENT_BATCH_JOB, data: { events }, options: { jobId: eventBatchJobId(events) } });
  }
  return jobs;
}

function keysOf(batch: readonly OutboxRow[]): [string[], string[]] {
  return [batch.map((row) => row.tenant_id), batch.map((row) => row.id)];
}
