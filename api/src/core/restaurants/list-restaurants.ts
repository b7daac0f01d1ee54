// The business's restaurants (locations), as the admin view lists them. A manager or cashier
// limited to some restaurants sees only those (core/staff/restaurant-scope.ts).
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";

export interface RestaurantView {
  id: string;
  name: string;
  address: string | null;
  /** null: the business's time zone applies */
  timeZone: string | null;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export function restaurantView(row: {
  id: string;
  name: string;
  address: string | null;
  timeZone: string | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}): RestaurantView {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    timeZone: row.timeZone,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listRestaurants(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
): Promise<RestaurantView[]> {
  const scope = await restaurantScope(deps, staff);
  const rows = await deps.db.withTenant(staff.tenantId, (tx) =>
    tx.restaurant.findMany({
      where: { tenantId: staff.tenantId, ...(scope === null ? {} : { id: { in: scope } }) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  );
  return rows.map(restaurantView);
}
