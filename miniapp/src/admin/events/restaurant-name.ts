// Where an event is held, by name, for the list and the event's page.
import type { Restaurant } from "./event-api.ts";

/** null: an event for the whole business; a restaurant the staff member cannot see shows as "…". */
export function restaurantName(
  restaurantId: string | null,
  restaurants: readonly Restaurant[],
  wholeBusiness: string,
): string {
  if (restaurantId === null) return wholeBusiness;
  return restaurants.find((one) => one.id === restaurantId)?.name ?? "…";
}
