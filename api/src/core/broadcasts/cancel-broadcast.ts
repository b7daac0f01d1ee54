// Cancel: a draft or a scheduled broadcast is dropped (a scheduled one gives its place in the
// month's allowance back); a sending one stops, and the guests not yet sent it are not sent it
// (the sender checks the status after every message). Cancelling a cancelled broadcast changes
// nothing; a sent one is history.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import {
  assertBroadcastInScope,
  type BroadcastView,
  lockBroadcast,
  readBroadcast,
  writeBroadcastAudit,
} from "./broadcast-rows.ts";
import type { StaffCall } from "./create-broadcast.ts";

export async function cancelBroadcast(
  deps: EngineDeps,
  call: Omit<StaffCall<unknown>, "input"> & { broadcastId: string },
): Promise<BroadcastView> {
  const { tenantId, actor, broadcastId } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const row = await lockBroadcast(client, broadcastId);
    assertBroadcastInScope(scope, row.restaurant_ids);
    if (row.status === "cancelled") return readBroadcast(client, broadcastId);
    if (row.status === "sent") {
      throw new ServiceError("CONFLICT", "This broadcast has been sent; it can no longer be cancelled.", {
        key: "error-broadcast-sent",
      });
    }
    await client.query(
      `UPDATE broadcasts
          SET status = 'cancelled', cancelled_at = $2::timestamptz, cancel_reason = 'staff', updated_at = $2,
              finished_at = CASE WHEN started_at IS NOT NULL THEN $2::timestamptz END,
              -- given back: only a broadcast that started counts against its month
              counted_month = CASE WHEN started_at IS NOT NULL THEN counted_month END
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [broadcastId, at],
    );
    await writeBroadcastAudit(client, actor, at, "broadcast.cancelled", broadcastId, {
      status: { from: row.status, to: "cancelled" },
      sent: row.sent_count,
    });
    return readBroadcast(client, broadcastId);
  });
}
