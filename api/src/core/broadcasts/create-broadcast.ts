// Create: a new broadcast is a draft until it is sent or scheduled. The request's Idempotency-Key
// is stored with it, so a double click or a retried request creates one draft and answers both
// with it.
import { uuidv7 } from "uuidv7";
import type { Actor, EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import { type BroadcastView, readBroadcast, readBroadcasts, writeBroadcastAudit } from "./broadcast-rows.ts";
import type { CreateBroadcastInput } from "./schemas.ts";
import { validateBroadcast } from "./validate-broadcast.ts";

export interface StaffCall<Input> {
  tenantId: string;
  actor: Actor & { staffId: string; role: StaffRole };
  input: Input;
}

export async function createBroadcast(
  deps: EngineDeps,
  call: StaffCall<CreateBroadcastInput> & { idempotencyKey: string },
): Promise<{ broadcast: BroadcastView; replayed: boolean }> {
  const { tenantId, actor, input, idempotencyKey } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const [earlier] = await readBroadcasts(client, "b.create_key = $1", [idempotencyKey]);
    if (earlier) return { broadcast: earlier, replayed: true };
    const audience = await validateBroadcast(client, input, input.audience, scope);
    const id = uuidv7();
    const inserted = await client.query(
      `INSERT INTO broadcasts (tenant_id, id, text, format, button_label, button_url, audience, restaurant_ids,
                               create_key, created_by_staff_id, created_at, updated_at)
       VALUES (app_current_tenant(), $1, $2, $3::broadcast_format, $4, $5, $6::jsonb, $7::uuid[], $8, $9, $10, $10)
       ON CONFLICT (tenant_id, create_key) DO NOTHING`,
      [
        id,
        input.text,
        input.format,
        input.button?.label ?? null,
        input.button?.url ?? null,
        JSON.stringify(audience),
        audience.restaurantIds,
        idempotencyKey,
        actor.staffId,
        at,
      ],
    );
    if (!inserted.rowCount) {
      // The same key committed by a request racing this one: answer with its draft.
      const [raced] = await readBroadcasts(client, "b.create_key = $1", [idempotencyKey]);
      if (raced) return { broadcast: raced, replayed: true };
    }
    const broadcast = await readBroadcast(client, id);
    await writeBroadcastAudit(client, actor, at, "broadcast.created", id, {
      text: broadcast.text,
      format: broadcast.format,
      button: broadcast.button,
      audience: broadcast.audience,
    });
    return { broadcast, replayed: false };
  });
}
