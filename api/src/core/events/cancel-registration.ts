// Cancel by the guest: until the event begins, and not once checked in at the door (the guest has
// had the event; the registration's CHECK forbids a cancelled place with an attendance mark). The
// points paid go back to exactly the lots they came from, and the freed place goes to the
// waitlist in the same transaction. Cancelling again (or without a registration) answers with
// the event as it is.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { returnEventPaymentIn } from "../loyalty/event-points.ts";
import { lockEvent, noSuchEvent } from "./event-rows.ts";
import { type GuestEventView, guestEventView } from "./guest-events.ts";
import { promoteWaitlisted } from "./promote-waitlisted.ts";
import type { GuestCall } from "./register-guest.ts";

export async function cancelRegistration(deps: EngineDeps, call: GuestCall): Promise<GuestEventView> {
  const { tenantId, guestId, eventId } = call;
  const at = deps.clock();
  const actor = { source: "system" as const };
  await deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    if (event.status === "draft") throw noSuchEvent();
    const { rows } = await client.query<{
      id: string;
      status: string;
      payment_operation_id: string | null;
      checked_in_at: Date | null;
    }>(
      `SELECT id, status, payment_operation_id, checked_in_at FROM event_registrations
        WHERE tenant_id = app_current_tenant() AND event_id = $1 AND guest_id = $2 FOR UPDATE`,
      [eventId, guestId],
    );
    const registration = rows[0];
    if (!registration || registration.status === "cancelled") return;
    if (registration.checked_in_at) {
      throw new ServiceError(
        "CONFLICT",
        "You have been checked in at this event; the registration can no longer be cancelled.",
        { key: "error-registration-checked-in" },
      );
    }
    if (event.status !== "published" || event.starts_at <= at) {
      throw new ServiceError(
        "CONFLICT",
        "This event has begun or is over; the registration can no longer be cancelled.",
        { key: "error-event-started" },
      );
    }
    let refundId: string | null = null;
    if (registration.status === "registered" && registration.payment_operation_id) {
      const refund = await returnEventPaymentIn(client, deps, {
        tenantId,
        guestId,
        actor,
        paymentOperationId: registration.payment_operation_id,
        idempotencyKey: `event-refund:${registration.payment_operation_id}`,
        reason: `event registration cancelled: ${event.title}`,
        at,
      });
      refundId = refund.result.operationId;
    }
    await client.query(
      `UPDATE event_registrations SET status = 'cancelled', cancelled_at = $2, refund_operation_id = $3, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [registration.id, at, refundId],
    );
    if (registration.status === "registered") {
      event.registered_count -= 1;
      await client.query(
        `UPDATE events SET registered_count = $2, updated_at = $3 WHERE tenant_id = app_current_tenant() AND id = $1`,
        [eventId, event.registered_count, at],
      );
      await promoteWaitlisted(client, deps, tenantId, event, actor, at);
    }
  });
  return guestEventView(deps, tenantId, guestId, eventId);
}
