// The restaurants a staff member can pick at the till: the open ones they work at. The till asks
// only when there are several; with one (or a business of one) it books there without a question.
import type { EngineDeps, StaffRole } from "../context.ts";
import { listRestaurants, type RestaurantView } from "../restaurants/list-restaurants.ts";

export interface TillRestaurants {
  restaurants: Pick<RestaurantView, "id" | "name" | "address">[];
  /** true when the till must ask which restaurant (the API refuses to guess) */
  choiceRequired: boolean;
}

export async function tillRestaurants(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
): Promise<TillRestaurants> {
  const open = (await listRestaurants(deps, staff)).filter((restaurant) => restaurant.isActive);
  return {
    restaurants: open.map(({ id, name, address }) => ({ id, name, address })),
    choiceRequired: open.length > 1,
  };
}
