// Check-in at the door: the cashier identifies the guest as at the till (QR, code, phone) or
// picks them from the list; a registered guest is marked attended and credited the attendance
// bonus in the same transaction (the engine's bonus verb, keyed by the registration). Checking a
// guest in again gives the first answer, the bonus as it was credited then, even if staff have
// changed the event's bonus since. A guest without a place is refused with a clear message. A
// guest beyond the plan's guest limit of a restricted tenant is checked in without the bonus, and
// the answer says so (bonusWithheld), so the cashier can tell the guest; checking them in again
// after the tenant has paid credits it then.
//
// The door is open from 12 hours before the start (a morning's staff can check in the evening's
// early guests; a guest of next week's event cannot be marked by mistake) until 24 hours after
// the end (staff may mark attendance from the guest list the next day). Plain hours, not the
// tenant's calendar day: a party starting at 00:30 has guests arriving at 23:45.
import { type OperationResult, ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { identifyGuest } from "../guests/identify-guest.ts";
import { grantBonusIn, isPlanGuestLimit } from "../loyalty/grant-bonus.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import { assertEventInScope, lockEvent, writeEventAudit } from "./event-rows.ts";
import type { CheckInInput } from "./schemas.ts";

export const CHECK_IN_OPENS_BEFORE_START_MS = 12 * 3_600_000;
export const CHECK_IN_CLOSES_AFTER_END_MS = 24 * 3_600_000;

export interface CheckInResult {
  registrationId: string;
  eventId: string;
  guest: { id: string; name: string };
  checkedInAt: string;
  bonusPoints: number;
  /** the guest's balance after the bonus; null when the event gives none */
  balance: number | null;
  /** the bonus not credited because the business is restricted and the guest beyond its plan */
  bonusWithheld: number;
}

export async function checkInGuest(
  deps: EngineDeps,
  call: StaffCall<CheckInInput> & { eventId: string },
): Promise<{ result: CheckInResult; replayed: boolean }> {
  const { tenantId, actor, eventId, input } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  const guestId = "guestId" in input ? input.guestId : (await identifyGuest(deps, tenantId, input)).id;
  return deps.db.withTenantClient(tenantId, async (client) => {
    // The event's lock first, as register and cancel take it (event, then the registration): a
    // check-in racing the restaurant's cancellation waits for it, or makes it wait and refuse.
    const event = await lockEvent(client, eventId);
    if (event.restaurant_id !== null) assertEventInScope(scope, event.restaurant_id);
    if (event.status !== "published" && event.status !== "finished") {
      throw new ServiceError("CONFLICT", `This event is ${event.status}.`, {
        key: event.status === "draft" ? "error-event-draft" : "error-event-cancelled",
      });
    }
    const { rows: guests } = await client.query<{ first_name: string | null; last_name: string | null }>(
      "SELECT first_name, last_name FROM guests WHERE tenant_id = app_current_tenant() AND id = $1",
      [guestId],
    );
    const guest = guests[0];
    if (!guest) {
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    }
    const { rows } = await client.query<{ id: string; status: string; checked_in_at: Date | null }>(
      `SELECT id, status, checked_in_at FROM event_registrations
        WHERE tenant_id = app_current_tenant() AND event_id = $1 AND guest_id = $2 FOR UPDATE`,
      [eventId, guestId],
    );
    const row = {
      status: null as string | null,
      id: null as string | null,
      checked_in_at: null as Date | null,
      ...rows[0],
    };
    const name = [guest.first_name, guest.last_name].filter(Boolean).join(" ");
    if (row.status !== "registered" || !row.id) {
      const why = row.status === "waitlisted" ? "is only on the waitlist" : "is not registered";
      throw new ServiceError("CONFLICT", `${name || "This guest"} ${why} for this event.`, {
        details: { guestId, registrationStatus: row.status ?? "none" },
        key: row.status === "waitlisted" ? "error-checkin-waitlisted" : "error-checkin-not-registered",
        vars: { name: name || "?" },
      });
    }
    const registrationId = row.id;
    const bonusKey = `event-attend:${registrationId}`;
    const answer = (checkedInAt: Date, bonus: OperationResult | null, withheld = 0): CheckInResult => ({
      registrationId,
      eventId,
      guest: { id: guestId, name },
      checkedInAt: checkedInAt.toISOString(),
      bonusPoints: bonus ? bonus.bonus : 0,
      balance: bonus ? bonus.balance : null,
      bonusWithheld: withheld,
    });
    // The attendance bonus in this transaction. The gate refuses before anything is written, so a
    // withheld bonus leaves the transaction usable and the check-in stands.
    const creditBonus = async (): Promise<{ bonus: OperationResult | null; withheld: number }> => {
      const points = event.attendance_bonus_points;
      if (points <= 0) return { bonus: null, withheld: 0 };
      try {
        const granted = await grantBonusIn(
          client,
          deps,
          { tenantId, guestId, points, reason: "event", idempotencyKey: bonusKey, restaurantId: event.restaurant_id },
          at,
        );
        return { bonus: granted.result, withheld: 0 };
      } catch (error) {
        if (!isPlanGuestLimit(error)) throw error;
        return { bonus: null, withheld: points };
      }
    };
    if (row.checked_in_at) {
      // Already in: the bonus credited then, whatever the event's bonus is now; one withheld then
      // (a restricted business) is credited now if the gate allows it.
      const { rows: stored } = await client.query<{ result: OperationResult }>(
        "SELECT result FROM loyalty_operations WHERE tenant_id = app_current_tenant() AND idempotency_key = $1",
        [bonusKey],
      );
      if (stored[0]) return { result: answer(row.checked_in_at, stored[0].result), replayed: true };
      const late = await creditBonus();
      return { result: answer(row.checked_in_at, late.bonus, late.withheld), replayed: true };
    }
    if (at.getTime() < event.starts_at.getTime() - CHECK_IN_OPENS_BEFORE_START_MS) {
      throw new ServiceError("CONFLICT", "Check-in for this event opens 12 hours before it starts.", {
        key: "error-checkin-not-open",
        details: { opensAt: new Date(event.starts_at.getTime() - CHECK_IN_OPENS_BEFORE_START_MS).toISOString() },
      });
    }
    if (at.getTime() > event.ends_at.getTime() + CHECK_IN_CLOSES_AFTER_END_MS) {
      throw new ServiceError("CONFLICT", "Check-in for this event closed 24 hours after it ended.", {
        key: "error-checkin-closed",
        details: { closedAt: new Date(event.ends_at.getTime() + CHECK_IN_CLOSES_AFTER_END_MS).toISOString() },
      });
    }
    await client.query(
      `UPDATE event_registrations SET checked_in_at = $2, checked_in_by_staff_id = $3, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [registrationId, at, actor.staffId],
    );
    // The guest's row is locked after the event's and the registration's, the order cancelling keeps.
    const { bonus, withheld } = await creditBonus();
    await writeEventAudit(client, actor, at, "event.checked_in", eventId, {
      guestId,
      registrationId,
      channel: actor.channel ?? null,
      bonusPoints: bonus ? bonus.bonus : 0,
      bonusWithheld: withheld,
    });
    return { result: answer(at, bonus, withheld), replayed: false };
  });
}
