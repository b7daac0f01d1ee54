// Broadcasts in the workers (api/src/core/broadcasts/run-broadcast.ts does the sending):
// - a broadcast sent now announces itself through the outbox (broadcast.started); the starter
//   below turns that into a `broadcasts.send` job at once;
// - `broadcasts.sweep` (every minute) queues the scheduled broadcasts that are due, and the sending
//   ones whose sender stopped (its lease lapsed: a worker killed mid-send), one job per broadcast
//   and minute;
// - `broadcasts.send` sends until the audience is done, the broadcast is cancelled, or it fails
//   (BullMQ retries; the run resumes from the deliveries already recorded, never sending twice).
// Two jobs for one broadcast are harmless: only the holder of its lease sends.
import { BROADCAST_STARTED, type BroadcastSender, runBroadcast } from "@maxl/api";
import { z } from "zod";
import type { EventConsumer } from "../events/consumers.ts";
import { defineJob, type JobDefinition } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";

export const BROADCAST_SWEEP_SLOT_MS = 60_000;
const sendSchema = z.object({ tenantId: z.uuid(), broadcastId: z.uuid() });
export const BROADCAST_SEND_JOB = "broadcasts.send";

/** BullMQ refuses ids with ":"; one job per broadcast and slot (or "now" for the starter). */
export const broadcastJobId = (broadcastId: string, slot: number | "now") => `broadcast.${broadcastId}.${slot}`;

export interface BroadcastJobsOptions {
  sender: BroadcastSender;
  /** messages in flight per broadcast; the sender's throttler keeps Telegram's pace */
  lanes?: number;
  leaseSeconds?: number;
}

export function broadcastJobs(options: BroadcastJobsOptions): JobDefinition[] {
  const send = defineJob({
    queue: queueNames.broadcasts,
    name: BROADCAST_SEND_JOB,
    schema: sendSchema,
    async handle({ tenantId, broadcastId }, { engine, logger }) {
      const run = await runBroadcast(engine, {
        tenantId,
        broadcastId,
        sender: options.sender,
        ...(options.lanes ? { lanes: options.lanes } : {}),
        ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
      });
      logger.info({ tenantId, broadcastId, ...run }, "broadcast run");
      return run;
    },
  });
  const sweep = defineJob({
    queue: queueNames.loyalty,
    name: "broadcasts.sweep",
    schema: z.object({}),
    schedule: { pattern: "* * * * *", data: {} },
    async handle(_data, { platformDb, engine, enqueueMany }) {
      const at = engine.clock();
      const slot = Math.floor(at.getTime() / BROADCAST_SWEEP_SLOT_MS);
      const { rows } = await platformDb.pool.query<{ tenant_id: string; id: string }>(
        `SELECT tenant_id, id FROM broadcasts
          WHERE (status = 'scheduled' AND scheduled_at <= $1)
             OR (status = 'sending' AND (lease_until IS NULL OR lease_until < $1))`,
        [at],
      );
      await enqueueMany(
        queueNames.broadcasts,
        rows.map((row) => ({
          name: BROADCAST_SEND_JOB,
          data: { tenantId: row.tenant_id, broadcastId: row.id },
          options: { jobId: broadcastJobId(row.id, slot) },
        })),
      );
      return { slot, broadcasts: rows.length };
    },
  });
  return [send, sweep];
}

export function broadcastStarter(): EventConsumer {
  return {
    name: "broadcast-starter",
    types: [BROADCAST_STARTED],
    async handle(event, deps) {
      const { broadcastId } = z.object({ broadcastId: z.uuid() }).parse(event.payload);
      await deps.enqueue(
        BROADCAST_SEND_JOB,
        { tenantId: event.tenantId, broadcastId },
        { jobId: broadcastJobId(broadcastId, "now") },
      );
    },
  };
}
