// Running a guest import (the workers call this). Rows go in chunks, each in its own transaction
// together with the import's counters and errors, so the admin view shows progress as it goes
// and a run that dies resumes at the first chunk not committed. Opening balances are credited
// after their chunk commits, through the loyalty engine (a manual adjustment by the staff member
// who uploaded the file, reason "import"), under the key import:<import>:<phone>: a retried
// chunk finds its operations and credits nothing twice, and a resumed run first credits whatever
// an interrupted run had committed but not credited yet.
//
// An existing guest (same phone) gets only what they lack: a name or birthday they entered
// themselves is never overwritten. An opening balance is given once per guest across imports: a
// guest an earlier import already credited keeps that balance, so importing the same file again
// does not pay twice.
import { isTransientConflict, isUniqueViolation, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { limitExceeded, roomInPlan } from "../billing/plan-limits.ts";
import type { Actor, EngineDeps } from "../context.ts";
import { adjustPoints } from "../loyalty/adjust-points.ts";
import {
  type CheckedRow,
  checkImportRecords,
  type GuestRowData,
  type ImportError,
  readImportFile,
} from "./import-file.ts";
import {
  type GuestImportView,
  guestImportView,
  MAX_STORED_ERROR_ROWS,
  storedErrorRows,
  storedErrors,
} from "./import-views.ts";
import type { GuestImportJob } from "./queue-import.ts";

export const IMPORT_CHUNK_ROWS = 500;
const CREDIT_CONCURRENCY = 4;
const CHUNK_ATTEMPTS = 3;

export interface ImportRunOptions {
  chunkRows?: number;
  /** called when a chunk's guests and counters are committed, before its balances are credited */
  afterChunk?: (progress: { processedRows: number; totalRows: number }) => Promise<void> | void;
}

export const importKey = (importId: string, phone: string) => `import:${importId}:${phone}`;

export async function runGuestImport(
  deps: EngineDeps,
  job: GuestImportJob,
  options: ImportRunOptions = {},
): Promise<GuestImportView> {
  const { tenantId, importId } = job;
  const chunkRows = options.chunkRows ?? IMPORT_CHUNK_ROWS;
  const found = await deps.db.withTenant(tenantId, (tx) =>
    tx.guestImport.findUnique({ where: { tenantId_id: { tenantId, id: importId } } }),
  );
  if (!found) throw new ServiceError("NOT_FOUND", "There is no such guest import.", { key: "guest-import-unknown" });
  if (found.status === "done" || found.status === "failed") return guestImportView(deps, tenantId, importId);

  let rows: CheckedRow[];
  try {
    // Judged as of the upload, so a retry next year finds the same birthdays plausible.
    rows = checkImportRecords(readImportFile(found.source).records, found.createdAt);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    await finish(deps, tenantId, importId, "failed", [{ row: null, field: null, message: error.message }]);
    return guestImportView(deps, tenantId, importId);
  }
  await deps.db.withTenant(tenantId, (tx) =>
    tx.guestImport.updateMany({
      where: { tenantId, id: importId, status: { in: ["queued", "running"] } },
      data: { status: "running", totalRows: rows.length },
    }),
  );
  const actor: Actor = { source: "admin", staffId: found.createdByStaffId };
  const credit = (from: number, to: number) =>
    creditOpeningBalances(deps, tenantId, importId, actor, rows.slice(from, to));

  // Whatever an interrupted run committed but may not have credited.
  let processed = found.processedRows;
  if (processed > 0) await credit(0, processed);
  while (processed < rows.length) {
    const end = Math.min(processed + chunkRows, rows.length);
    const committed = await importChunk(deps, tenantId, importId, rows.slice(processed, end), processed);
    // Another run of the same import got there first (a stalled job run twice); it finishes.
    if (!committed) return guestImportView(deps, tenantId, importId);
    await options.afterChunk?.({ processedRows: end, totalRows: rows.length });
    await credit(processed, end);
    processed = end;
  }
  await finish(deps, tenantId, importId, "done", []);
  return guestImportView(deps, tenantId, importId);
}

/** Creates or fills the chunk's guests and adds its counts, in one transaction. */
async function importChunk(
  deps: EngineDeps,
  tenantId: string,
  importId: string,
  chunk: readonly CheckedRow[],
  start: number,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.withTenant(tenantId, (tx) => writeChunk(deps, tx, tenantId, importId, chunk, start), {
        timeoutMs: 60_000,
      });
    } catch (error) {
      // A guest who joined through the bot with one of these phones a moment ago: run the chunk
      // again and they are an existing guest.
      if (attempt >= CHUNK_ATTEMPTS || !(isUniqueViolation(error) || isTransientConflict(error))) throw error;
    }
  }
}

