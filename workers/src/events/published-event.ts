// What the relay puts on the events queue for each outbox row, and what consumers receive.
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
