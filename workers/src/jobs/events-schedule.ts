// Restaurant events' schedule (api/src/core/events/send-reminders.ts): every five minutes, one job
// per tenant that has a published event starting within a day with a reminder not yet sent, or
// one whose end has passed. The tenant job sends the day and hour reminders and finishes past
// events; its marks make a repeated or racing run send nothing twice. The job id names the slot,
// so a retried sweep queues a tenant once.
import { type EventScheduleRun, sendEventReminders } from "@maxl/api";
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const EVENT_SCHEDULE_SLOT_MS = 5 * 60_000;

export const eventScheduleTenant = defineJob({
  queue: queueNames.loyalty,
  name: "events.schedule-tenant",
  schema: z.object({ tenantId: z.uuid() }),
  async handle({ tenantId }, { engine }): Promise<EventScheduleRun> {
    return sendEventReminders(engine, tenantId);
  },
});

export const eventScheduleSweep = defineJob({
  queue: queueNames.loyalty,
  name: "events.schedule-sweep",
  schema: z.object({}),
  schedule: { pattern: "*/5 * * * *", data: {} },
  async handle(_data, { platformDb, engine, enqueueMany }) {
    const at = engine.clock();
    const slot = Math.floor(at.getTime() / EVENT_SCHEDULE_SLOT_MS);
    const { rows } = await platformDb.pool.query<{ tenant_id: string }>(
      `SELECT DISTINCT tenant_id FROM events
        WHERE status = 'published'
          AND (ends_at <= $1
               OR (starts_at > $1 AND starts_at <= $1::timestamptz + interval '24 hours'
                   AND (day_reminder_sent_at IS NULL OR hour_reminder_sent_at IS NULL)))`,
      [at],
    );
    await enqueueMany(
      queueNames.loyalty,
      rows.map((row) => ({
        name: eventScheduleTenant.name,
        data: { tenantId: row.tenant_id },
        // Dots, not colons: BullMQ refuses custom job ids containing ":".
        options: { jobId: `events.${row.tenant_id}.${slot}` },
      })),
    );
    return { slot, tenants: rows.length };
  },
});
