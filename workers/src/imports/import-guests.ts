// Guest imports: the upload announces itself through the outbox (guest_import.queued); the
// starter below turns that event into one job on the imports queue, which runs the import. The
// job id is the import's, so an event delivered twice queues one job; the import itself resumes
// where it stopped and credits nothing twice, so a retried or re-run job is harmless too.
import { GUEST_IMPORT_QUEUED, guestImportJobSchema, guestImportQueuedSchema, runGuestImport } from "@maxl/api";
import { isServiceError } from "@maxl/shared";
import { UnrecoverableError } from "bullmq";
import type { EventConsumer } from "../events/consumers.ts";
import { defineJob } from "../jobs/definition.ts";
import { queueNames } from "../queues.ts";

/** BullMQ refuses ids with ":"; a dot as in eventJobId. */
export const importJobId = (importId: string) => `guest-import.${importId}`;

export const importGuests = defineJob({
  queue: queueNames.imports,
  name: "guests.import",
  schema: guestImportJobSchema,
  async handle(job, { engine }) {
    try {
      const view = await runGuestImport(engine, job);
      return { status: view.status, processedRows: view.processedRows, failedRows: view.failedRows };
    } catch (error) {
      // the import row is gone or was never there: no retry will find it
      if (isServiceError(error) && error.code === "NOT_FOUND") throw new UnrecoverableError(error.message);
      throw error;
    }
  },
});

export function guestImportStarter(): EventConsumer {
  return {
    name: "guest-import-starter",
    types: [GUEST_IMPORT_QUEUED],
    async handle(event, deps) {
      const { importId } = guestImportQueuedSchema.parse(event.payload);
      await deps.enqueue(importGuests.name, { tenantId: event.tenantId, importId }, { jobId: importJobId(importId) });
    },
  };
}
