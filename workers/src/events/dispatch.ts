// The job behind every event on the events queue: hands the event to each consumer of its type.
// Consumers run side by side; one failing does not keep the others from seeing the event, and
// the job then fails so BullMQ retries it (which is why consumers must be idempotent).
import { defineJob } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";
import type { EventConsumer } from "./consumers.ts";
import { publishedEventSchema } from "./published-event.ts";

export function dispatchEvents(consumers: readonly EventConsumer[]) {
  return defineJob({
    queue: queueNames.events,
    name: "events.dispatch",
    // the jobs are named after their event types, which the workers do not enumerate
    catchAll: true,
    schema: publishedEventSchema,
    async handle(event, deps) {
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
      if (failed.length > 0) throw new Error(`${event.type} #${event.eventId}: ${failed.join(", ")} failed`);
      return { consumers: interested.map((consumer) => consumer.name) };
    },
  });
}
