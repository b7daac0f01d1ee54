// What the admin view needs to know about whoever is signed in: who they are, what their role
// may do (the same permission matrix the API enforces, so the UI hides what would be refused)
// and which restaurants they work for.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import { type Permission, permissionMatrix, roleMay } from "./permissions.ts";
import type { SignedInStaff } from "./sign-in.ts";
import { staffIdentity } from "./staff-sessions.ts";

export interface StaffProfile {
  staff: SignedInStaff;
  permissions: Permission[];
  /** null: every restaurant */
  restaurantIds: string[] | null;
}

export async function profileOf(deps: EngineDeps, staff: SignedInStaff): Promise<StaffProfile> {
  const permissions = (Object.keys(permissionMatrix) as Permission[]).filter((p) => roleMay(staff.role, p));
  return { staff, permissions, restaurantIds: await restaurantScope(deps, staff) };
}

export async function currentStaffProfile(
  deps: EngineDeps,
  who: { tenantId: string; staffId: string },
): Promise<StaffProfile> {
  const staff = await deps.db.withTenant(who.tenantId, (tx) => staffIdentity(tx, who.tenantId, who.staffId));
  if (!staff)
    throw new ServiceError("UNAUTHORIZED", "Your account has been deactivated.", { key: "account-deactivated" });
  return profileOf(deps, staff);
}
