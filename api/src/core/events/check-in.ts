// Check-in at the door: the cashier identifies the guest as at the till (QR, code, phone) or
// picks them from the list; a registered guest is marked attended and credited the attendance
// bonus once (the engine's bonus verb, keyed by the registration). Checking a guest in again
// gives the first answer. A guest without a place is refused with a clear message. A guest beyond
// the plan's guest limit of a restricted tenant is checked in without the bonus, and the answer
// says so (bonusWithheld), so the cashier can tell the guest; checking them in again after the
// tenant has paid credits it.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { identifyGuest } from "../guests/identify-guest.ts";
import { grantBonus, isPlanGuestLimit } from "../loyalty/grant-bonus.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import { assertEventInScope, noSuchEvent, writeEventAudit } from "./event-rows.ts";
import type { CheckInInput } from "./schemas.ts";

export interface CheckInResult {
  registrationId: string;
  eventId: string;
  guest: { id: string; name: string };
  checkedInAt: string;
  bonusPoints: number;
  /** the guest's balance after the bonus; null when the event gives none */
  balance: number | null;
  /** attendance points not credited: the guest is beyond the plan's guest limit and the plan is restricted */
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
  const marked = await deps.db.withTenantClient(tenantId, async (client) => {
    const { rows: events } = await client.query<{ restaurant_id: string | null; status: string; bonus: number }>(
      `SELECT restaurant_id, status, attendance_bonus_points AS bonus FROM events
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [eventId],
    );
    const event = events[0];
    if (!event) throw noSuchEvent();
    if (event.restaurant_id !== null) assertEventInScope(scope, event.restaurant_id);
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
    if (event.status !== "published" && event.status !== "finished") {
      throw new ServiceError("CONFLICT", `This event is ${event.status}.`, { key: `error-event-${event.status}` });
    }
    if (row.checked_in_at) return { id: row.id, name, at: row.checked_in_at, bonus: event.bonus, first: false };
    await client.query(
      `UPDATE event_registrations SET checked_in_at = $2, checked_in_by_staff_id = $3, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [row.id, at, actor.staffId],
    );
    await writeEventAudit(client, actor, at, "event.checked_in", eventId, { guestId, registrationId: row.id });
    return { id: row.id, name, at, bonus: event.bonus, first: true };
  });
  // After the mark is committed; a check-in repeated after a failure here credits it then, once.
  let withheld = 0;
  const bonus =
    marked.bonus > 0
      ? await grantBonus(deps, {
          tenantId,
          guestId,
          points: marked.bonus,
          reason: "event",
          idempotencyKey: `event-attend:${marked.id}`,
        }).catch((error: unknown) => {
          if (!isPlanGuestLimit(error)) throw error;
          withheld = marked.bonus;
          return null;
        })
      : null;
  return {
    result: {
      registrationId: marked.id,
      eventId,
      guest: { id: guestId, name: marked.name },
      checkedInAt: marked.at.toISOString(),
      bonusPoints: bonus ? bonus.result.bonus : 0,
      balance: bonus ? bonus.result.balance : null,
      bonusWithheld: withheld,
    },
    replayed: !marked.first,
  };
}
