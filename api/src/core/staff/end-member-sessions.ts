// An owner or admin ends every session of a member they manage (a lost phone, a shared computer,
// a suspicion): the admin view's sessions and the till's tokens from Telegram end at once, and
// the member signs in again. Their password stays as it is; a reset link is the way to change it.
// A deactivated member has no sessions left to end, and asking changes nothing for them.
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import { endStaffAccess } from "../auth/staff-sessions.ts";
import type { Actor, EngineDeps } from "../context.ts";
import { assertMayManage } from "./manage-staff.ts";

export async function endMemberSessions(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; staffId: string },
): Promise<{ sessionsEnded: number }> {
  const { tenantId, actor, staffId } = request;
  const at = deps.clock();
  return deps.db.withTenant(tenantId, async (tx) => {
    const staff = await tx.staffUser.findUnique({ where: { tenantId_id: { tenantId, id: staffId } } });
    if (!staff) throw new ServiceError("NOT_FOUND", "There is no such staff member.", { key: "staff-unknown" });
    assertMayManage(actor, staff.role);
    const sessionsEnded = await endStaffAccess(tx, tenantId, staffId, "ended_by_admin", at);
    await recordAction(tx, tenantId, actor, "staff.sessions_ended", "staff", staffId, { sessionsEnded }, { at });
    return { sessionsEnded };
  });
}
