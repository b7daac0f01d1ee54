// Update: staff change a draft or published event. A smaller capacity may not drop below the
// places taken; a larger one moves the waitlist up at once. When a published event's start or
// restaurant changes, every registered and waitlisted guest is told (event.rescheduled), and the
// reminders are sent again for the new time. Cancelled and finished events stay as they ended.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import type { StaffCall } from "./create-event.ts";
import {
  assertEventInScope,
  eventFacts,
  lockEvent,
  readEvent,
  type StaffEventView,
  writeEventAudit,
} from "./event-rows.ts";
import { promoteWaitlisted } from "./promote-waitlisted.ts";
import type { UpdateEventInput } from "./schemas.ts";
import { validateEvent } from "./validate-event.ts";

export async function updateEvent(
  deps: EngineDeps,
  call: StaffCall<UpdateEventInput> & { eventId: string },
): Promise<StaffEventView> {
  const { tenantId, actor, input, eventId } = call;
  const at = deps.clock();
  const scope = await restaurantScope(deps, { tenantId, staffId: actor.staffId, role: actor.role });
  return deps.db.withTenantClient(tenantId, async (client) => {
    const event = await lockEvent(client, eventId);
    assertEventInScope(scope, event.restaurant_id);
    if (event.status === "cancelled" || event.status === "finished") {
      throw new ServiceError("CONFLICT", `This event is ${event.status}; it can no longer be changed.`, {
        key: "error-event-closed",
      });
    }
    const shape = {
      restaurantId: input.restaurantId === undefined ? event.restaurant_id : input.restaurantId,
      startsAt: input.startsAt ? new Date(input.startsAt) : event.starts_at,
      endsAt: input.endsAt ? new Date(input.endsAt) : event.ends_at,
      capacity: input.capacity ?? event.capacity,
      minLevelId: input.minLevelId === undefined ? event.min_level_id : input.minLevelId,
      registrationDeadline:
        input.registrationDeadline === undefined
          ? event.registration_deadline
          : input.registrationDeadline === null
            ? null
            : new Date(input.registrationDeadline),
    };
    const timeChanged = shape.startsAt.getTime() !== event.starts_at.getTime();
    const placeChanged = shape.restaurantId !== event.restaurant_id;
    // Guests have registered for a published event: its start may move, but not into the past.
    const startAfter = event.status === "published" && timeChanged ? at : null;
    await validateEvent(client, shape, event.registered_count, scope, startAfter);
    const before = await readEvent(client, eventId);
    await client.query(
      `UPDATE events
          SET restaurant_id = $2, title = $3, description = $4, starts_at = $5, ends_at = $6, capacity = $7,
              min_level_id = $8, price_points = $9, attendance_bonus_points = $10, registration_deadline = $11,
              updated_at = $12,
              -- a new start time deserves new reminders
              day_reminder_sent_at = CASE WHEN starts_at = $5 THEN day_reminder_sent_at END,
              hour_reminder_sent_at = CASE WHEN starts_at = $5 THEN hour_reminder_sent_at END
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [
        eventId,
        shape.restaurantId,
        input.title ?? event.title,
        input.description ?? event.description,
        shape.startsAt,
        shape.endsAt,
        shape.capacity,
        shape.minLevelId,
        input.pricePoints ?? event.price_points,
        input.attendanceBonusPoints ?? event.attendance_bonus_points,
        shape.registrationDeadline,
        at,
      ],
    );
    // The event as it is now: the notices and any promotion below name its new title, time and
    // price, and promotion judges the waitlist by its new level rule.
    const current = await lockEvent(client, eventId);
    if (event.status === "published" && (timeChanged || placeChanged)) {
      // Before any promotion below: a guest moved up from the waitlist hears of the new time in the
      // promotion's own message as well.
      await client.query(
        `INSERT INTO outbox_events (tenant_id, type, payload, created_at)
         SELECT app_current_tenant(), 'event.rescheduled',
                $2::jsonb || jsonb_build_object('guestId', r.guest_id, 'registrationId', r.id), $3
           FROM event_registrations r
          WHERE r.tenant_id = app_current_tenant() AND r.event_id = $1 AND r.status IN ('registered', 'waitlisted')
          ORDER BY r.guest_id`,
        [
          eventId,
          JSON.stringify({
            ...eventFacts(current),
            previousStartsAt: event.starts_at.toISOString(),
            timeChanged,
            placeChanged,
            at: at.toISOString(),
          }),
          at,
        ],
      );
    }
    if (shape.capacity > event.capacity) {
      await promoteWaitlisted(client, deps, tenantId, current, actor, at);
    }
    const after = await readEvent(client, eventId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of Object.keys(input) as (keyof StaffEventView)[]) {
      if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
    }
    await writeEventAudit(client, actor, at, "event.updated", eventId, changes);
    return after;
  });
}
