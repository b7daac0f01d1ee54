// Every change a staff member (or the system on their behalf) makes leaves an audit row, written
// in the change's own unit of work so the row exists exactly when the change does.
import type { TenantTx } from "@maxl/db";
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
