// The outbox relay: the verbs write events into outbox_events in the same transaction as the
// change they announce; this relay moves them to the events queue (see relay/batch-relay.ts for
// the loop and its guarantees). A failed hand-over is recorded on the events themselves.
import type { Logger } from "@maxl/api";
import type pg from "pg";
import { eventJobId, type PublishedEvent } from "../events/published-event.ts";
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
  const { publisher, ...relayOptions } = options;
  return createBatchRelay<OutboxRow>(
    {
      name: "outbox relay",
      take: async (client, limit) => (await client.query<OutboxRow>(takeBatch, [limit])).rows,
      publish: (rows) => publisher.enqueueMany(queueNames.events, rows.map(toJob)),
      mark: (client, rows) => client.query(markPublished, keysOf(rows)),
      recordFailure: (pool, rows, error) =>
        pool.query(recordFailure, [...keysOf(rows), describeError(error).slice(0, 1_000)]),
    },
    relayOptions,
  );
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
