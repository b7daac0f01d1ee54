// The guests as a CSV file, with the list's filters. Streamed a page at a time, each page in its
// own short transaction, so 300,000 guests never sit in memory at once and no connection is held
// for the length of a slow download. (Pages are read by keyset on (created_at, id): a guest
// created while the file downloads may or may not be in it, none is repeated or skipped.)
import { csvRow, UTF8_BOM } from "@maxl/shared";
import type { Actor, EngineDeps } from "../context.ts";
import { type GuestFilters, type GuestRow, guestColumns, guestConditions, guestFrom, localDay } from "./guest-list.ts";

const PAGE_ROWS = 1_000;

/** The header uses the import's column names, so an exported file can be imported elsewhere. */
export const exportHeader = [
  "id",
  "first_name",
  "last_name",
  "phone",
  "level",
  "balance",
  "last_visit",
  "registered",
  "created",
] as const;

export interface GuestExport {
  fileName: string;
  stream: ReadableStream<Uint8Array>;
}

/**
 * Records the export in the audit log (who took the guest base, with which filters) and returns
 * the file as a stream. Times are written in the business's time zone, as a spreadsheet shows
 * them ("2026-11-21 14:05:00").
 */
export async function exportGuests(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; filters: GuestFilters },
): Promise<GuestExport> {
  const { tenantId, actor, filters } = request;
  const timeZone = await deps.db.withTenant(tenantId, async (tx) => {
    await tx.auditLogEntry.create({
      data: {
        tenantId,
        actorKind: "staff",
        actorStaffId: actor.staffId ?? null,
        action: "guests.exported",
        entityType: "guest",
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
        changes: { filters: { ...filters } },
      },
    });
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true } });
    return tenant.timeZone;
  });
  const local = new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const when = (at: Date | null) => (at ? local.format(at) : null);
  const encoder = new TextEncoder();
  let after: { createdAt: Date; id: string } | null = null;
  let started = false;

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvRow(exportHeader)));
        return;
      }
      const rows = await nextPage(deps, tenantId, filters, after);
      if (rows.length > 0) {
        const text = rows
          .map((row) =>
            csvRow([
              row.id,
              row.first_name,
              row.last_name,
              row.phone,
              row.level_name,
              row.balance,
              when(row.last_visit_at),
              when(row.registered_at),
              when(row.created_at),
            ]),
          )
          .join("");
        controller.enqueue(encoder.encode(text));
        const last = rows[rows.length - 1] as GuestRow;
        after = { createdAt: last.created_at, id: last.id };
      }
      if (rows.length < PAGE_ROWS) controller.close();
    },
  });
  return { fileName: `guests-${localDay(deps.clock(), timeZone)}.csv`, stream };
}

function nextPage(
  deps: EngineDeps,
  tenantId: string,
  filters: GuestFilters,
  after: { createdAt: Date; id: string } | null,
): Promise<GuestRow[]> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const where = await guestConditions(deps, client, tenantId, filters);
    const n = where.params.length;
    const keyset = after ? `AND (g.created_at, g.id) > ($${n + 2}::timestamptz, $${n + 3}::uuid)` : "";
    const { rows } = await client.query<GuestRow>(
      `SELECT ${guestColumns} ${guestFrom} WHERE ${where.sql} ${keyset}
        ORDER BY g.created_at, g.id LIMIT $${n + 1}`,
      after ? [...where.params, PAGE_ROWS, after.createdAt, after.id] : [...where.params, PAGE_ROWS],
    );
    return rows;
  });
}
