// Guest imports as the admin view shows them: progress while the workers run, the outcome, and
// the per-row error report (as JSON and as a CSV the operator fixes their file from).
import type { GuestImportModel as GuestImport } from "@maxl/db";
import { csvRow, ServiceError, UTF8_BOM } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import type { ImportError } from "./import-file.ts";

/** Errors are stored for this many failed rows; `failedRows` still counts them all. */
export const MAX_STORED_ERROR_ROWS = 1_000;

export const importStatuses = ["queued", "running", "done", "failed"] as const;

export const importErrorSchema = z.object({
  /** the file's row, the header being row 1; null: the file as a whole */
  row: z.number().int().nullable(),
  /** the column (phone, first_name, last_name, birthday, balance); null: the file or row as a whole */
  field: z.string().nullable(),
  message: z.string(),
});

export const guestImportSummarySchema = z.object({
  id: z.string(),
  fileName: z.string(),
  status: z.enum(importStatuses),
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  createdRows: z.number().int(),
  updatedRows: z.number().int(),
  failedRows: z.number().int(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const guestImportViewSchema = guestImportSummarySchema.extend({
  /** the errors of the first MAX_STORED_ERROR_ROWS failed rows */
  errors: z.array(importErrorSchema),
  /** true when more rows failed than `errors` holds */
  errorsTruncated: z.boolean(),
});
export type GuestImportView = z.infer<typeof guestImportViewSchema>;
export type GuestImportSummary = z.infer<typeof guestImportSummarySchema>;

type ImportRow = GuestImport & { createdBy: { id: string; name: string } | null };

export function storedErrors(value: unknown): ImportError[] {
  return Array.isArray(value) ? (value as ImportError[]) : [];
}

/** How many distinct rows the stored errors cover. */
export function storedErrorRows(errors: readonly ImportError[]): number {
  return new Set(errors.flatMap((error) => (error.row === null ? [] : [error.row]))).size;
}

function summary(row: ImportRow): GuestImportSummary {
  return {
    id: row.id,
    fileName: row.fileName,
    status: row.status as GuestImportSummary["status"],
    totalRows: row.totalRows,
    processedRows: row.processedRows,
    createdRows: row.createdRows,
    updatedRows: row.updatedRows,
    failedRows: row.failedRows,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toImportView(row: ImportRow): GuestImportView {
  const errors = storedErrors(row.errors);
  return { ...summary(row), errors, errorsTruncated: row.failedRows > storedErrorRows(errors) };
}

const createdBy = { select: { id: true, name: true } } as const;

export async function guestImportView(deps: EngineDeps, tenantId: string, importId: string): Promise<GuestImportView> {
  const row = await deps.db.withTenant(tenantId, (tx) =>
    tx.guestImport.findUnique({ where: { tenantId_id: { tenantId, id: importId } }, include: { createdBy } }),
  );
  if (!row) throw new ServiceError("NOT_FOUND", "There is no such guest import.", { key: "guest-import-unknown" });
  return toImportView(row);
}

/** The most recent imports, newest first, without their errors (open one for those). */
export async function recentGuestImports(
  deps: EngineDeps,
  tenantId: string,
  limit: number,
): Promise<{ items: GuestImportSummary[] }> {
  const rows = await deps.db.withTenant(tenantId, (tx) =>
    tx.guestImport.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      // the stored file can be megabytes: leave it in the database
      omit: { source: true, errors: true },
      include: { createdBy },
    }),
  );
  return { items: rows.map((row) => summary({ ...row, source: "", errors: [] })) };
}

/** The error report as CSV (UTF-8 with BOM for Excel): row, field, message. */
export async function guestImportErrorsCsv(
  deps: EngineDeps,
  tenantId: string,
  importId: string,
): Promise<{ fileName: string; csv: string }> {
  const view = await guestImportView(deps, tenantId, importId);
  const lines = view.errors.map((error) => csvRow([error.row, error.field, error.message]));
  if (view.errorsTruncated) {
    lines.push(
      csvRow([
        null,
        null,
        `Only the first ${MAX_STORED_ERROR_ROWS} failed rows are listed; ${view.failedRows} failed.`,
      ]),
    );
  }
  const base = view.fileName.replace(/\.csv$/i, "");
  return { fileName: `${base}-errors.csv`, csv: UTF8_BOM + csvRow(["row", "field", "message"]) + lines.join("") };
}
