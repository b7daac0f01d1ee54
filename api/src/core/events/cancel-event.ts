// Cancel by the restaurant: every registered and waitlisted guest is told, with the reason, and
// gets back exactly the points they paid (to the lots they came from). The guests are locked in
// id order, after the event. Cancelling a cancelled event again changes nothing; an event where
// guests have been checked in is finished, not cancelled.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { returnEventPaymentIn } from "../loyalty/event-points.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import {
  assertEventInScope,
  eventFacts,
  lockEvent,
  readEvent,
  type StaffEventView,
  writeEventAudit,
  writeGuestEvent,
} from "./event-rows.ts";

export async function cancelEvent(
  deps: EngineDeps,
  call: StaffCall<{ reason: string }> & { eventId: string },
): Promise<StaffEventView> {
  const { tenantId, actor, eventId, input } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertEventInScope(scope, event.restaurant_id);
    if (event.status === "cancelled") return readEvent(client, eventId);
    if (event.status === "finished") {
      throw new ServiceError("CONFLICT", "This event is over; it cannot be cancelled.", { key: "error-event-closed" });
    }
    // Once the door is open it is a held event: the guests checked in have had it, so it ends by
    // Finish (which keeps their attendance and bonus), not by a cancellation that refunds them.
    const { rows: arrived } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM event_registrations
        WHERE tenant_id = app_current_tenant() AND event_id = $1 AND checked_in_at IS NOT NULL`,
      [eventId],
    );
    const checkedIn = arrived[0]?.count ?? 0;
    if (checkedIn > 0) {
      throw new ServiceError(
        "CONFLICT",
        `${checkedIn} guest(s) have already been checked in at this event; finish it instead of cancelling.`,
        { key: "error-event-checked-in", vars: { count: checkedIn }, details: { checkedIn } },
      );
    }
    const { rows } = await client.query<{
      id: string;
      guest_id: string;
      status: string;
      payment_operation_id: string | null;
    }>(
      `SELECT id, guest_id, status, payment_operation_id FROM event_registrations
        WHERE tenant_id = app_current_tenant() AND event_id = $1 AND status IN ('registered', 'waitlisted')
        ORDER BY guest_id`,
      [eventId],
    );
    let returnedPoints = 0;
    for (const registration of rows) {
      let refundId: string | null = null;
      let returned = 0;
      if (registration.status === "registered" && registration.payment_operation_id) {
        const refund = await returnEventPaymentIn(client, deps, {
          tenantId,
          guestId: registration.guest_id,
          actor,
          paymentOperationId: registration.payment_operation_id,
          idempotencyKey: `event-refund:${registration.payment_operation_id}`,
          reason: `event cancelled: ${event.title}`,
          at,
        });
        refundId = refund.result.operationId;
        returned = refund.result.returned;
        returnedPoints += returned;
      }
      await client.query(
        `UPDATE event_registrations SET status = 'cancelled', cancelled_at = $2, refund_operation_id = $3, updated_at = $2
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [registration.id, at, refundId],
      );
      await writeGuestEvent(
        client,
        "event.cancelled_by_restaurant",
        {
          guestId: registration.guest_id,
          registrationId: registration.id,
          ...eventFacts(event),
          reason: input.reason,
          returnedPoints: returned,
          at: at.toISOString(),
        },
        at,
      );
    }
    await client.query(
      `UPDATE events SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, registered_count = 0, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [eventId, at, input.reason],
    );
    await writeEventAudit(
      client,
      actor,
      at,
      "event.cancelled",
      eventId,
      { status: { from: event.status, to: "cancelled" }, guestsNotified: rows.length, returnedPoints },
      input.reason,
    );
    return readEvent(client, eventId);
  });
}
