// One job per batch of a tenant's POS inbox events (the relay groups them): one claim, one guest
// lookup and one settlement per batch instead of per check, which is where the throughput comes
// from. Each event row carries its own attempt count, so its last attempt settles it as `dead`
// (visible to admins, replayable) rather than failing the job: nothing a POS sends can block the
// queue, and a retry re-runs only the events still waiting.
import { PosRetryableError, processPosEvents } from "@maxl/api";
import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { defineJob } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";

/** Attempts per event before it is dead: with the backoff below, about two minutes of retries. */
export const POS_MAX_ATTEMPTS = 8;

export const posJobOptions: Readonly<JobsOptions> = Object.freeze({
  // One more than the event's own limit, so a worker killed mid-job (which BullMQ does not count)
  // cannot exhaust the job before the event has settled.
  attempts: POS_MAX_ATTEMPTS + 1,
  backoff: { type: "exponential", delay: 1_000 },
  // The inbox is the record; a finished job is only clutter, and removing it lets a replay reuse
  // the event's job id.
  removeOnComplete: true,
  removeOnFail: true,
});

/** Events per job: a batch is credited in a handful of statements, so a larger batch means fewer round trips per check. */
export const POS_BATCH_SIZE = 100;

export const processPosEventJob = defineJob({
  queue: queueNames.pos,
  name: "pos.process-events",
  schema: z.object({ tenantId: z.uuid(), eventIds: z.array(z.uuid()).min(1).max(POS_BATCH_SIZE) }),
  async handle(data, deps) {
    try {
      const outcomes = await processPosEvents(deps.engine, data.tenantId, data.eventIds, {
        maxAttempts: POS_MAX_ATTEMPTS,
      });
      return Object.fromEntries([...outcomes].map(([id, outcome]) => [id, outcome.status]));
    } catch (error) {
      if (error instanceof PosRetryableError) {
        deps.logger.warn({ err: error, tenantId: data.tenantId }, "pos events: will retry");
      }
      throw error;
    }
  },
});
