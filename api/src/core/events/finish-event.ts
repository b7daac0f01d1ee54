// Finish: a published event is over. Staff may close it by hand; the scheduler closes every
// event whose end has passed (finishPastEvents).
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import { assertEventInScope, lockEvent, readEvent, type StaffEventView, writeEventAudit } from "./event-rows.ts";

export async function finishEvent(
  deps: EngineDeps,
  call: Omit<StaffCall<unknown>, "input"> & { eventId: string },
): Promise<StaffEventView> {
  const { tenantId, actor, eventId } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertEventInScope(scope, event.restaurant_id);
    if (event.status === "finished") return readEvent(client, eventId);
    if (event.status !== "published") {
      throw new ServiceError("CONFLICT", `This event is ${event.status}; only a published event can be finished.`, {
        key: "error-event-closed",
      });
    }
    await client.query(
      "UPDATE events SET status = 'finished', updated_at = $2 WHERE tenant_id = app_current_tenant() AND id = $1",
      [eventId, at],
    );
    await writeEventAudit(client, actor, at, "event.finished", eventId, {
      status: { from: "published", to: "finished" },
    });
    return readEvent(client, eventId);
  });
}

/** Closes the tenant's published events whose end has passed; returns how many. */
export async function finishPastEvents(deps: EngineDeps, tenantId: string): Promise<number> {
  const at = deps.clock();
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE events SET status = 'finished', updated_at = $1
        WHERE tenant_id = app_current_tenant() AND status = 'published' AND ends_at <= $1`,
      [at],
    );
    return rowCount ?? 0;
  });
}
