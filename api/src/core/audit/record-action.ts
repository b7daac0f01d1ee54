// Every change a staff member (or the system on their behalf) makes leaves an audit row, written
// in the change's own unit of work so the row exists exactly when the change does.
import type { TenantTx } from "@maxl/db";
import type pg from "pg";
import type { Actor } from "../context.ts";

export async function recordAction(
  tx: TenantTx,
  tenantId: string,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string,
  changes: Record<string, unknown> | null,
  options: { reason?: string | null; at?: Date } = {},
): Promise<void> {
  await tx.auditLogEntry.create({
    data: {
      tenantId,
      ...(options.at ? { createdAt: options.at } : {}),
      actorKind: actor.staffId ? "staff" : "system",
      actorStaffId: actor.staffId ?? null,
      action,
      entityType,
      entityId,
      reason: options.reason ?? null,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
      ...(changes ? { changes: changes as object } : {}),
    },
  });
}

/**
 * recordAction for verbs that run on a raw pg client (the loyalty engine, POS events): the same
 * row, in the caller's transaction and tenant.
 */
export async function recordActionIn(
  client: pg.PoolClient,
  actor: Actor,
  action: string,
  entityType: string,
  entityId: string,
  changes: Record<string, unknown> | null,
  options: { reason?: string | null; at?: Date } = {},
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (tenant_id, created_at, actor_kind, actor_staff_id, action, entity_type, entity_id, reason, ip,
                            user_agent, changes)
     VALUES (app_current_tenant(), coalesce($1, now()), $2::audit_actor_kind, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [
      options.at ?? null,
      actor.staffId ? "staff" : "system",
      actor.staffId ?? null,
      action,
      entityType,
      entityId,
      options.reason ?? null,
      actor.ip ?? null,
      actor.userAgent ?? null,
      changes ? JSON.stringify(changes) : null,
    ],
  );
}
