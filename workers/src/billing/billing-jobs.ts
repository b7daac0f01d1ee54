// The billing queue's jobs: settle a stored YooKassa notification, and the subscription clock
// (a sweep every five minutes finds tenants with something due; one job per tenant renews,
// retries, or moves the subscription to past_due, restricted or canceled). Without a YooKassa
// shop configured the sweep does nothing, and so does everything it would have started.
import {
  advanceSubscription,
  type BillingDeps,
  type BillingSettings,
  createBillingDeps,
  defaultBillingSettings,
  settleBillingNotification,
  TRIAL_NOTICE_DAYS,
  type YooKassaClient,
} from "@maxl/api";
import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { defineJob, type JobDefinition, type JobDeps } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";

/** Hand-overs of one notification before it is left as failed (see notification-relay.ts). */
export const BILLING_NOTIFICATION_MAX_HANDOVERS = 10;

export const billingJobOptions: Readonly<JobsOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  // The tables are the record (billing_notifications, subscriptions): a finished job is clutter,
  // and removing it lets the relay or the sweep hand the same work over again under the same id.
  removeOnComplete: true,
  removeOnFail: true,
});

export const notificationJobId = (notificationId: string) => `billing-notification-${notificationId}`;
export const advanceJobId = (tenantId: string) => `billing-advance-${tenantId}`;

const dueTenants = `
  SELECT t.id::text AS tenant_id
    FROM tenants t
    LEFT JOIN subscriptions s ON s.tenant_id = t.id
   WHERE t.status <> 'suspended'
     AND (
       -- never looked at: still on the trial the tenant started with, which may have ended
       -- (or about to end: the owner is told TRIAL_NOTICE_DAYS before)
       (s.tenant_id IS NULL
          AND t.created_at + make_interval(days => coalesce((SELECT trial_days FROM plans WHERE id = 'trial'), 14) - $5)
              <= $1)
       OR (s.status = 'trialing' AND s.trial_notice_at IS NULL AND NOT s.cancel_at_period_end
           AND s.current_period_end - make_interval(days => $5) <= $1)
       OR (s.status IN ('trialing', 'active') AND s.current_period_end <= $1)
       OR (s.status = 'past_due' AND (s.grace_until IS NULL OR s.grace_until <= $1 OR s.cancel_at_period_end))
       OR (s.status IN ('active', 'past_due') AND NOT s.cancel_at_period_end AND s.payment_method_id IS NOT NULL
           AND s.current_period_end - make_interval(hours => $2) <= $1
           AND (s.next_renewal_at IS NULL OR s.next_renewal_at <= $1)
           AND s.renewal_attempts <= $3)
     )
   ORDER BY t.id
   LIMIT $4`;

export interface BillingJobsOptions {
  settings?: BillingSettings;
  /** tests hand in a client of their own; by default one is built from the settings */
  yookassa?: YooKassaClient | null;
}

export function billingJobs(options: BillingJobsOptions = {}): JobDefinition[] {
  const settings = options.settings ?? defaultBillingSettings;
  let built: BillingDeps | undefined;
  // one set of billing deps per process, over the engine the runtime hands every job
  const billingDeps = (deps: JobDeps): BillingDeps => {
    built ??= createBillingDeps(deps.engine, settings, ...(options.yookassa === undefined ? [] : [options.yookassa]));
    return built;
  };

  const settleNotification = defineJob({
    queue: queueNames.billing,
    name: "billing.settle-notification",
    schema: z.object({ notificationId: z.uuid() }),
    async handle({ notificationId }, deps) {
      const pool = deps.platformDb.pool;
      const { rows } = await pool.query<{ event: string; object_id: string; status: string; attempts: number }>(
        "SELECT event, object_id, status, attempts FROM billing_notifications WHERE id = $1",
        [notificationId],
      );
      const row = rows[0];
      if (row?.status !== "received") return { skipped: row?.status ?? "missing" };
      try {
        const outcome = await settleBillingNotification(billingDeps(deps), {
          event: row.event,
          objectId: row.object_id,
        });
        await pool.query(
          `UPDATE billing_notifications SET status = $2, processed_at = now(), last_error = $3
            WHERE id = $1 AND status = 'received'`,
          [notificationId, outcome.status, outcome.status === "ignored" ? outcome.reason : null],
        );
        return outcome;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const giveUp = row.attempts >= BILLING_NOTIFICATION_MAX_HANDOVERS;
        await pool.query(
          `UPDATE billing_notifications SET last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END
            WHERE id = $1 AND status = 'received'`,
          [notificationId, message.slice(0, 500), giveUp],
        );
        deps.logger.warn({ notificationId, event: row.event, err: message }, "billing notification: will retry");
        throw error;
      }
    },
  });

  const advance = defineJob({
    queue: queueNames.billing,
    name: "billing.advance-subscription",
    schema: z.object({ tenantId: z.uuid() }),
    async handle({ tenantId }, deps) {
      const outcome = await advanceSubscription(billingDeps(deps), tenantId);
      if (outcome.transition || outcome.renewal !== "none") {
        deps.logger.info({ tenantId, ...outcome }, "billing: subscription advanced");
      }
      return outcome;
    },
  });

  const sweep = defineJob({
    queue: queueNames.billing,
    name: "billing.sweep",
    schema: z.object({ limit: z.number().int().min(1).max(10_000).default(1_000) }),
    schedule: { pattern: "*/5 * * * *", data: { limit: 1_000 } },
    async handle({ limit }, deps) {
      if (!settings.yookassa) return { skipped: "billing is not configured" };
      const { rows } = await deps.platformDb.pool.query<{ tenant_id: string }>(dueTenants, [
        deps.engine.clock(),
        settings.renewBeforeHours,
        settings.retryHours.length,
        limit,
        TRIAL_NOTICE_DAYS,
      ]);
      await deps.enqueueMany(
        queueNames.billing,
        rows.map((row) => ({
          name: advance.name,
          data: { tenantId: row.tenant_id },
          options: { ...billingJobOptions, jobId: advanceJobId(row.tenant_id) },
        })),
      );
      return { due: rows.length };
    },
  });

  return [settleNotification, advance, sweep] as JobDefinition[];
}
