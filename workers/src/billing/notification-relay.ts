// Hands YooKassa notifications the API stored to the billing queue. The API never touches Redis
// for them, so a notification accepted while Redis is down simply waits in billing_notifications
// and is handed over on a later pass. `attempts` counts hand-overs: a notification still
// `received` after one is handed over again, after 1, 2, 4... × `staleAfterMs` (its job was lost
// with Redis, or failed all its tries), until BILLING_NOTIFICATION_MAX_HANDOVERS, when the worker
// marks it failed. The job id names the notification, so a hand-over while its job is still
// queued or running adds nothing.
import type { Logger } from "@maxl/api";
import type pg from "pg";
import type { Enqueuer } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";
import { type BatchRelay, type BatchRelayOptions, createBatchRelay } from "../relay/batch-relay.ts";
import { billingJobOptions, notificationJobId } from "./billing-jobs.ts";

export interface BillingNotificationRelayOptions extends Omit<BatchRelayOptions, "pool" | "logger"> {
  /** maxl_platform's pool */
  pool: pg.Pool;
  publisher: Pick<Enqueuer, "enqueueMany">;
  logger: Logger;
  /** the first wait before a handed-over notification is handed over again (60 s) */
  staleAfterMs?: number;
}

const takeBatch = `
  SELECT id::text FROM billing_notifications
   WHERE status = 'received'
     AND (attempts = 0 OR received_at < now() - make_interval(secs => $2 * power(2, least(attempts, 12) - 1)))
   ORDER BY received_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED`;

export function createBillingNotificationRelay(options: BillingNotificationRelayOptions): BatchRelay {
  const { publisher, pool, logger, staleAfterMs = 60_000, ...rest } = options;
  return createBatchRelay<{ id: string }>(
    {
      name: "billing notification relay",
      take: async (client, limit) => (await client.query<{ id: string }>(takeBatch, [limit, staleAfterMs / 1000])).rows,
      publish: (rows) =>
        publisher.enqueueMany(
          queueNames.billing,
          rows.map((row) => ({
            name: "billing.settle-notification",
            data: { notificationId: row.id },
            options: { ...billingJobOptions, jobId: notificationJobId(row.id) },
          })),
        ),
      mark: (client, rows) =>
        client.query("UPDATE billing_notifications SET attempts = attempts + 1 WHERE id = ANY($1::uuid[])", [
          rows.map((row) => row.id),
        ]),
    },
    { pollMs: 1_000, ...rest, pool, logger },
  );
}
