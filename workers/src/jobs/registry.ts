import { type BillingJobsOptions, billingJobs } from "../billing/billing-jobs.ts";
import { type BroadcastJobsOptions, broadcastJobs } from "../broadcasts/broadcast-jobs.ts";
import type { EventConsumer } from "../events/consumers.ts";
import { dispatchEventBatches, dispatchEvents } from "../events/dispatch.ts";
import { importGuests } from "../imports/import-guests.ts";
import { iikoPollingJobs } from "../pos/iiko-poll.ts";
import { processPosEventJob } from "../pos/process-job.ts";
import { dashboardRollupSweep, rollUpTenantDashboard } from "./dashboard-rollup.ts";
import type { JobDefinition } from "./definition.ts";
import { ensureLedgerPartitions } from "./ensure-ledger-partitions.ts";
import { eventScheduleSweep, eventScheduleTenant } from "./events-schedule.ts";
import { loyaltySweep } from "./loyalty-sweep.ts";
import { maintainTenant } from "./maintain-tenant.ts";
import { purgeAuditLog } from "./purge-audit-log.ts";
import { purgeOutbox } from "./purge-outbox.ts";
import { purgePosEvents } from "./purge-pos-events.ts";

/**
 * Every job the workers run, with the events handed to `consumers` (see `eventConsumers`). A job
 * not listed here is refused as unknown.
 */
export function createJobRegistry(
  consumers: readonly EventConsumer[],
  settings: {
    auditRetentionDays?: number;
    posEventRetentionDays?: number;
    outboxRetentionDays?: number;
    billing?: BillingJobsOptions;
    broadcasts?: BroadcastJobsOptions;
  } = {},
): readonly JobDefinition[] {
  return [
    ensureLedgerPartitions,
    loyaltySweep,
    maintainTenant,
    dashboardRollupSweep,
    rollUpTenantDashboard,
    eventScheduleSweep,
    eventScheduleTenant,
    purgeAuditLog(settings.auditRetentionDays),
    purgePosEvents(settings.posEventRetentionDays),
    purgeOutbox(settings.outboxRetentionDays),
    dispatchEvents(consumers),
    dispatchEventBatches(consumers),
    processPosEventJob,
    importGuests,
    ...iikoPollingJobs(),
    ...billingJobs(settings.billing),
    // sending needs the notifier's Telegram client; the process always gives it
    ...(settings.broadcasts ? broadcastJobs(settings.broadcasts) : []),
  ];
}
