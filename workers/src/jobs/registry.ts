import type { EventConsumer } from "../events/consumers.ts";
import { dispatchEvents } from "../events/dispatch.ts";
import { iikoPollingJobs } from "../pos/iiko-poll.ts";
import { processPosEventJob } from "../pos/process-job.ts";
import type { JobDefinition } from "./definition.ts";
import { ensureLedgerPartitions } from "./ensure-ledger-partitions.ts";
import { loyaltySweep } from "./loyalty-sweep.ts";
import { maintainTenant } from "./maintain-tenant.ts";

/**
 * Every job the workers run, with the events handed to `consumers` (see `eventConsumers`). A job
 * not listed here is refused as unknown.
 */
export function createJobRegistry(consumers: readonly EventConsumer[]): readonly JobDefinition[] {
  return [
    ensureLedgerPartitions,
    loyaltySweep,
    maintainTenant,
    dispatchEvents(consumers),
    processPosEventJob,
    ...iikoPollingJobs(),
  ];
}
