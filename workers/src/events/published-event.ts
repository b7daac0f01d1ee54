// What the relay puts on the events queue for the outbox rows, and what consumers receive.
import { z } from "zod";

export const publishedEventSchema = z.object({
  // Any value of PostgreSQL's uuid type, not only RFC versions: a row the relay could not turn
  // into a job would hold up every event queued behind it.
  tenantId: z.guid(),
  /** outbox_events.id, a bigint: a string so no precision is lost on the way through JSON */
  eventId: z.string().regex(/^\d+$/, { message: "must be the decimal id of an outbox row" }),
  type: z.string().min(1),
  payload: z.unknown(),
  /** when the verb wrote the event (ISO 8601) */
  createdAt: z.iso.datetime(),
});

export type PublishedEvent = z.infer<typeof publishedEventSchema>;

/**
 * The BullMQ job id of an event. BullMQ ignores a second add with an id it holds, which makes
 * publishing an event again after a crash harmless. A dot, not a colon: BullMQ refuses custom
 * ids containing ":" (bar a legacy three-part form it means to drop).
 */
export function eventJobId(tenantId: string, eventId: string): string {
  return `${tenantId}.${eventId}`;
}

/** Events per job: a BullMQ job costs about as much as the consumers' work for one event. */
export const EVENTS_PER_JOB = 50;

/** The name of the job that carries up to EVENTS_PER_JOB events, in outbox order. */
export const EVENT_BATCH_JOB = "events.batch";

// Each event is checked on its own in the handler: one malformed row must not fail the others.
export const publishedBatchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(EVENTS_PER_JOB),
});

/**
 * The job id of a batch, from the outbox ids it holds (one sequence across tenants): publishing
 * the same rows again after a crash adds nothing. Rows batched differently on the next pass
 * make another job, which the consumers' idempotency absorbs.
 */
export function eventBatchJobId(events: readonly Pick<PublishedEvent, "eventId">[]): string {
  const first = events[0]?.eventId ?? "0";
  const last = events[events.length - 1]?.eventId ?? first;
  return `events.${first}.${last}.${events.length}`;
}
