// The POS inbox relay: hands events the intake stored in pos_events to the POS queue, one job per
// batch of a tenant's events (job id from the batch's events, so handing the same batch over again
// is a no-op; an event handed over twice in different batches is still credited once). It is also
// the sweeper the intake relies on when Redis is away: anything still `received` and not handed
// over, or handed over long ago and still waiting (its job lost with Redis), is picked up on the
// next pass. The intake's NOTIFY wakes it at once; without it (or with LISTEN lost) it polls.
import { createHash } from "node:crypto";
import type { Logger } from "@maxl/api";
import { POS_INBOX_CHANNEL } from "@maxl/api";
import pg from "pg";
import type { Enqueuer } from "../jobs/definition.ts";
import { type BatchRelay, type BatchRelayOptions, createBatchRelay } from "../relay/batch-relay.ts";
import { POS_BATCH_SIZE, posJobOptions, processPosEventJob } from "./process-job.ts";

export interface PosInboxRelayOptions extends Omit<BatchRelayOptions, "pool" | "logger"> {
  /** maxl_platform's pool: the relay reads every tenant's inbox */
  pool: pg.Pool;
  /** maxl_platform's URL, for the LISTEN connection; without it the relay only polls */
  listenUrl?: string;
  publisher: Pick<Enqueuer, "enqueueMany">;
  logger: Logger;
  /** a handed-over event still waiting after this long is handed over again (120 s) */
  staleAfterMs?: number;
  /** how often refunds waiting for a sale that has arrived meanwhile are woken (30 s) */
  sweepEveryMs?: number;
}

export interface PosInboxRelay extends BatchRelay {
  /** Wakes refunds whose sale is in (a refund that raced its sale); returns how many. */
  sweepAwaitingRefunds(): Promise<number>;
}

interface InboxRow {
  tenant_id: string;
  id: string;
}

// The waiting events never handed over come first (their coalesce is -infinity), then those
// handed over longest ago; the expression is pos_events_waiting_idx's, so this is one range scan
// that stops at the batch, however long the backlog.
const takeBatch = `
  SELECT tenant_id, id FROM pos_events
   WHERE status = 'received' AND coalesce(enqueued_at, '-infinity'::timestamptz) < now() - make_interval(secs => $2)
   ORDER BY coalesce(enqueued_at, '-infinity'::timestamptz)
   LIMIT $1
     FOR UPDATE SKIP LOCKED`;

const markEnqueued = `
  UPDATE pos_events e SET enqueued_at = now()
    FROM unnest($1::uuid[], $2::uuid[]) AS b(tenant_id, id)
   WHERE e.tenant_id = b.tenant_id AND e.id = b.id`;

// The refunds still waiting are picked first (few, through the status index) and each is then
// probed for its sale by the sale's unique key. Written as one join of the two tables, a planner
// without fresh statistics (autovacuum off, or a table that just grew) chose a nested loop over
// sequential scans of both: with 25 000 checks it held a core for minutes, every 30 s.
const wakeAwaiting = `
  WITH waiting AS MATERIALIZED (
    SELECT tenant_id, id, integration_id, refund_of FROM pos_events
     WHERE status = 'awaiting_sale' AND updated_at < now() - interval '5 seconds'
  ), sale_in AS MATERIALIZED (
    SELECT w.tenant_id, w.id FROM waiting w
     WHERE EXISTS (SELECT 1 FROM checks c
                    WHERE c.tenant_id = w.tenant_id AND c.integration_id = w.integration_id
                      AND c.external_id = w.refund_of AND c.kind = 'sale')
  )
  UPDATE pos_events e SET status = 'received', enqueued_at = NULL, attempts = 0, updated_at = now()
    FROM sale_in s
   WHERE e.tenant_id = s.tenant_id AND e.id = s.id AND e.status = 'awaiting_sale'`;

/** One job per tenant and up to POS_BATCH_SIZE events. */
function batchJobs(rows: readonly InboxRow[]) {
  const byTenant = new Map<string, string[]>();
  for (const row of rows) byTenant.set(row.tenant_id, [...(byTenant.get(row.tenant_id) ?? []), row.id]);
  return [...byTenant].flatMap(([tenantId, ids]) =>
    Array.from({ length: Math.ceil(ids.length / POS_BATCH_SIZE) }, (_, index) => {
      const eventIds = ids.slice(index * POS_BATCH_SIZE, (index + 1) * POS_BATCH_SIZE).sort();
      const digest = createHash("sha256").update(eventIds.join(",")).digest("hex").slice(0, 32);
      return {
        name: processPosEventJob.name,
        data: { tenantId, eventIds },
        options: { ...posJobOptions, jobId: `pos-${digest}` },
      };
    }),
  );
}

export function createPosInboxRelay(options: PosInboxRelayOptions): PosInboxRelay {
  const { publisher, listenUrl, logger, pool, staleAfterMs = 120_000, sweepEveryMs = 30_000, ...rest } = options;
  const relay = createBatchRelay<InboxRow>(
    {
      name: "pos inbox relay",
      take: async (client, limit) => (await client.query<InboxRow>(takeBatch, [limit, staleAfterMs / 1000])).rows,
      publish: (rows) => publisher.enqueueMany(processPosEventJob.queue, batchJobs(rows)),
      mark: (client, rows) => client.query(markEnqueued, [rows.map((row) => row.tenant_id), rows.map((row) => row.id)]),
    },
    { ...rest, pool, logger },
  );

  let listener: pg.Client | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopped = true;

  const sweepAwaitingRefunds = async () => {
    const { rowCount } = await pool.query(wakeAwaiting);
    if (rowCount) relay.wake();
    return rowCount ?? 0;
  };

  const listen = async (attempt = 0): Promise<void> => {
    if (!listenUrl || stopped) return;
    const client = new pg.Client({ connectionString: listenUrl, application_name: "maxloyalty-pos-relay" });
    client.on("notification", () => relay.wake());
    client.on("error", (error) => {
      logger.warn({ err: error }, "pos inbox relay: LISTEN connection lost; polling until it is back");
      client.end().catch(() => {});
      if (listener === client) listener = undefined;
      const retryMs = Math.min(1_000 * 2 ** attempt, 30_000);
      setTimeout(() => void listen(attempt + 1), retryMs).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${POS_INBOX_CHANNEL}`);
      if (stopped) {
        await client.end();
        return;
      }
      listener = client;
    } catch (error) {
      client.emit("error", error);
    }
  };

  return {
    ...relay,
    sweepAwaitingRefunds,

    start() {
      stopped = false;
      relay.start();
      void listen();
      sweepTimer = setInterval(() => {
        sweepAwaitingRefunds().catch((error: unknown) =>
          logger.warn({ err: error }, "pos inbox relay: sweep of waiting refunds failed"),
        );
      }, sweepEveryMs);
      sweepTimer.unref();
    },

    async stop() {
      stopped = true;
      clearInterval(sweepTimer);
      const closing = listener?.end().catch(() => {});
      listener = undefined;
      await Promise.all([relay.stop(), closing]);
    },
  };
}
