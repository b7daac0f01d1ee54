// The outbox keeps published rows OUTBOX_RETENTION_DAYS (7 by default) after publishing, for
// support, then deletes them every night; a row not yet published is never touched. Runs as
// maxl_platform, tenant by tenant, in batches on an index, each batch its own short statement,
// like the audit purge.
//
// A row with a dedupe key is also the outbox's memory that its event went out: producers insert
// with ON CONFLICT (tenant_id, dedupe_key) DO NOTHING. Points-expiry reminders rely on it alone
// (remindExpiringPoints runs every few minutes and offers every lot expiring within the
// program's expiry_reminder_days), so deleting the row while its lot can still be offered would
// send the reminder again. Keyed rows therefore stay at least EXPIRY_REMINDER_MAX_DAYS (the most
// the program settings accept) and a day for clocks: by then the lot they announced has expired.
// The other keyed events (billing, broadcasts, event reminders) are guarded by their own state
// as well and need no more than that.
import { EXPIRY_REMINDER_MAX_DAYS } from "@maxl/api";
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const DEFAULT_OUTBOX_RETENTION_DAYS = 7;
export const DEDUPED_OUTBOX_MIN_DAYS = EXPIRY_REMINDER_MAX_DAYS + 1;
const DAY_MS = 86_400_000;

// A batch's ids are taken first (ARRAY: evaluated once, in index order), each kind as one range of
// its own partial index (migration 20261207211500_pos_retention), and then deleted by primary
// key, so no planner, even without statistics, can make a batch walk the whole tenant. A published row never changes
// again, so nothing needs locking first.
const DELETE_PUBLISHED = `
  DELETE FROM outbox_events
   WHERE tenant_id = $1
     AND id = ANY(ARRAY(SELECT id FROM outbox_events
                         WHERE tenant_id = $1 AND published_at IS NOT NULL AND dedupe_key IS NULL
                           AND published_at < $2
                         ORDER BY published_at LIMIT $3))`;
const DELETE_PUBLISHED_DEDUPED = `
  DELETE FROM outbox_events
   WHERE tenant_id = $1
     AND id = ANY(ARRAY(SELECT id FROM outbox_events
                         WHERE tenant_id = $1 AND published_at IS NOT NULL AND dedupe_key IS NOT NULL
                           AND published_at < $2
                         ORDER BY published_at LIMIT $3))`;

export function purgeOutbox(retentionDays: number = DEFAULT_OUTBOX_RETENTION_DAYS) {
  return defineJob({
    queue: queueNames.maintenance,
    name: "outbox.purge",
    schema: z.object({
      retentionDays: z.number().int().positive(),
      batchSize: z.number().int().min(1).max(50_000).default(5_000),
    }),
    schedule: { pattern: "45 1 * * *", data: { retentionDays } },
    async handle({ retentionDays: days, batchSize }, { platformDb, engine, logger }) {
      const now = engine.clock().getTime();
      const cutoff = new Date(now - days * DAY_MS);
      const dedupedCutoff = new Date(now - Math.max(days, DEDUPED_OUTBOX_MIN_DAYS) * DAY_MS);
      /** Deletes batch after batch until one comes back short; returns how many went. */
      const drain = async (sql: string, tenantId: string, before: Date) => {
        let total = 0;
        for (;;) {
          const count = (await platformDb.pool.query(sql, [tenantId, before, batchSize])).rowCount ?? 0;
          total += count;
          if (count < batchSize) return total;
        }
      };

      const tenants = await platformDb.prisma.tenant.findMany({ select: { id: true }, orderBy: { id: "asc" } });
      let deleted = 0;
      for (const tenant of tenants) {
        deleted += await drain(DELETE_PUBLISHED, tenant.id, cutoff);
        deleted += await drain(DELETE_PUBLISHED_DEDUPED, tenant.id, dedupedCutoff);
      }
      logger.info(
        { deleted, retentionDays: days, cutoff: cutoff.toISOString(), dedupedCutoff: dedupedCutoff.toISOString() },
        "purged published outbox events",
      );
      return { deleted, cutoff: cutoff.toISOString(), dedupedCutoff: dedupedCutoff.toISOString() };
    },
  });
}
