// Reminders: a day and an hour before a published event starts, every registered guest gets an
// event.reminder through the outbox. When each is due is in reminders-due.ts (shared with the
// workers' sweep): the hour one from an hour before, the day one during the daytime of the day
// before, in the tenant's time zone. The mark is set in the transaction that writes the
// reminders, on the event's locked row and only where it is still unset, so a job that runs twice
// or two workers racing send each reminder once (the outbox's dedupe key, which names the start
// time, is a second guard; moving the start clears the marks and reminds again). The hour
// reminder marks the day one done too: an event published less than an hour ahead, or whose day
// reminder could not go in the daytime, gets only the hour reminder.
//
// The day reminder says "Tomorrow", so it goes only on the day before the event in the tenant's
// time zone: an event later today gets the hour reminder alone. Saying "today" instead would mean
// a message right after publishing, when hardly anyone has registered yet, to guests who have
// just chosen a same-day event.
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { finishPastEvents } from "./finish-event.ts";
import { type ReminderKind, reminderDueSql, reminderMark } from "./reminders-due.ts";

export interface ScheduleRun {
  dayReminders: number;
  hourReminders: number;
  finished: number;
}

const tenantZone = "(SELECT t.time_zone FROM tenants t WHERE t.id = app_current_tenant())";

async function remind(client: pg.PoolClient, kind: ReminderKind, at: Date): Promise<number> {
  const mark = reminderMark[kind];
  const { rows: events } = await client.query<{ id: string }>(
    `SELECT e.id FROM events e
      WHERE e.tenant_id = app_current_tenant() AND e.status = 'published' AND ${reminderDueSql(kind, tenantZone)}
      ORDER BY e.id
        FOR UPDATE`,
    [at],
  );
  let sent = 0;
  for (const event of events) {
    // Re-read under the lock: a racing run may have set the mark meanwhile.
    const { rowCount } = await client.query(
      `UPDATE events SET ${mark} = $2${kind === "hour" ? ", day_reminder_sent_at = coalesce(day_reminder_sent_at, $2)" : ""}
        WHERE tenant_id = app_current_tenant() AND id = $1 AND ${mark} IS NULL`,
      [event.id, at],
    );
    if (!rowCount) continue;
    const inserted = await client.query(
      `INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
       SELECT app_current_tenant(), 'event.reminder',
              jsonb_build_object('guestId', r.guest_id, 'registrationId', r.id, 'eventId', e.id, 'title', e.title,
                                 'startsAt', to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                 'pricePoints', e.price_points, 'kind', $2::text),
              -- the start in the key: a rescheduled event (its marks cleared) is reminded again
              'event.reminder:' || e.id || ':' || (extract(epoch FROM e.starts_at) * 1000)::bigint || ':' || $2::text
                || ':' || r.guest_id, $3
         FROM event_registrations r
         JOIN events e ON e.tenant_id = r.tenant_id AND e.id = r.event_id
        WHERE r.tenant_id = app_current_tenant() AND r.event_id = $1 AND r.status = 'registered'
       ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
      [event.id, kind, at],
    );
    sent += inserted.rowCount ?? 0;
  }
  return sent;
}

export async function sendEventReminders(deps: EngineDeps, tenantId: string): Promise<ScheduleRun> {
  const at = deps.clock();
  const reminders = await deps.db.withTenantClient(tenantId, async (client) => {
    const hourReminders = await remind(client, "hour", at);
    const dayReminders = await remind(client, "day", at);
    return { hourReminders, dayReminders };
  });
  return { ...reminders, finished: await finishPastEvents(deps, tenantId) };
}
