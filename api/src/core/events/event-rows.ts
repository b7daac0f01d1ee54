// What the events verbs share: the event row as SQL reads it, the views the API answers with,
// the outbox and audit writes, and the restaurant scope check. Every verb that changes places
// or payments locks the event's row first (lockEvent) and the guests' rows after it, always in
// that order, so the event transactions serialise per event and never deadlock.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { Actor } from "../context.ts";

export const eventStatuses = ["draft", "published", "cancelled", "finished"] as const;
export type EventStatus = (typeof eventStatuses)[number];
export const registrationStatuses = ["registered", "waitlisted", "cancelled"] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export interface EventRow {
  id: string;
  restaurant_id: string | null;
  title: string;
  description: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  min_level_id: string | null;
  price_points: number;
  attendance_bonus_points: number;
  registration_deadline: Date | null;
  status: EventStatus;
  registered_count: number;
  published_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const EVENT_COLUMNS = `e.id, e.restaurant_id, e.title, e.description, e.starts_at, e.ends_at, e.capacity, e.min_level_id,
  e.price_points, e.attendance_bonus_points, e.registration_deadline, e.status, e.registered_count, e.published_at,
  e.cancelled_at, e.cancel_reason, e.created_at, e.updated_at`;

export const noSuchEvent = () =>
  new ServiceError("NOT_FOUND", "There is no such event.", { key: "error-event-unknown" });

/** The event, its row locked until the transaction ends; NOT_FOUND when it does not exist. */
export async function lockEvent(client: pg.PoolClient, eventId: string): Promise<EventRow> {
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = app_current_tenant() AND e.id = $1 FOR UPDATE`,
    [eventId],
  );
  const row = rows[0];
  if (!row) throw noSuchEvent();
  return row;
}

export interface EventCounts {
  waitlisted: number;
  checkedIn: number;
  hasCover: boolean;
}

export interface StaffEventView {
  id: string;
  restaurantId: string | null;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  minLevelId: string | null;
  pricePoints: number;
  attendanceBonusPoints: number;
  registrationDeadline: string | null;
  status: EventStatus;
  registeredCount: number;
  waitlistedCount: number;
  checkedInCount: number;
  placesLeft: number;
  hasCover: boolean;
  publishedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function staffEventView(row: EventRow, counts: EventCounts): StaffEventView {
  return {
    id: row.id,
    restaurantId: row.restaurant_id,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    capacity: row.capacity,
    minLevelId: row.min_level_id,
    pricePoints: row.price_points,
    attendanceBonusPoints: row.attendance_bonus_points,
    registrationDeadline: iso(row.registration_deadline),
    status: row.status,
    registeredCount: row.registered_count,
    waitlistedCount: counts.waitlisted,
    checkedInCount: counts.checkedIn,
    placesLeft: Math.max(0, row.capacity - row.registered_count),
    hasCover: counts.hasCover,
    publishedAt: iso(row.published_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Events with their counts, filtered by a WHERE clause over `e` (parameters from $1). */
export async function readEvents(
  client: pg.PoolClient,
  where: string,
  values: unknown[],
  tail = "ORDER BY e.starts_at, e.id",
): Promise<StaffEventView[]> {
  const { rows } = await client.query<EventRow & { waitlisted: number; checked_in: number; has_cover: boolean }>(
    `SELECT ${EVENT_COLUMNS},
            (SELECT count(*)::int FROM event_registrations r
              WHERE r.tenant_id = e.tenant_id AND r.event_id = e.id AND r.status = 'waitlisted') AS waitlisted,
            (SELECT count(*)::int FROM event_registrations r
              WHERE r.tenant_id = e.tenant_id AND r.event_id = e.id AND r.checked_in_at IS NOT NULL) AS checked_in,
            EXISTS (SELECT 1 FROM event_covers c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id) AS has_cover
       FROM events e
      WHERE e.tenant_id = app_current_tenant() AND ${where}
      ${tail}`,
    values,
  );
  return rows.map((row) =>
    staffEventView(row, { waitlisted: row.waitlisted, checkedIn: row.checked_in, hasCover: row.has_cover }),
  );
}

export async function readEvent(client: pg.PoolClient, eventId: string): Promise<StaffEventView> {
  const [view] = await readEvents(client, "e.id = $1", [eventId]);
  if (!view) throw noSuchEvent();
  return view;
}

/** The restaurants a staff member may act for (null: all); an event of another is refused. */
export function assertEventInScope(scope: string[] | null, restaurantId: string | null): void {
  if (scope === null) return;
  if (restaurantId === null || !scope.includes(restaurantId)) {
    throw new ServiceError("FORBIDDEN", "This event belongs to a restaurant you do not work for.", {
      key: "error-event-scope",
    });
  }
}

/** An outbox event for one guest, written in the caller's transaction. */
export async function writeGuestEvent(
  client: pg.PoolClient,
  type: string,
  payload: Record<string, unknown> & { guestId: string },
  at: Date,
  dedupeKey: string | null = null,
): Promise<void> {
  await client.query(
    `INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
     VALUES (app_current_tenant(), $1, $2::jsonb, $3, $4)
     ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
    [type, JSON.stringify(payload), dedupeKey, at],
  );
}

/** What the bot's texts need to name the event. */
export function eventFacts(row: EventRow): Record<string, unknown> {
  return {
    eventId: row.id,
    title: row.title,
    startsAt: row.starts_at.toISOString(),
    pricePoints: row.price_points,
  };
}

export async function writeEventAudit(
  client: pg.PoolClient,
  actor: Actor,
  at: Date,
  action: string,
  entityId: string,
  changes: Record<string, unknown>,
  reason: string | null = null,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (tenant_id, created_at, actor_kind, actor_staff_id, action, entity_type, entity_id, reason, ip,
                            user_agent, changes)
     VALUES (app_current_tenant(), $1, 'staff', $2, $3, 'event', $4, $5, $6, $7, $8::jsonb)`,
    [
      at,
      actor.staffId ?? null,
      action,
      entityId,
      reason,
      actor.ip ?? null,
      actor.userAgent ?? null,
      JSON.stringify(changes),
    ],
  );
}
