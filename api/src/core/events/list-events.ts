// Events and their registrations as staff see them; a manager or cashier limited to some
// restaurants sees those restaurants' events and the ones for the whole business.
import { z } from "zod";
import type { EngineDeps, StaffRole } from "../context.ts";
import { restaurantScope } from "../staff/restaurant-scope.ts";
import { assertEventInScope, eventStatuses, readEvent, readEvents, type StaffEventView } from "./event-rows.ts";

export const eventListQuerySchema = z.object({
  status: z.enum(eventStatuses).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe("events ending after this instant"),
  to: z.iso.datetime({ offset: true }).optional().describe("events starting before this instant"),
});
export type EventListQuery = z.infer<typeof eventListQuerySchema>;

type Staff = { tenantId: string; staffId: string; role: StaffRole };

export async function listEvents(deps: EngineDeps, staff: Staff, query: EventListQuery): Promise<StaffEventView[]> {
  const scope = await restaurantScope(deps, staff);
  const where = ["($1::uuid[] IS NULL OR e.restaurant_id IS NULL OR e.restaurant_id = ANY($1::uuid[]))"];
  const values: unknown[] = [scope];
  if (query.status) {
    values.push(query.status);
    where.push(`e.status = $${values.length}::event_status`);
  }
  if (query.from) {
    values.push(query.from);
    where.push(`e.ends_at > $${values.length}::timestamptz`);
  }
  if (query.to) {
    values.push(query.to);
    where.push(`e.starts_at < $${values.length}::timestamptz`);
  }
  return deps.db.withTenantClient(staff.tenantId, (client) =>
    readEvents(client, where.join(" AND "), values, "ORDER BY e.starts_at, e.id LIMIT 500"),
  );
}

export async function eventDetail(deps: EngineDeps, staff: Staff, eventId: string): Promise<StaffEventView> {
  const scope = await restaurantScope(deps, staff);
  const view = await deps.db.withTenantClient(staff.tenantId, (client) => readEvent(client, eventId));
  if (view.restaurantId !== null) assertEventInScope(scope, view.restaurantId);
  return view;
}

export interface RegistrationView {
  id: string;
  guest: { id: string; name: string; phone: string | null };
  status: "registered" | "waitlisted" | "cancelled";
  waitlistPosition: number | null;
  paidPoints: number;
  refunded: boolean;
  checkedInAt: string | null;
  promotedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
}

export async function eventRegistrations(deps: EngineDeps, staff: Staff, eventId: string): Promise<RegistrationView[]> {
  await eventDetail(deps, staff, eventId);
  return deps.db.withTenantClient(staff.tenantId, async (client) => {
    const { rows } = await client.query<{
      id: string;
      guest_id: string;
      first_name: string | null;
      last_name: string | null;
      phone: string | null;
      status: RegistrationView["status"];
      position: number | null;
      paid: number | null;
      refund_operation_id: string | null;
      checked_in_at: Date | null;
      promoted_at: Date | null;
      cancelled_at: Date | null;
      created_at: Date;
    }>(
      `SELECT r.id, r.guest_id, g.first_name, g.last_name, g.phone, r.status,
              CASE WHEN r.status = 'waitlisted' THEN
                row_number() OVER (PARTITION BY r.status ORDER BY r.created_at, r.id)::int END AS position,
              (SELECT (o.result->>'redeemed')::int FROM loyalty_operations o
                WHERE o.tenant_id = r.tenant_id AND o.id = r.payment_operation_id) AS paid,
              r.refund_operation_id, r.checked_in_at, r.promoted_at, r.cancelled_at, r.created_at
         FROM event_registrations r
         JOIN guests g ON g.tenant_id = r.tenant_id AND g.id = r.guest_id
        WHERE r.tenant_id = app_current_tenant() AND r.event_id = $1
        ORDER BY CASE r.status WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.created_at, r.id`,
      [eventId],
    );
    return rows.map((row) => ({
      id: row.id,
      guest: {
        id: row.guest_id,
        name: [row.first_name, row.last_name].filter(Boolean).join(" "),
        phone: row.phone,
      },
      status: row.status,
      waitlistPosition: row.position,
      paidPoints: row.paid ?? 0,
      refunded: row.refund_operation_id !== null,
      checkedInAt: row.checked_in_at?.toISOString() ?? null,
      promotedAt: row.promoted_at?.toISOString() ?? null,
      cancelledAt: row.cancelled_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
    }));
  });
}
