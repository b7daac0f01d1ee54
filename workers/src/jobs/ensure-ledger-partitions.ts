// The ledger is partitioned by month; this keeps the next months' partitions created ahead of
// time, so an entry never lands in the default partition (which would block creating that
// month's partition later).
import { z } from "zod";
import { queueNames } from "../queues.ts";
import { defineJob } from "./definition.ts";

export const ensureLedgerPartitions = defineJob({
  queue: queueNames.maintenance,
  name: "ledger.ensure-partitions",
  schema: z.object({ monthsAhead: z.number().int().min(1).max(24) }),
  schedule: { pattern: "30 0 * * *", data: { monthsAhead: 3 } },
  async handle({ monthsAhead }, { platformDb, logger }) {
    const created = await platformDb.ensureLedgerPartitions(monthsAhead);
    if (created > 0) logger.info({ created, monthsAhead }, "created ledger partitions");
    return { created };
  },
});
