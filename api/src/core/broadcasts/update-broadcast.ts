// Edit: only a draft changes. A scheduled broadcast is cancelled and composed again (its place in
// the month's allowance is given back by the cancellation).
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import {
  assertBroadcastInScope,
  type BroadcastView,
  broadcastView,
  lockBroadcast,
  readBroadcast,
  writeBroadcastAudit,
} from "./broadcast-rows.ts";
import type { StaffCall } from "./create-broadcast.ts";
import type { UpdateBroadcastInput } from "./schemas.ts";
import { validateBroadcast } from "./validate-broadcast.ts";

export const notADraft = (status: string) =>
  new ServiceError("CONFLICT", `This broadcast is ${status}; only a draft can be changed or sent.`, {
    key: "error-broadcast-not-draft",
    details: { status },
  });

export async function updateBroadcast(
  deps: EngineDeps,
  call: StaffCall<UpdateBroadcastInput> & { broadcastId: string },
): Promise<BroadcastView> {
  const { tenantId, actor, input, broadcastId } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const row = await lockBroadcast(client, broadcastId);
    assertBroadcastInScope(scope, row.restaurant_ids);
    if (row.status !== "draft") throw notADraft(row.status);
    const before = broadcastView(row);
    const content = {
      text: input.text ?? before.text,
      format: input.format ?? before.format,
      button: input.button === undefined ? before.button : input.button,
    };
    const audience = await validateBroadcast(client, content, input.audience ?? before.audience, scope);
    await client.query(
      `UPDATE broadcasts
          SET text = $2, format = $3::broadcast_format, button_label = $4, button_url = $5, audience = $6::jsonb,
              restaurant_ids = $7::uuid[], updated_at = $8
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [
        broadcastId,
        content.text,
        content.format,
        content.button?.label ?? null,
        content.button?.url ?? null,
        JSON.stringify(audience),
        audience.restaurantIds,
        at,
      ],
    );
    const after = await readBroadcast(client, broadcastId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of ["text", "format", "button", "audience"] as const) {
      if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
        changes[field] = { from: before[field], to: after[field] };
      }
    }
    await writeBroadcastAudit(client, actor, at, "broadcast.updated", broadcastId, changes);
    return after;
  });
}
