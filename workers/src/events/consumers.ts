// Who reacts to the domain's events. Features (notifications, webhooks, analytics) add their
// consumer to the list below; the dispatcher hands each event to every consumer of its type.
import type { JobDeps } from "../jobs/definition.ts";
import type { PublishedEvent } from "./published-event.ts";

/**
 * One reaction to events, e.g. "tell the guest in Telegram when points expire".
 *
 * `handle` must be idempotent: it can see the same event more than once. The relay publishes
 * again after a crash between Redis and its commit, and a failed event job is retried with every
 * consumer of its type, including those that had already succeeded. Key side effects on
 * `tenantId` + `eventId`. Throwing fails the event's job, which BullMQ retries with backoff.
 */
export interface EventConsumer {
  /** for logs and failure reasons */
  name: string;
  /** event types, e.g. "points.expired" */
  types: readonly string[];
  handle(event: PublishedEvent, deps: JobDeps): Promise<void>;
}

export const eventConsumers: readonly EventConsumer[] = [];
