// Publish: a draft becomes visible to guests, who may register from then on. Publishing a
// published event changes nothing (a double click); an event that has already begun cannot be.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import { assertEventInScope, lockEvent, readEvent, type StaffEventView, writeEventAudit } from "./event-rows.ts";

export async function publishEvent(
  deps: EngineDeps,
  call: Omit<StaffCall<unknown>, "input"> & { eventId: string },
): Promise<StaffEventView> {
  const { tenantId, actor, eventId } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertEventInScope(scope, event.restaurant_id);
    if (event.status === "published") return readEvent(client, eventId);
    if (event.status !== "draft") {
      throw new ServiceError("CONFLICT", `This event is ${event.status}; only a draft can be published.`, {
        key: "error-event-closed",
      });
    }
    if (event.starts_at <= at) {
      throw new ServiceError("CONFLICT", "This event has already begun; move its start first.", {
        key: "error-event-started",
      });
    }
    await client.query(
      `UPDATE events SET status = 'published', published_at = $2, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [eventId, at],
    );
    await writeEventAudit(client, actor, at, "event.published", eventId, {
      status: { from: "draft", to: "published" },
    });
    return readEvent(client, eventId);
  });
}