async function writeChunk(
  deps: EngineDeps,
  tx: TenantTx,
  tenantId: string,
  importId: string,
  chunk: readonly CheckedRow[],
  start: number,
): Promise<boolean> {
  const [current] = await tx.$queryRaw<{ processed_rows: number; errors: unknown }[]>`
    SELECT processed_rows, errors FROM guest_imports
     WHERE tenant_id = app_current_tenant() AND id = ${importId}::uuid AND status = 'running'
       FOR UPDATE`;
  if (!current || current.processed_rows !== start) return false;

  const valid = chunk.flatMap((row) => (row.ok ? [row.data] : []));
  const existing = await tx.guest.findMany({
    where: { phone: { in: valid.map((row) => row.phone) } },
    select: { id: true, phone: true, firstName: true, lastName: true, birthday: true },
  });
  const byPhone = new Map(existing.map((guest) => [guest.phone, guest]));
  const baseLevel = await tx.level.findFirst({ orderBy: { rank: "asc" }, select: { id: true } });
  const at = deps.clock();
  const newcomers = valid.filter((row) => !byPhone.has(row.phone));
  // An import is the staff's bulk action, so unlike a guest at the bot it stops at the plan's
  // guest limit: the rows beyond it fail with the plan's message and can be imported again after
  // an upgrade (existing guests are still filled in).
  const { room, plan, used } = newcomers.length > 0 ? await roomInPlan(tx, tenantId, "guests") : { room: null };
  const fresh = room === null ? newcomers : newcomers.slice(0, room);
  const overLimit = newcomers.slice(fresh.length);
  const overLimitMessage =
    overLimit.length > 0 && plan && plan.limits.guests !== null
      ? limitExceeded(plan, "guests", plan.limits.guests, (used ?? 0) + fresh.length).message
      : "";
  if (fresh.length > 0) {
    await tx.guest.createMany({
      data: fresh.map((row) => ({
        tenantId,
        id: uuidv7(),
        phone: row.phone,
        firstName: row.firstName,
        lastName: row.lastName,
        birthday: row.birthday,
        levelId: baseLevel?.id ?? null,
        levelChangedAt: baseLevel ? at : null,
      })),
    });
  }
  for (const row of valid) {
    const guest = byPhone.get(row.phone);
    if (!guest) continue;
    const fill = {
      ...(guest.firstName === null && row.firstName ? { firstName: row.firstName } : {}),
      ...(guest.lastName === null && row.lastName ? { lastName: row.lastName } : {}),
      ...(guest.birthday === null && row.birthday ? { birthday: row.birthday } : {}),
    };
    if (Object.keys(fill).length > 0) {
      await tx.guest.update({ where: { tenantId_id: { tenantId, id: guest.id } }, data: fill });
    }
  }

  const errors = storedErrors(current.errors);
  let storedRows = storedErrorRows(errors);
  const refused = new Set(overLimit.map((row) => row.row));
  for (const row of chunk) {
    if (storedRows >= MAX_STORED_ERROR_ROWS) break;
    if (row.ok && !refused.has(row.data.row)) continue;
    errors.push(...(row.ok ? [{ row: row.data.row, field: null, message: overLimitMessage }] : row.errors));
    storedRows++;
  }
  const failed = chunk.length - valid.length + overLimit.length;
  await tx.$executeRaw`
    UPDATE guest_imports
       SET processed_rows = processed_rows + ${chunk.length}, created_rows = created_rows + ${fresh.length},
           updated_rows = updated_rows + ${valid.length - newcomers.length}, failed_rows = failed_rows + ${failed},
           errors = ${JSON.stringify(errors)}::jsonb
     WHERE tenant_id = app_current_tenant() AND id = ${importId}::uuid`;
  return true;
}

