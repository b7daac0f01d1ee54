// Which restaurants a staff member works for. Owners and admins see the whole business; a
// manager or cashier with rows in staff_restaurants sees only those restaurants, and one
// without rows sees all of them (a small café does not need to assign anyone).
import { ServiceError } from "@maxl/shared";
import type { EngineDeps, StaffRole } from "../context.ts";

/** The restaurant ids the staff member is limited to, or null for every restaurant. */
export async function restaurantScope(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
): Promise<string[] | null> {
  if (seesEveryRestaurant(staff.role)) return null;
  const rows = await deps.db.withTenant(staff.tenantId, (tx) =>
    tx.staffRestaurant.findMany({ where: { tenantId: staff.tenantId, staffId: staff.staffId } }),
  );
  return scopeOfRows(rows.map((row) => row.restaurantId));
}

/** Owners and admins work for every restaurant, whatever staff_restaurants says. */
export function seesEveryRestaurant(role: StaffRole | null | undefined): boolean {
  return role === "owner" || role === "admin";
}

/** A manager's or cashier's staff_restaurants rows as a scope: none means every restaurant. */
export function scopeOfRows(restaurantIds: string[]): string[] | null {
  return restaurantIds.length === 0 ? null : restaurantIds;
}

/**
 * The restaurants a request may look at: the one it asked for (if the staff member works there),
 * else all of the staff member's own. Null means every restaurant of the business.
 */
export function restaurantsInScope(scope: string[] | null, asked: string | undefined): string[] | null {
  if (asked === undefined) return scope;
  if (scope !== null && !scope.includes(asked)) {
    throw new ServiceError("FORBIDDEN", "You do not work for this restaurant.", { key: "error-restaurant-scope" });
  }
  return [asked];
}
