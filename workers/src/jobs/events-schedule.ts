// Restaurant events' schedule (api/src/core/events/send-reminders.ts): every five minutes, one job
// per tenant that has a reminder due and not yet sent (the hour one within the hour; the day one
// in the daytime of the day before the event, in the tenant's time zone: see reminders-due.ts,
// whose SQL this sweep and the tenant job share), or a published event whose end has passed. The
// tenant job sends the day and hour reminders and finishes past events; its marks make a repeated
// or racing run send nothing twice. The job id names the slot, so a retried sweep queues a tenant
// once.
import { type EventScheduleRun, reminderDueSql, sendEventReminders } from "@maxl/api";
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
      `SELECT DISTINCT e.tenant_id FROM events e
         JOIN tenants t ON t.id = e.tenant_id
        WHERE e.status = 'published'
          AND (e.ends_at <= $1
               OR ${reminderDueSql("hour", "t.time_zone")}
               OR ${reminderDueSql("day", "t.time_zone")})`,
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
