// Events as a guest sees them (Mini App, bot): upcoming published events with the places left and
// the guest's own standing. The cover is a public URL named by the tenant's slug and the event's
// id (see event-cover.ts), so an <img> tag can load it without credentials.
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { noSuchEvent } from "./event-rows.ts";

export interface GuestEventView {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  restaurant: { id: string; name: string } | null;
  pricePoints: number;
  attendanceBonusPoints: number;
  minLevel: { id: string; name: string } | null;
  registrationDeadline: string | null;
  status: "published" | "cancelled" | "finished";
  placesLeft: number;
  /** whether a guest registering now would join the waitlist */
  full: boolean;
  coverUrl: string | null;
  my: {
    status: "none" | "registered" | "waitlisted" | "cancelled";
    /** 1 for the first guest in line */
    waitlistPosition: number | null;
    checkedIn: boolean;
  };
}

interface Row {
  id: string;
  title: string;
  description: string;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  slug: string;
  restaurant_id: string | null;
  restaurant_name: string | null;
  price_points: number;
  attendance_bonus_points: number;
  min_level_id: string | null;
  min_level_name: string | null;
  registration_deadline: Date | null;
  status: GuestEventView["status"];
  capacity: number;
  registered_count: number;
  has_cover: boolean;
  my_status: "registered" | "waitlisted" | "cancelled" | null;
  my_position: number | null;
  checked_in: boolean;
}

const SELECT = `
  SELECT e.id, e.title, e.description, e.starts_at, e.ends_at, t.time_zone, t.slug, e.restaurant_id,
         r.name AS restaurant_name, e.price_points, e.attendance_bonus_points, e.min_level_id,
         l.name AS min_level_name, e.registration_deadline, e.status, e.capacity, e.registered_count,
         EXISTS (SELECT 1 FROM event_covers c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id) AS has_cover,
         m.status AS my_status,
         CASE WHEN m.status = 'waitlisted' THEN (
           SELECT count(*)::int FROM event_registrations w
            WHERE w.tenant_id = e.tenant_id AND w.event_id = e.id AND w.status = 'waitlisted'
              AND (w.created_at, w.id) <= (m.created_at, m.id)) END AS my_position,
         coalesce(m.checked_in_at IS NOT NULL, false) AS checked_in
    FROM events e
    JOIN tenants t ON t.id = e.tenant_id
    LEFT JOIN restaurants r ON r.tenant_id = e.tenant_id AND r.id = e.restaurant_id
    LEFT JOIN levels l ON l.tenant_id = e.tenant_id AND l.id = e.min_level_id
    LEFT JOIN event_registrations m ON m.tenant_id = e.tenant_id AND m.event_id = e.id AND m.guest_id = $1
   WHERE e.tenant_id = app_current_tenant()`;

function view(row: Row): GuestEventView {
  const placesLeft = Math.max(0, row.capacity - row.registered_count);
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    timeZone: row.time_zone,
    restaurant: row.restaurant_id && row.restaurant_name ? { id: row.restaurant_id, name: row.restaurant_name } : null,
    pricePoints: row.price_points,
    attendanceBonusPoints: row.attendance_bonus_points,
    minLevel: row.min_level_id && row.min_level_name ? { id: row.min_level_id, name: row.min_level_name } : null,
    registrationDeadline: row.registration_deadline?.toISOString() ?? null,
    status: row.status,
    placesLeft,
    full: placesLeft === 0,
    coverUrl: row.has_cover ? `/api/v1/events/${row.id}/cover?tenant=${encodeURIComponent(row.slug)}` : null,
    my: { status: row.my_status ?? "none", waitlistPosition: row.my_position, checkedIn: row.checked_in },
  };
}

/** Published events that have not ended, soonest first. */
export async function guestEvents(deps: EngineDeps, tenantId: string, guestId: string): Promise<GuestEventView[]> {
  const at = deps.clock();
  return deps.db.withTenantClient(tenantId, async (client: pg.PoolClient) => {
    const { rows } = await client.query<Row>(
      `${SELECT} AND e.status = 'published' AND e.ends_at > $2 ORDER BY e.starts_at, e.id LIMIT 100`,
      [guestId, at],
    );
    return rows.map(view);
  });
}

/** One event a guest may see: any but a draft (a cancelled one still tells them why it is gone). */
export async function guestEventView(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  eventId: string,
): Promise<GuestEventView> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<Row>(`${SELECT} AND e.id = $2 AND e.status <> 'draft'`, [guestId, eventId]);
    const row = rows[0];
    if (!row) throw noSuchEvent();
    return view(row);
  });
}
