// Uploading a file of existing guests (a business moving from another system). The file is
// checked enough to refuse one that cannot be imported at all, stored in guest_imports, and
// announced through the outbox in the same transaction: the workers pick it up from there, so an
// accepted import is never lost to a Redis outage between the answer and the queue.
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { z } from "zod";
import type { Actor, EngineDeps } from "../context.ts";
import { readImportFile } from "./import-file.ts";

/** The outbox event that starts an import, and its payload (checked here and in the workers). */
export const GUEST_IMPORT_QUEUED = "guest_import.queued";
export const guestImportQueuedSchema = z.object({ importId: z.uuid() });
/** The workers' job that runs an import. */
export const guestImportJobSchema = z.object({ tenantId: z.uuid(), importId: z.uuid() });
export type GuestImportJob = z.infer<typeof guestImportJobSchema>;

export const importFileNameSchema = z
  .string()
  .trim()
  .min(1, { message: "must not be empty" })
  .max(200, { message: "must be at most 200 characters" })
  // a name shown back in the admin view and in a download header: no line breaks or path
  .refine((name) => !/[\r\n\\/]/.test(name), { message: "must be a file name, without a path" });

export async function queueGuestImport(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; fileName: string; text: string },
): Promise<{ id: string; status: "queued" }> {
  const { tenantId, actor, fileName, text } = request;
  const file = readImportFile(text);
  if (!actor.staffId)
    throw new ServiceError("FORBIDDEN", "Only a staff member may import guests.", { key: "guest-import-staff-only" });
  const id = uuidv7();
  const event = guestImportQueuedSchema.parse({ importId: id });
  await deps.db.withTenant(tenantId, async (tx) => {
    await tx.guestImport.create({
      data: { tenantId, id, createdByStaffId: actor.staffId, fileName, source: text, totalRows: file.records.length },
    });
    await tx.outboxEvent.create({ data: { tenantId, type: GUEST_IMPORT_QUEUED, payload: event } });
    await tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "staff",
        actorStaffId: actor.staffId,
        action: "guests.import",
        entityType: "guest_import",
        entityId: id,
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { fileName, rows: file.records.length, bytes: Buffer.byteLength(text) },
      },
    });
  });
  return { id, status: "queued" };
}