/** Credits the rows' opening balances that are not credited yet (see the top of the file). */
async function creditOpeningBalances(
  deps: EngineDeps,
  tenantId: string,
  importId: string,
  actor: Actor,
  rows: readonly CheckedRow[],
): Promise<void> {
  const owed = rows.flatMap((row) => (row.ok && row.data.balance > 0 ? [row.data] : []));
  if (owed.length === 0) return;
  const keys = owed.map((row) => importKey(importId, row.phone));
  const pending = await deps.db.withTenantClient(tenantId, async (client) => {
    const guests = await client.query<{ id: string; phone: string }>(
      "SELECT id, phone FROM guests WHERE tenant_id = app_current_tenant() AND phone = ANY($1::text[])",
      [owed.map((row) => row.phone)],
    );
    const done = await client.query<{ idempotency_key: string }>(
      `SELECT idempotency_key FROM loyalty_operations
        WHERE tenant_id = app_current_tenant() AND idempotency_key = ANY($1::text[])`,
      [keys],
    );
    const ids = guests.rows.map((guest) => guest.id);
    const earlier = await client.query<{ guest_id: string }>(
      `SELECT DISTINCT guest_id FROM loyalty_operations
        WHERE tenant_id = app_current_tenant() AND guest_id = ANY($1::uuid[])
          AND idempotency_key LIKE 'import:%' AND idempotency_key NOT LIKE $2`,
      [ids, `import:${importId}:%`],
    );
    const idByPhone = new Map(guests.rows.map((guest) => [guest.phone, guest.id]));
    const credited = new Set(done.rows.map((row) => row.idempotency_key));
    const creditedBefore = new Set(earlier.rows.map((row) => row.guest_id));
    return owed.flatMap((row) => {
      const guestId = idByPhone.get(row.phone);
      if (!guestId || credited.has(importKey(importId, row.phone)) || creditedBefore.has(guestId)) return [];
      return [{ row, guestId }];
    });
  });
  await inParallel(pending, CREDIT_CONCURRENCY, ({ row, guestId }: { row: GuestRowData; guestId: string }) =>
    adjustPoints(deps, {
      tenantId,
      actor,
      idempotencyKey: importKey(importId, row.phone),
      input: { guestId, points: row.balance, reason: "import" },
    }),
  );
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function finish(
  deps: EngineDeps,
  tenantId: string,
  importId: string,
  status: "done" | "failed",
  errors: ImportError[],
): Promise<void> {
  await deps.db.withTenant(tenantId, async (tx) => {
    const changed = await tx.guestImport.updateMany({
      where: { tenantId, id: importId, status: { in: ["queued", "running"] } },
      data: { status, finishedAt: deps.clock(), ...(status === "failed" ? { errors: errors as object[] } : {}) },
    });
    if (changed.count === 0) return;
    const counts = await tx.guestImport.findUniqueOrThrow({
      where: { tenantId_id: { tenantId, id: importId } },
      select: { totalRows: true, createdRows: true, updatedRows: true, failedRows: true },
    });
    await tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "system",
        action: status === "done" ? "guests.import.done" : "guests.import.failed",
        entityType: "guest_import",
        entityId: importId,
        changes: status === "done" ? counts : { message: errors[0]?.message ?? null },
      },
    });
  });
}
