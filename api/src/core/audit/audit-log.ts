// The audit log as the admin view reads it: filters, a text search, newest first, pages by
// keyset on (created_at, id) so a page costs the same at any depth and rows written meanwhile
// never shift a page. The export (audit-export.ts) walks the same pages.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";

export const auditFilterSchema = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Searches the action, the entity id, the reason and the actor's name or e-mail"),
  action: z.string().trim().min(1).max(100).optional(),
  entityType: z.string().trim().min(1).max(100).optional(),
  entityId: z.string().trim().min(1).max(200).optional(),
  actorStaffId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe("ISO 8601, inclusive"),
  to: z.iso.datetime({ offset: true }).optional().describe("ISO 8601, exclusive"),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditEntryView {
  id: string;
  createdAt: string;
  actor: {
    kind: "staff" | "guest" | "system" | "pos";
    staffId: string | null;
    name: string | null;
    email: string | null;
  };
  action: string;
  entityType: string;
  entityId: string | null;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  changes: unknown;
}

export interface Position {
  createdAt: Date;
  id: string;
}

export interface AuditPage {
  items: AuditEntryView[];
  /** pass as `cursor` for the next (older) page; null on the last page */
  nextCursor: string | null;
}

export interface AuditRow {
  id: string;
  created_at: Date;
  actor_kind: AuditEntryView["actor"]["kind"];
  actor_staff_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  changes: unknown;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString("base64url");
}

export function decodeCursor(cursor: string): Position {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const createdAt = new Date(String(at));
    if (
      typeof at === "string" &&
      !Number.isNaN(createdAt.getTime()) &&
      typeof id === "string" &&
      /^\d{1,19}$/.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    // reported below
  }
  throw new ServiceError("VALIDATION", "The cursor is not one this API gave out; start from the first page.", {
    key: "cursor-invalid",
    fields: [{ path: "cursor", message: "is not a cursor from a previous page" }],
  });
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

const FROM_AUDIT = `FROM audit_log a
  LEFT JOIN staff_users s ON s.tenant_id = a.tenant_id AND s.id = a.actor_staff_id`;

/** The WHERE clause of a filter, with its parameters ($1...). */
function auditWhere(filter: AuditFilter, after: Position | null): { sql: string; values: unknown[] } {
  const where = ["a.tenant_id = app_current_tenant()"];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.action) where.push(`a.action = ${param(filter.action)}`);
  if (filter.entityType) where.push(`a.entity_type = ${param(filter.entityType)}`);
  if (filter.entityId) where.push(`a.entity_id = ${param(filter.entityId)}`);
  if (filter.actorStaffId) where.push(`a.actor_staff_id = ${param(filter.actorStaffId)}::uuid`);
  if (filter.from) where.push(`a.created_at >= ${param(filter.from)}::timestamptz`);
  if (filter.to) where.push(`a.created_at < ${param(filter.to)}::timestamptz`);
  if (filter.q) {
    const q = param(likePattern(filter.q));
    where.push(
      `(a.action ILIKE ${q} OR a.entity_id ILIKE ${q} OR a.reason ILIKE ${q} OR s.name ILIKE ${q} OR s.email ILIKE ${q})`,
    );
  }
  if (after) where.push(`(a.created_at, a.id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::bigint)`);
  return { sql: where.join(" AND "), values };
}

/** One page of entries, newest first, after `after` when given. */
export async function auditRows(
  client: pg.PoolClient,
  filter: AuditFilter,
  after: Position | null,
  limit: number,
): Promise<AuditRow[]> {
  const where = auditWhere(filter, after);
  const { rows } = await client.query<AuditRow>(
    `SELECT a.id::text, a.created_at, a.actor_kind, a.actor_staff_id, s.name AS actor_name, s.email AS actor_email,
            a.action, a.entity_type, a.entity_id, a.reason, a.ip, a.user_agent, a.changes
       ${FROM_AUDIT}
      WHERE ${where.sql}
      ORDER BY a.created_at DESC, a.id DESC
      LIMIT $${where.values.length + 1}`,
    [...where.values, limit],
  );
  return rows;
}

/** How many entries match, counting no further than `atMost`. */
export async function countAuditRows(client: pg.PoolClient, filter: AuditFilter, atMost: number): Promise<number> {
  const where = auditWhere(filter, null);
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT 1 ${FROM_AUDIT} WHERE ${where.sql} LIMIT $${where.values.length + 1}) AS hit`,
    [...where.values, atMost],
  );
  return rows[0]?.count ?? 0;
}

export function auditEntryView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    actor: { kind: row.actor_kind, staffId: row.actor_staff_id, name: row.actor_name, email: row.actor_email },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    reason: row.reason,
    ip: row.ip,
    userAgent: row.user_agent,
    changes: row.changes,
  };
}

export async function listAuditLog(
  deps: EngineDeps,
  request: { tenantId: string; filter: AuditFilter; cursor?: string | undefined; limit: number },
): Promise<AuditPage> {
  const after = request.cursor ? decodeCursor(request.cursor) : null;
  const rows = await deps.db.withTenantClient(request.tenantId, (client) =>
    auditRows(client, request.filter, after, request.limit + 1),
  );
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(auditEntryView),
    nextCursor: rows.length > request.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}
