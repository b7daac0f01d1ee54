import type { JobDefinition } from "./definition.ts";
import { ensureLedgerPartitions } from "./ensure-ledger-partitions.ts";

/** Every job the workers run. A job not listed here is refused as unknown. */
export const jobRegistry: readonly JobDefinition[] = [ensureLedgerPartitions];
