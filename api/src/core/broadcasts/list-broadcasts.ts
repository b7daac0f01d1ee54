// Broadcasts as staff see them, newest first; a manager limited to restaurants sees those limited
// to their restaurants.
import { z } from "zod";
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import {
  assertBroadcastInScope,
  type BroadcastView,
  broadcastStatuses,
  inScopeSql,
  readBroadcast,
  readBroadcasts,
} from "./broadcast-rows.ts";

export const broadcastListQuerySchema = z.object({ status: z.enum(broadcastStatuses).optional() });
export type BroadcastListQuery = z.infer<typeof broadcastListQuerySchema>;

type Staff = { tenantId: string; staffId: string; role: StaffRole };

export async function listBroadcasts(
  deps: EngineDeps,
  staff: Staff,
  query: BroadcastListQuery,
): Promise<BroadcastView[]> {
  const scope = await restaurantScope(deps, staff);
  const where = [inScopeSql("$1")];
  const values: unknown[] = [scope];
  if (query.status) {
    values.push(query.status);
    where.push(`b.status = $${values.length}::broadcast_status`);
  }
  return deps.db.withTenantClient(staff.tenantId, (client) =>
    readBroadcasts(client, where.join(" AND "), values, "ORDER BY b.created_at DESC, b.id DESC LIMIT 200"),
  );
}

export async function broadcastDetail(deps: EngineDeps, staff: Staff, broadcastId: string): Promise<BroadcastView> {
  const scope = await restaurantScope(deps, staff);
  const view = await deps.db.withTenantClient(staff.tenantId, (client) => readBroadcast(client, broadcastId));
  assertBroadcastInScope(scope, view.audience.restaurantIds);
  return view;
}
