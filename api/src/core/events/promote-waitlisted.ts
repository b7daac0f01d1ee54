// When a place frees up (a guest cancels, staff raise the capacity) the waitlist moves up in the
// order guests joined it, in the transaction that freed the place and under the event's lock.
// `event` must be the row as it is now (after any change staff made in the same transaction):
// a promoted guest pays its price then and is told its title and time. One who no longer meets
// the event's minimum level (the rule was raised, or the guest's level fell) or cannot pay any
// more (balance too low) is taken off the waitlist and told why, and the next guest gets the
// place: keeping them would block the queue, and retrying them on every later cancellation
// would only repeat the message.
import { isServiceError } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import type { Actor, EngineDeps } from "../context.ts";
import { payForEventIn } from "../loyalty/event-points.ts";
import { type EventRow, eventFacts, writeGuestEvent } from "./event-rows.ts";

export interface Promotion {
  promoted: string[];
  dropped: string[];
}

export async function promoteWaitlisted(
  client: pg.PoolClient,
  deps: EngineDeps,
  tenantId: string,
  event: EventRow,
  actor: Actor,
  at: Date,
): Promise<Promotion> {
  const outcome: Promotion = { promoted: [], dropped: [] };
  if (event.status !== "published" || event.starts_at <= at) return outcome;
  let registered = event.registered_count;
  while (registered < event.capacity) {
    const { rows } = await client.query<{ id: string; guest_id: string; eligible: boolean; min_level: string | null }>(
      `SELECT r.id, r.guest_id, ml.name AS min_level,
              (ml.id IS NULL OR coalesce(gl.rank, -1) >= ml.rank) AS eligible
         FROM event_registrations r
         JOIN guests g ON g.tenant_id = r.tenant_id AND g.id = r.guest_id
         LEFT JOIN levels gl ON gl.tenant_id = g.tenant_id AND gl.id = g.level_id
         LEFT JOIN levels ml ON ml.tenant_id = r.tenant_id AND ml.id = $2
        WHERE r.tenant_id = app_current_tenant() AND r.event_id = $1 AND r.status = 'waitlisted'
        ORDER BY r.created_at, r.id LIMIT 1`,
      [event.id, event.min_level_id],
    );
    const next = rows[0];
    if (!next) break;
    const drop = async (why: { reason: "level"; minLevel: string | null } | { reason: "points" }) => {
      await client.query(
        `UPDATE event_registrations SET status = 'cancelled', cancelled_at = $2, updated_at = $2
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [next.id, at],
      );
      await writeGuestEvent(
        client,
        "event.waitlist_dropped",
        { guestId: next.guest_id, registrationId: next.id, ...eventFacts(event), ...why, at: at.toISOString() },
        at,
      );
      outcome.dropped.push(next.id);
    };
    if (!next.eligible) {
      await drop({ reason: "level", minLevel: next.min_level });
      continue;
    }
    let paymentId: string | null = null;
    let balance: number | null = null;
    if (event.price_points > 0) {
      try {
        const paid = await payForEventIn(client, deps, {
          tenantId,
          guestId: next.guest_id,
          actor,
          idempotencyKey: `event-pay:${next.id}:promoted:${uuidv7()}`,
          eventId: event.id,
          eventTitle: event.title,
          restaurantId: event.restaurant_id,
          points: event.price_points,
          at,
        });
        paymentId = paid.result.operationId;
        balance = paid.result.balance;
      } catch (error) {
        // Thrown before anything was written: the transaction is intact.
        if (!isServiceError(error) || error.key !== "error-event-not-enough-points") throw error;
        await drop({ reason: "points" });
        continue;
      }
    }
    await client.query(
      `UPDATE event_registrations
          SET status = 'registered', promoted_at = $2, payment_operation_id = $3, refund_operation_id = NULL,
              updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [next.id, at, paymentId],
    );
    registered += 1;
    await writeGuestEvent(
      client,
      "event.promoted",
      { guestId: next.guest_id, registrationId: next.id, ...eventFacts(event), balance, at: at.toISOString() },
      at,
    );
    outcome.promoted.push(next.id);
  }
  if (registered !== event.registered_count) {
    await client.query(
      "UPDATE events SET registered_count = $2, updated_at = $3 WHERE tenant_id = app_current_tenant() AND id = $1",
      [event.id, registered, at],
    );
    event.registered_count = registered;
  }
  return outcome;
}
