// Audit entries are kept AUDIT_RETENTION_DAYS (90 by default) and then deleted, every night.
// Runs as maxl_platform (the application role may not delete from audit_log). Deletes tenant by
// tenant, in batches on the (tenant_id, created_at) index, each batch its own short statement:
// the purge never holds many row locks or a long transaction, and writers are never held up.
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

export function purgeAuditLog(retentionDays: number = DEFAULT_AUDIT_RETENTION_DAYS) {
  return defineJob({
    queue: queueNames.maintenance,
    name: "audit.purge",
    schema: z.object({
      retentionDays: z.number().int().positive(),
      batchSize: z.number().int().min(1).max(50_000).default(5_000),
    }),
    schedule: { pattern: "15 1 * * *", data: { retentionDays } },
    async handle({ retentionDays: days, batchSize }, { platformDb, engine, logger }) {
      const cutoff = new Date(engine.clock().getTime() - days * DAY_MS);
      const tenants = await platformDb.prisma.tenant.findMany({ select: { id: true }, orderBy: { id: "asc" } });
      let deleted = 0;
      for (const tenant of tenants) {
        for (;;) {
          const result = await platformDb.pool.query(
            `DELETE FROM audit_log
              WHERE tenant_id = $1
                AND id IN (SELECT id FROM audit_log WHERE tenant_id = $1 AND created_at < $2 LIMIT $3)`,
            [tenant.id, cutoff, batchSize],
          );
          const count = result.rowCount ?? 0;
          deleted += count;
          if (count < batchSize) break;
        }
      }
      logger.info({ deleted, retentionDays: days, cutoff: cutoff.toISOString() }, "purged old audit log entries");
      return { deleted, cutoff: cutoff.toISOString() };
    },
  });
}
