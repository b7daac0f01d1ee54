// The audit log page: search and filter who changed what, and export it as CSV.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { csvRow, UTF8_BOM } from "@maxl/shared";
import { auditFilterSchema, listAuditLog } from "../../core/audit/audit-log.ts";
import { AUDIT_EXPORT_MAX_ROWS, exportAuditLog } from "../../core/audit/export-audit-log.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const filterQuery = auditFilterSchema;

const entrySchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    actor: z.object({
      kind: z.enum(["staff", "guest", "system", "pos"]),
      staffId: z.string().nullable(),
      name: z.string().nullable(),
      email: z.string().nullable(),
    }),
    action: z.string().openapi({ example: "program.update" }),
    entityType: z.string().openapi({ example: "loyalty_program" }),
    entityId: z.string().nullable(),
    reason: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    changes: z.unknown().openapi({ description: "What changed, as the action recorded it (often from/to pairs)" }),
  })
  .openapi("AuditEntry");

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/audit",
  tags: ["audit"],
  summary: "The audit log: who changed what, when, why and from where; newest first",
  description:
    "Filters combine; `q` is a case-insensitive substring search. Pass `nextCursor` as `cursor` for older entries.",
  security: staffSecurity,
  middleware: [requireStaff("audit.read")] as const,
  request: {
    query: filterQuery.extend({
      cursor: z.string().max(200).optional().openapi({ description: "nextCursor of the previous page" }),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: "A page of entries",
      content: {
        "application/json": { schema: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }) },
      },
    },
    ...errorResponses,
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/api/v1/audit/export.csv",
  tags: ["audit"],
  summary: "The audit log as CSV, with the same filters",
  description: `UTF-8 with a byte order mark (Excel opens Cyrillic correctly), RFC 4180 quoting, newest first, at most ${AUDIT_EXPORT_MAX_ROWS} rows: when more match, X-Export-Truncated is true and the filters should be narrowed (e.g. by date). delimiter=semicolon suits Excel in a Russian locale. The export is itself recorded in the audit log.`,
  security: staffSecurity,
  middleware: [requireStaff("audit.read")] as const,
  request: {
    query: filterQuery.extend({ delimiter: z.enum(["comma", "semicolon"]).default("comma") }),
  },
  responses: {
    200: {
      description: "The CSV file",
      headers: z.object({
        "X-Export-Rows": z.string().openapi({ description: "Rows in the file" }),
        "X-Export-Truncated": z.enum(["true", "false"]).openapi({ description: "More entries matched than the cap" }),
      }),
      content: { "text/csv": { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const csvHeader = [
  "id",
  "created_at",
  "actor_kind",
  "actor_staff_id",
  "actor_name",
  "actor_email",
  "action",
  "entity_type",
  "entity_id",
  "reason",
  "ip",
  "user_agent",
  "changes",
];

export function auditRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      const { cursor, limit, ...filter } = c.req.valid("query");
      return c.json(await listAuditLog(engine, { tenantId, filter, cursor, limit }), 200);
    })
    .openapi(exportRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const { delimiter: delimiterName, ...filter } = c.req.valid("query");
      const delimiter = delimiterName === "semicolon" ? ";" : ",";
      const exported = await exportAuditLog(engine, { tenantId, actor, filter });
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(UTF8_BOM + csvRow(csvHeader, delimiter)));
        },
        async pull(controller) {
          const next = await exported.pages.next();
          if (next.done) {
            controller.close();
            return;
          }
          const lines = next.value.map((entry) =>
            csvRow(
              [
                entry.id,
                entry.createdAt,
                entry.actor.kind,
                entry.actor.staffId,
                entry.actor.name,
                entry.actor.email,
                entry.action,
                entry.entityType,
                entry.entityId,
                entry.reason,
                entry.ip,
                entry.userAgent,
                entry.changes === null || entry.changes === undefined ? null : JSON.stringify(entry.changes),
              ],
              delimiter,
            ),
          );
          controller.enqueue(encoder.encode(lines.join("")));
        },
        async cancel() {
          await exported.pages.return(undefined);
        },
      });
      const day = engine.clock().toISOString().slice(0, 10);
      return c.body(body, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-${day}.csv"`,
        "X-Export-Rows": String(exported.rows),
        "X-Export-Truncated": String(exported.truncated),
        "X-Export-Max-Rows": String(exported.maxRows),
      });
    });
}
