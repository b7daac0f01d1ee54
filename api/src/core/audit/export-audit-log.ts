// Exporting the audit log: the same filters as the list, every matching entry up to a cap,
// newest first, read page by page so a large export never sits in memory. Exporting is itself
// audited (who took a copy of the log, with which filters), before the first row goes out.
import type { Actor, EngineDeps } from "../context.ts";
import {
  type AuditEntryView,
  type AuditFilter,
  type AuditRow,
  auditEntryView,
  auditRows,
  countAuditRows,
  type Position,
} from "./audit-log.ts";

export const AUDIT_EXPORT_MAX_ROWS = 100_000;
const EXPORT_PAGE = 2_000;

export interface AuditExport {
  /** rows that will be written (at most the cap) */
  rows: number;
  /** more entries matched than the cap; narrow the filters to get the rest */
  truncated: boolean;
  maxRows: number;
  pages: AsyncGenerator<AuditEntryView[]>;
}

export async function exportAuditLog(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; filter: AuditFilter; maxRows?: number },
): Promise<AuditExport> {
  const { tenantId, actor } = request;
  const maxRows = request.maxRows ?? AUDIT_EXPORT_MAX_ROWS;
  const startedAt = deps.clock();
  // Entries written while the export runs (its own among them) stay out of it.
  const to = request.filter.to && new Date(request.filter.to) < startedAt ? request.filter.to : startedAt.toISOString();
  const filter: AuditFilter = { ...request.filter, to };
  const matched = await deps.db.withTenantClient(tenantId, (client) => countAuditRows(client, filter, maxRows + 1));
  const rows = Math.min(matched, maxRows);
  await deps.db.withTenant(tenantId, (tx) =>
    tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "staff",
        actorStaffId: actor.staffId ?? null,
        action: "audit.exported",
        entityType: "audit_log",
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { filter: request.filter, rows, truncated: matched > maxRows } as object,
      },
    }),
  );
  return { rows, truncated: matched > maxRows, maxRows, pages: exportPages(deps, tenantId, filter, rows) };
}

async function* exportPages(
  deps: EngineDeps,
  tenantId: string,
  filter: AuditFilter,
  rows: number,
): AsyncGenerator<AuditEntryView[]> {
  let after: Position | null = null;
  let left = rows;
  while (left > 0) {
    const cursor: Position | null = after;
    const page: AuditRow[] = await deps.db.withTenantClient(tenantId, (client) =>
      auditRows(client, filter, cursor, Math.min(EXPORT_PAGE, left)),
    );
    const last = page[page.length - 1];
    if (!last) return;
    yield page.map(auditEntryView);
    left -= page.length;
    after = { createdAt: last.created_at, id: last.id };
  }
}
