// Queue names and the job options every job starts from. Frozen, so no caller can change the
// defaults for everyone by accident.
import type { JobsOptions } from "bullmq";

export const queueNames = {
  maintenance: "maintenance",
  /** one job per outbox event, named after its type (see outbox/relay.ts) */
  events: "events",
  /** the per-tenant loyalty upkeep: expiry, reminders, birthdays, levels */
  loyalty: "loyalty",
  /** POS ingestion: one job per inbox event, and the iiko polling */
  pos: "pos",
  /** guest imports from CSV: long jobs, kept apart so they never hold up the others */
  imports: "imports",
  /** billing: YooKassa notifications settled, renewals charged, subscriptions moved on */
  billing: "billing",
  /** broadcasts to guests: long jobs at Telegram's pace, kept apart like imports */
  broadcasts: "broadcasts",
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** Every BullMQ key starts with this, beside the application's own keys. */
export const BULL_PREFIX = "maxl:bull";

export const defaultJobOptions: Readonly<JobsOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
});
