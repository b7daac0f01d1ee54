// Send now, or schedule: a draft becomes `sending` (the workers start at once, woken through the
// outbox) or `scheduled` (the workers' sweep starts it on time). Refused while the business is
// restricted (unpaid or cancelled: 403), beyond the plan's broadcasts of that month (402,
// plan-limit), without a connected bot, or for an audience of nobody. The request's
// Idempotency-Key is stored: the same key again answers the same broadcast and sends nothing more.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import { reserveBroadcast, tenantMonth } from "./allowance.ts";
import { countAudienceIn } from "./audience.ts";
import {
  assertBroadcastInScope,
  type BroadcastView,
  broadcastView,
  lockBroadcast,
  readBroadcast,
  writeBroadcastAudit,
} from "./broadcast-rows.ts";
import type { StaffCall } from "./create-broadcast.ts";
import type { SendBroadcastInput } from "./schemas.ts";
import { notADraft } from "./update-broadcast.ts";
import { contentProblems } from "./validate-broadcast.ts";

/** The outbox event that wakes the workers for a broadcast sent now. */
export const BROADCAST_STARTED = "broadcast.started";
const MAX_AHEAD_MS = 90 * 86_400_000;

export async function sendBroadcast(
  deps: EngineDeps,
  call: StaffCall<SendBroadcastInput> & { broadcastId: string; idempotencyKey: string },
): Promise<{ broadcast: BroadcastView; replayed: boolean }> {
  const { tenantId, actor, input, broadcastId, idempotencyKey } = call;
  const at = deps.clock();
  const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
  if (scheduledAt && (scheduledAt.getTime() <= at.getTime() || scheduledAt.getTime() > at.getTime() + MAX_AHEAD_MS)) {
    throw new ServiceError("VALIDATION", "scheduledAt must be in the future, at most 90 days ahead", {
      key: "broadcast-schedule-range",
      fields: [{ path: "scheduledAt", message: "must be in the future, at most 90 days ahead" }],
    });
  }
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const row = await lockBroadcast(client, broadcastId);
    assertBroadcastInScope(scope, row.restaurant_ids);
    if (row.status !== "draft") {
      if (row.send_key === idempotencyKey)
        return { broadcast: await readBroadcast(client, broadcastId), replayed: true };
      throw notADraft(row.status);
    }
    const view = broadcastView(row);
    const fields = contentProblems(view);
    if (fields.length > 0) {
      throw new ServiceError("VALIDATION", fields.map((field) => `${field.path} ${field.message}`).join("; "), {
        key: "fields-invalid",
        fields,
      });
    }
    const { rows: bots } = await client.query<{ is_active: boolean }>(
      "SELECT is_active FROM bot_connections WHERE tenant_id = app_current_tenant()",
    );
    if (!bots[0]?.is_active) {
      throw new ServiceError("CONFLICT", "Connect the business's Telegram bot first: broadcasts are sent through it.", {
        key: "error-broadcast-no-bot",
      });
    }
    const month = await tenantMonth(client, scheduledAt ?? at);
    const { used, plan } = await reserveBroadcast(client, tenantId, month);
    const recipients = await countAudienceIn(client, view.audience);
    if (recipients === 0) {
      throw new ServiceError("CONFLICT", "No guest matches this audience now, so there is nobody to send it to.", {
        key: "error-broadcast-empty",
      });
    }
    await client.query(
      `UPDATE broadcasts
          SET status = $2::broadcast_status, scheduled_at = $3, counted_month = $4, send_key = $5, recipients_total = $6,
              started_at = $7, updated_at = $8
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [
        broadcastId,
        scheduledAt ? "scheduled" : "sending",
        scheduledAt,
        month,
        idempotencyKey,
        recipients,
        scheduledAt ? null : at,
        at,
      ],
    );
    if (!scheduledAt) {
      await client.query(
        `INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
         VALUES (app_current_tenant(), $1, $2::jsonb, $3, $4) ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
        [BROADCAST_STARTED, JSON.stringify({ broadcastId }), `${BROADCAST_STARTED}:${broadcastId}`, at],
      );
    }
    await writeBroadcastAudit(client, actor, at, scheduledAt ? "broadcast.scheduled" : "broadcast.sent", broadcastId, {
      status: { from: "draft", to: scheduledAt ? "scheduled" : "sending" },
      scheduledAt: scheduledAt?.toISOString() ?? null,
      recipients,
      month,
      ofPlan: { used: used + 1, limit: plan.limits.broadcastsPerMonth },
    });
    return { broadcast: await readBroadcast(client, broadcastId), replayed: false };
  });
}
