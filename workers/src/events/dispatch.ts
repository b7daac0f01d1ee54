// The jobs behind the events queue: each event goes to every consumer of its type. Consumers run
// side by side; one failing does not keep the others from seeing the event, and the job then
// fails so BullMQ retries it (which is why consumers must be idempotent). The relay publishes
// events in batches (one job per EVENTS_PER_JOB of them, since the job's own cost in Redis and
// here is about what a consumer costs); single-event jobs named after their type are still run.
import { defineJob, type JobDeps } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";
import type { EventConsumer } from "./consumers.ts";
import { EVENT_BATCH_JOB, type PublishedEvent, publishedBatchSchema, publishedEventSchema } from "./published-event.ts";

/** How many of a batch's events are with their consumers at once. */
const EVENTS_IN_FLIGHT = 4;

/** Hands one event to its consumers; answers the names of those that failed. */
async function dispatch(consumers: readonly EventConsumer[], event: PublishedEvent, deps: JobDeps) {
  const interested = consumers.filter((consumer) => consumer.types.includes(event.type));
  const outcomes = await Promise.allSettled(interested.map((consumer) => consumer.handle(event, deps)));
  const failed: string[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === "fulfilled") return;
    const consumer = interested[index]?.name ?? "?";
    failed.push(consumer);
    deps.logger.warn(
      { err: outcome.reason, consumer, type: event.type, tenantId: event.tenantId, eventId: event.eventId },
      "event consumer failed",
    );
  });
  return { consumers: interested.map((consumer) => consumer.name), failed };
}

export function dispatchEvents(consumers: readonly EventConsumer[]) {
  return defineJob({
    queue: queueNames.events,
    name: "events.dispatch",
    // single-event jobs are named after their event types, which the workers do not enumerate
    catchAll: true,
    schema: publishedEventSchema,
    async handle(event, deps) {
      const { consumers: handedTo, failed } = await dispatch(consumers, event, deps);
      if (failed.length > 0) throw new Error(`${event.type} #${event.eventId}: ${failed.join(", ")} failed`);
      return { consumers: handedTo };
    },
  });
}

export function dispatchEventBatches(consumers: readonly EventConsumer[]) {
  return defineJob({
    queue: queueNames.events,
    name: EVENT_BATCH_JOB,
    schema: publishedBatchSchema,
    async handle({ events }, deps) {
      const failures: string[] = [];
      let malformed = 0;
      let next = 0;
      const lane = async () => {
        while (next < events.length) {
          const parsed = publishedEventSchema.safeParse(events[next++]);
          if (!parsed.success) {
            // A row the relay could not describe would fail every retry; it is logged and left.
            malformed += 1;
            deps.logger.error({ issues: parsed.error.issues }, "malformed event in a batch, skipped");
            continue;
          }
          const event = parsed.data;
          const { failed } = await dispatch(consumers, event, deps);
          if (failed.length > 0) failures.push(`${event.type} #${event.eventId}: ${failed.join(", ")}`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(EVENTS_IN_FLIGHT, events.length) }, lane));
      if (failures.length > 0) {
        throw new Error(`${failures.length} of ${events.length} events failed: ${failures.slice(0, 3).join("; ")}`);
      }
      return { events: events.length, malformed };
    },
  });
}
