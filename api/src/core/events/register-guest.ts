// Register: a guest takes a place, or joins the waitlist when every place is taken. The event's
// row is locked for the whole transaction, so guests registering in the same second queue up on
// it and registered_count can never pass the capacity (the table's CHECK is the backstop). The
// price in points is paid in the same transaction, so a place is never taken unpaid or paid for
// without a place. A retry finds the guest's registration and gets it back unchanged.
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import { payForEventIn } from "../loyalty/event-points.ts";
import { type EventRow, eventFacts, lockEvent, noSuchEvent, writeGuestEvent } from "./event-rows.ts";
import { type GuestEventView, guestEventView } from "./guest-events.ts";

export interface GuestCall {
  tenantId: string;
  guestId: string;
  eventId: string;
}

export interface RegistrationOutcome {
  event: GuestEventView;
  replayed: boolean;
}

/** Whether guests may still register: published, not begun, before the deadline. */
export function assertOpenForRegistration(event: EventRow, at: Date): void {
  if (event.status === "draft") throw noSuchEvent();
  if (event.status !== "published") {
    throw new ServiceError("CONFLICT", `This event is ${event.status}.`, {
      // Spelled out, not built from the status, so the key scan finds both (admin-error-keys test).
      key: event.status === "cancelled" ? "error-event-cancelled" : "error-event-finished",
    });
  }
  const deadline = event.registration_deadline ?? event.starts_at;
  if (at >= deadline) {
    throw new ServiceError("CONFLICT", "Registration for this event has closed.", { key: "error-event-deadline" });
  }
}

export async function registerForEvent(
  deps: EngineDeps,
  call: GuestCall & {
    idempotencyKey: string;
    /** where the guest registered: the bot answers in the chat itself, so it needs no notification */
    channel?: "bot" | "miniapp";
  },
): Promise<RegistrationOutcome> {
  const { tenantId, guestId, eventId } = call;
  const at = deps.clock();
  const actor = { source: "system" as const };
  const outcome = await deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertOpenForRegistration(event, at);
    const { rows } = await client.query<{ id: string; status: string }>(
      `SELECT id, status FROM event_registrations
        WHERE tenant_id = app_current_tenant() AND event_id = $1 AND guest_id = $2`,
      [eventId, guestId],
    );
    const existing = rows[0];
    if (existing && existing.status !== "cancelled") return { replayed: true };

    const level = await client.query<{ guest_rank: number | null; min_rank: number; min_name: string }>(
      `SELECT gl.rank AS guest_rank, ml.rank AS min_rank, ml.name AS min_name
         FROM levels ml
         JOIN guests g ON g.tenant_id = ml.tenant_id AND g.id = $2
         LEFT JOIN levels gl ON gl.tenant_id = g.tenant_id AND gl.id = g.level_id
        WHERE ml.tenant_id = app_current_tenant() AND ml.id = $1`,
      [event.min_level_id, guestId],
    );
    const required = level.rows[0];
    if (required && (required.guest_rank ?? -1) < required.min_rank) {
      throw new ServiceError("CONFLICT", `This event is for guests of level ${required.min_name} and above.`, {
        details: { minLevel: required.min_name },
        key: "error-event-level",
        vars: { level: required.min_name },
      });
    }

    const registrationId = existing?.id ?? uuidv7();
    const full = event.registered_count >= event.capacity;
    let paymentId: string | null = null;
    let balance: number | null = null;
    if (!full && event.price_points > 0) {
      const paid = await payForEventIn(client, deps, {
        tenantId,
        guestId,
        actor,
        idempotencyKey: `event-pay:${registrationId}:${call.idempotencyKey}`,
        eventId,
        eventTitle: event.title,
        restaurantId: event.restaurant_id,
        points: event.price_points,
        at,
      });
      if (paid.replayed) {
        // This key paid for an earlier registration the guest has since cancelled (and been repaid).
        throw new ServiceError(
          "VALIDATION",
          "This Idempotency-Key was used for an earlier registration; use a new key.",
          {
            key: "error-idempotency-reuse",
          },
        );
      }
      paymentId = paid.result.operationId;
      balance = paid.result.balance;
    }
    const status = full ? "waitlisted" : "registered";
    // clock_timestamp(): the waitlist's order is the order in which guests got the event's lock.
    await client.query(
      `INSERT INTO event_registrations (tenant_id, id, event_id, guest_id, status, payment_operation_id, created_at, updated_at)
       VALUES (app_current_tenant(), $1, $2, $3, $4::event_registration_status, $5, clock_timestamp(), $6)
       ON CONFLICT (tenant_id, event_id, guest_id) DO UPDATE
          SET status = EXCLUDED.status, payment_operation_id = EXCLUDED.payment_operation_id, refund_operation_id = NULL,
              checked_in_at = NULL, checked_in_by_staff_id = NULL, promoted_at = NULL, cancelled_at = NULL,
              created_at = clock_timestamp(), updated_at = EXCLUDED.updated_at`,
      [registrationId, eventId, guestId, status, paymentId, at],
    );
    if (!full) {
      await client.query(
        `UPDATE events SET registered_count = registered_count + 1, updated_at = $2
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [eventId, at],
      );
      await writeGuestEvent(
        client,
        "event.registered",
        { guestId, registrationId, ...eventFacts(event), balance, at: at.toISOString(), channel: call.channel ?? null },
        at,
      );
    }
    return { replayed: false };
  });
  return { event: await guestEventView(deps, tenantId, guestId, eventId), replayed: outcome.replayed };
}
