// When an event's reminders are due, as SQL. The workers' sweep (which tenants to queue) and the
// tenant job (which events to remind) both use these expressions, so the two can never disagree:
// a sweep that queued a tenant for nothing, or missed one the job would have reminded, would
// send reminders late or not at all.
//
// The hour reminder is time-critical: due from an hour before the start, day or night.
//
// The day reminder ("Tomorrow: …") goes during the daytime of the day before the event, in the
// tenant's time zone: at the event's own time of day, but not before 10:00 (an event at 01:00 is
// reminded at 10:00 the day before, not at 01:00 at night) and not after 20:00 (an event at 22:00
// is reminded at 20:00 the day before, not at 22:00). 20:00 rather than 21:00, because the sweep
// runs every five minutes and a reminder due at the very end of the daytime would have no sweep
// left to send it; the hour up to 21:00 is its margin. A reminder not sent by 21:00 (the event was
// published late in the evening, or the workers were down) is not sent at night and not on the
// event's day either, where "Tomorrow" would be wrong: the hour reminder stands in for it (and
// marks it done, see send-reminders.ts).
//
// Wall-clock times, not "24 hours before": across a daylight-saving change the reminder still
// goes at the event's local time the day before.

/** Local time of day from which the day reminder may go. */
const DAY_REMINDER_FROM = "10:00";
/** Local time of day by which every day reminder falls due (later events are reminded then). */
const DAY_REMINDER_LATEST_DUE = "20:00";
/** Local time of day from which no day reminder goes (quiet hours until DAY_REMINDER_FROM). */
const DAY_REMINDER_UNTIL = "21:00";

export type ReminderKind = "day" | "hour";

/** The column of `events` that records a reminder as sent. */
export const reminderMark: Record<ReminderKind, string> = {
  day: "day_reminder_sent_at",
  hour: "hour_reminder_sent_at",
};

/**
 * SQL: the event row `e` has its `kind` reminder due and not yet sent, `$1` being now and `zone`
 * an SQL expression for the tenant's time zone. (Published or not is the caller's to check.)
 */
export function reminderDueSql(kind: ReminderKind, zone: string): string {
  const notSent = `e.${reminderMark[kind]} IS NULL AND e.starts_at > $1::timestamptz`;
  if (kind === "hour") return `(${notSent} AND e.starts_at <= $1::timestamptz + interval '1 hour')`;
  const now = `($1::timestamptz AT TIME ZONE ${zone})`;
  const start = `(e.starts_at AT TIME ZONE ${zone})`;
  // The range on starts_at is implied by the rest (never before the event's own time the day
  // before, or 20:00 then for a later one: less than 28 hours ahead, 29 across a clock change);
  // it lets the sweep use the index on starts_at.
  return `(${notSent} AND e.starts_at <= $1::timestamptz + interval '30 hours'
    AND ${start}::date = ${now}::date + 1
    AND ${now}::time >= greatest(time '${DAY_REMINDER_FROM}', least(${start}::time, time '${DAY_REMINDER_LATEST_DUE}'))
    AND ${now}::time < time '${DAY_REMINDER_UNTIL}')`;
}
