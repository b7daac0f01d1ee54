// Where a till operation is booked. A cashier or manager limited to some restaurants
// (core/staff/restaurant-scope.ts) books only there; when several restaurants are open to them
// the till must say which one, because a wrong guess would put the sale in another location's
// reports. Checked inside the verb's transaction, so a refusal writes nothing. POS and admin
// calls keep their own rules: the POS names its restaurant, an admin is not at a till.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { Actor } from "../context.ts";
import { scopeOfRows, seesEveryRestaurant } from "../staff/restaurant-scope.ts";
import { assertRestaurant } from "./ledger-reads.ts";

/** The restaurant ids a staff member is limited to, read in the caller's transaction; null: all. */
export async function staffScopeIn(client: pg.PoolClient, actor: Actor): Promise<string[] | null> {
  if (!actor.staffId || seesEveryRestaurant(actor.role)) return null;
  const { rows } = await client.query<{ restaurant_id: string }>(
    "SELECT restaurant_id FROM staff_restaurants WHERE tenant_id = app_current_tenant() AND staff_id = $1",
    [actor.staffId],
  );
  return scopeOfRows(rows.map((row) => row.restaurant_id));
}

export function outOfScope(): ServiceError {
  return new ServiceError("FORBIDDEN", "You do not work at this restaurant; choose one of yours.", {
    key: "error-till-restaurant-scope",
  });
}

/**
 * The restaurant a till operation is booked at: the one asked for, if the staff member may work
 * there; else the only open restaurant they may work at. Undefined only when the business has no
 * restaurants at all (nothing to book).
 */
export async function tillRestaurant(
  client: pg.PoolClient,
  actor: Actor,
  asked: string | undefined,
): Promise<string | undefined> {
  // Only a staff member stands at a till; a cashier-sourced call without one (a load test, a
  // script) names its restaurant or none, as before.
  if (actor.source !== "cashier" || !actor.staffId) {
    await assertRestaurant(client, asked);
    return asked;
  }
  const scope = await staffScopeIn(client, actor);
  if (asked !== undefined) {
    await assertRestaurant(client, asked);
    if (scope !== null && !scope.includes(asked)) throw outOfScope();
    return asked;
  }
  const { rows } = await client.query<{ id: string; is_active: boolean }>(
    "SELECT id, is_active FROM restaurants WHERE tenant_id = app_current_tenant()",
  );
  if (rows.length === 0) return undefined;
  const open = rows.filter((row) => row.is_active && (scope === null || scope.includes(row.id)));
  const only = open[0];
  if (open.length === 1 && only) return only.id;
  if (open.length === 0) {
    throw new ServiceError("VALIDATION", "None of the restaurants you work at is open in the program settings.", {
      key: "error-till-no-restaurant",
    });
  }
  throw new ServiceError("VALIDATION", "Choose the restaurant this check belongs to: you work at several.", {
    fields: [{ path: "restaurantId", message: "required: you work at several restaurants" }],
    details: { restaurantIds: open.map((row) => row.id) },
    key: "error-till-restaurant-required",
  });
}

/** Refuses a till action on a check or POS sale of a restaurant outside the staff member's scope. */
export async function assertTillMayTouch(
  client: pg.PoolClient,
  actor: Actor,
  restaurantId: string | null,
): Promise<void> {
  if (actor.source !== "cashier") return;
  const scope = await staffScopeIn(client, actor);
  // A check of no known restaurant is only for staff who work at all of them.
  if (scope !== null && (restaurantId === null || !scope.includes(restaurantId))) throw outOfScope();
}
