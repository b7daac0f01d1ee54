import { eventConsumers } from "../events/consumers.ts";
import { dispatchEvents } from "../events/dispatch.ts";
import type { JobDefinition } from "./definition.ts";
import { ensureLedgerPartitions } from "./ensure-ledger-partitions.ts";
import { loyaltySweep } from "./loyalty-sweep.ts";
import { maintainTenant } from "./maintain-tenant.ts";

/** Every job the workers run. A job not listed here is refused as unknown. */
export const jobRegistry: readonly JobDefinition[] = [
  ensureLedgerPartitions,
  loyaltySweep,
  maintainTenant,
  dispatchEvents(eventConsumers),
];
