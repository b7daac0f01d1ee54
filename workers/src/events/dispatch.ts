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
  return dispatchTo(interested, event, deps);
}

async function dispatchTo(interested: readonly EventConsumer[], event: PublishedEvent, deps: JobDeps) {
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
    async handle({ events: items }, deps) {
      const failures: string[] = [];
      const events: PublishedEvent[] = [];
      let malformed = 0;
      for (const item of items) {
        const parsed = publishedEventSchema.safeParse(item);
        if (parsed.success) events.push(parsed.data);
        else {
          // A row the relay could not describe would fail every retry; it is logged and left.
          malformed += 1;
          deps.logger.error({ issues: parsed.error.issues }, "malformed event in a batch, skipped");
        }
      }
      const wanted = await relevantByConsumer(consumers, events, deps);
      let next = 0;
      const lane = async () => {
        while (next < events.length) {
          const event = events[next++] as PublishedEvent;
          const interested = consumers.filter(
            (consumer) => consumer.types.includes(event.type) && (wanted.get(consumer)?.has(event.eventId) ?? true),
          );
          const { failed } = await dispatchTo(interested, event, deps);
          if (failed.length > 0) failures.push(`${event.type} #${event.eventId}: ${failed.join(", ")}`);
        }
      };
      await Promise.all(Array.from({ length: Math.min(EVENTS_IN_FLIGHT, events.length) }, lane));
      if (failures.length > 0) {
        throw new Error(`${failures.length} of ${items.length} events failed: ${failures.slice(0, 3).join("; ")}`);
      }
      return { events: items.length, malformed };
    },
  });
}

/** Each consumer's answer to `relevant` for its events of the batch; absent: all of them. */
async function relevantByConsumer(
  consumers: readonly EventConsumer[],
  events: readonly PublishedEvent[],
  deps: JobDeps,
): Promise<Map<EventConsumer, Set<string>>> {
  const wanted = new Map<EventConsumer, Set<string>>();
  for (const consumer of consumers) {
    if (!consumer.relevant) continue;
    const mine = events.filter((event) => consumer.types.includes(event.type));
    if (mine.length === 0) continue;
    try {
      wanted.set(consumer, await consumer.relevant(mine, deps));
    } catch (error) {
      // Only an optimisation: without its answer every event goes to handle(), which decides.
      deps.logger.warn({ err: error, consumer: consumer.name }, "consumer could not pre-select a batch");
    }
  }
  return wanted;
}
