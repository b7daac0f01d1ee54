// The POS inbox keeps finished events POS_EVENT_RETENTION_DAYS (30 by default) for support, then
// deletes them every night. Runs as maxl_platform, integration by integration (so tenant by
// tenant), in batches on an index, each batch its own short statement, like the audit purge.
//
// Finished means nothing will ever act on the event again:
// - processed: its points moved; the check it made lives on in checks, and a refund finds its
//   sale there, not here. A POS repeating it later is stored anew and earns nothing: the engine's
//   idempotency key (loyalty_operations, never purged) answers with the first result.
// - rejected: the admin had the retention window to fix the cause and replay it.
// - unidentified, once its attach window (attachWindowHours after closedAt) has closed: staff can
//   no longer attach it. A refund waiting for it stays awaiting_sale either way.
// Never deleted, whatever their age: received (waiting or being retried), awaiting_sale (a refund
// whose sale may still come), dead (admins must see and replay it), and unidentified checks that
// can still be attached. There is no "duplicate" state: a repeat delivery is never stored.
// No table references pos_events (the keys go from it to checks, guests, restaurants), and the
// audit entries of replays and attaches name the event by id only, as a record.
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const DEFAULT_POS_EVENT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface IntegrationRow {
  tenant_id: string;
  id: string;
  attach_hours: number;
}

// The attach window as unidentifiedChecks and attachPosCheck read it (72 hours unless set).
const INTEGRATIONS = `
  SELECT tenant_id, id, coalesce((config->>'attachWindowHours')::int, 72) AS attach_hours
    FROM pos_integrations ORDER BY tenant_id, id`;

// Before anything goes: the newest event, so the status page's "last event" survives the purge,
// and the cutoff, so it can say from when its counts of finished events start.
const NOTE_ON_INTEGRATION = `
  UPDATE pos_integrations i
     SET last_event_at = greatest(i.last_event_at,
           (SELECT max(e.received_at) FROM pos_events e WHERE e.tenant_id = i.tenant_id AND e.integration_id = i.id)),
         events_purged_before = $3
   WHERE i.tenant_id = $1 AND i.id = $2`;

// A batch's ids are taken first (ARRAY: evaluated once, in index order) and then deleted by
// primary key, so no planner, even without statistics, can make a batch walk the whole tenant.
// The ids are locked as they are taken, which checks the conditions again on each row as it is
// now: an event an admin replays meanwhile (rejected -> received) is left alone, and one locked
// by a writer is skipped until the next night rather than waited for.
// One status at a time: each batch is one range of (tenant_id, integration_id, status, received_at).
const DELETE_FINISHED = `
  DELETE FROM pos_events
   WHERE tenant_id = $1
     AND id = ANY(ARRAY(SELECT id FROM pos_events
                         WHERE tenant_id = $1 AND integration_id = $2 AND status = $3::pos_event_status
                           AND received_at < $4
                         ORDER BY received_at LIMIT $5
                           FOR UPDATE SKIP LOCKED))`;

// Unidentified sales through pos_events_unidentified_idx (tenant_id, closed_at): only those whose
// window has closed, and only once they are as old as any other finished event.
const DELETE_UNATTACHABLE = `
  DELETE FROM pos_events
   WHERE tenant_id = $1
     AND id = ANY(ARRAY(SELECT id FROM pos_events
                         WHERE tenant_id = $1 AND status = 'unidentified' AND closed_at < $3
                           AND integration_id = $2 AND received_at < $4
                         ORDER BY closed_at LIMIT $5
                           FOR UPDATE SKIP LOCKED))`;

export function purgePosEvents(retentionDays: number = DEFAULT_POS_EVENT_RETENTION_DAYS) {
  return defineJob({
    queue: queueNames.maintenance,
    name: "pos-events.purge",
    schema: z.object({
      retentionDays: z.number().int().positive(),
      batchSize: z.number().int().min(1).max(50_000).default(5_000),
    }),
    schedule: { pattern: "30 1 * * *", data: { retentionDays } },
    async handle({ retentionDays: days, batchSize }, { platformDb, engine, logger }) {
      const now = engine.clock().getTime();
      const cutoff = new Date(now - days * DAY_MS);
      const pool = platformDb.pool;
      /** Deletes batch after batch until one comes back short; returns how many went. */
      const drain = async (sql: string, params: unknown[]) => {
        let total = 0;
        for (;;) {
          const count = (await pool.query(sql, [...params, batchSize])).rowCount ?? 0;
          total += count;
          if (count < batchSize) return total;
        }
      };

      const deleted = { processed: 0, rejected: 0, unidentified: 0 };
      const { rows: integrations } = await pool.query<IntegrationRow>(INTEGRATIONS);
      for (const { tenant_id: tenantId, id, attach_hours: attachHours } of integrations) {
        await pool.query(NOTE_ON_INTEGRATION, [tenantId, id, cutoff]);
        for (const status of ["processed", "rejected"] as const) {
          deleted[status] += await drain(DELETE_FINISHED, [tenantId, id, status, cutoff]);
        }
        const attachableSince = new Date(now - attachHours * HOUR_MS);
        deleted.unidentified += await drain(DELETE_UNATTACHABLE, [tenantId, id, attachableSince, cutoff]);
      }
      logger.info({ deleted, retentionDays: days, cutoff: cutoff.toISOString() }, "purged finished POS events");
      return { deleted, cutoff: cutoff.toISOString() };
    },
  });
}
