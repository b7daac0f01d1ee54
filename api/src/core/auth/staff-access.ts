// Does a staff access token still speak for its member? A JWT is signed once and lives 15
// minutes, but an owner may demote, deactivate or re-scope someone at any moment, and that must
// hold at once. So every change of what a member may do bumps staff_users.access_generation in
// the change's own transaction, tokens carry the generation they were minted with, and every
// staff request compares the two. No cache: a cache would have to be invalidated on every bump,
// across processes, and the lookup is one statement on the pool (staff_access(), a SECURITY
// DEFINER function that reads exactly the token's row by primary key, with no tenant
// transaction around it: see its migration, 20261207210000_staff_access_check), cheap next to
// the work a staff request does anyway.
import type { EngineDeps, StaffRole } from "../context.ts";

/** "ok", or why the token no longer speaks for its member. */
export type StaffAccess = "ok" | "changed" | "deactivated";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function checkStaffAccess(
  deps: EngineDeps,
  claims: { tenantId: string; staffId: string; role: StaffRole; generation: number },
): Promise<StaffAccess> {
  // Signed by us, so always uuids; checked anyway so that a bad id is a refusal, not a 500.
  if (!uuid.test(claims.tenantId) || !uuid.test(claims.staffId)) return "changed";
  const row = await deps.db.staffAccess(claims.tenantId, claims.staffId);
  if (!row?.isActive) return "deactivated";
  // The role is compared too: a role changed by hand in the database, without a bump, still counts.
  if (row.accessGeneration !== claims.generation || row.role !== claims.role) return "changed";
  return "ok";
}
