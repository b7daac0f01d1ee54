// Importing existing guests from a CSV (a business moving from another system): upload, follow
// the progress the workers make, and download the per-row error report. Owners and admins.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { decodeImportBytes, IMPORT_MAX_BYTES } from "../../core/guest-imports/import-file.ts";
import {
  guestImportErrorsCsv,
  guestImportSummarySchema,
  guestImportView,
  guestImportViewSchema,
  importStatuses,
  recentGuestImports,
} from "../../core/guest-imports/import-views.ts";
import { importFileNameSchema, queueGuestImport } from "../../core/guest-imports/queue-import.ts";
import { bodyLimitByLength } from "../../http/body-limit.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";

// What browsers send for a .csv file: text/csv, and application/vnd.ms-excel on Windows with
// Excel installed.
const csvTypes = ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"];

// The app's general body limit skips this path (see app.ts); this is the import's own.
const importBodyLimit = bodyLimitByLength({
  maxSize: IMPORT_MAX_BYTES,
  onError: (c) =>
    problem(c, {
      code: "PAYLOAD_TOO_LARGE",
      detail: `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
      messageKey: "guest-import-too-large",
    }),
});

const importParams = z.object({ importId: z.uuid().openapi({ param: { name: "importId", in: "path" } }) });

const createImportRoute = createRoute({
  method: "post",
  path: "/api/v1/guest-imports",
  tags: ["guest imports"],
  summary: "Upload a CSV of existing guests; the workers import it",
  description:
    "The CSV is the request body (`Content-Type: text/csv`), at most 5 MB, UTF-8 or Windows-1251, comma- or semicolon-separated, " +
    "with a header row. Columns by name, Russian or English: phone/телефон (required), first_name/имя, last_name/фамилия, " +
    "birthday/дата рождения (YYYY-MM-DD or DD.MM.YYYY), balance/баланс (opening points). See docs/guest-import.md. " +
    "A file that cannot be imported at all (empty, header only, no phone column, not CSV) is refused with 422; " +
    "row problems are reported per row by the import. Answers 202 with the import's id; follow it at GET /api/v1/guest-imports/{importId}. " +
    "Owners and admins; recorded in the audit log.",
  security: staffSecurity,
  middleware: [requireStaff("guests.import"), importBodyLimit] as const,
  request: {
    query: z.object({ fileName: importFileNameSchema.optional() }),
    body: { required: true, content: { "text/csv": { schema: z.string() } } },
  },
  responses: {
    202: {
      description: "Stored and queued",
      content: { "application/json": { schema: z.object({ id: z.string(), status: z.enum(importStatuses) }) } },
    },
    413: problemResponse("The file is larger than 5 MB"),
    ...errorResponses,
  },
});

const listImportsRoute = createRoute({
  method: "get",
  path: "/api/v1/guest-imports",
  tags: ["guest imports"],
  summary: "The most recent guest imports, newest first",
  description: "Progress and counts of each import, without the error lists (open one import for its errors).",
  security: staffSecurity,
  middleware: [requireStaff("guests.import")] as const,
  request: {
    query: z.object({
      limit: z.coerce
        .number()
        .int({ message: "must be a whole number" })
        .min(1, { message: "must be 1 or more" })
        .max(100, { message: "must be at most 100" })
        .default(20),
    }),
  },
  responses: {
    200: {
      description: "Recent imports",
      content: { "application/json": { schema: z.object({ items: z.array(guestImportSummarySchema) }) } },
    },
    ...errorResponses,
  },
});

const readImportRoute = createRoute({
  method: "get",
  path: "/api/v1/guest-imports/{importId}",
  tags: ["guest imports"],
  summary: "One guest import: status, progress counters and the per-row errors",
  description:
    "Poll while `status` is queued or running: `processedRows` of `totalRows` grows chunk by chunk. `errors` lists `{ row, field, message }` " +
    "for the first 1,000 failed rows (`errorsTruncated` says when there are more); a file that could not be read at all ends `failed` " +
    "with one error whose row is null.",
  security: staffSecurity,
  middleware: [requireStaff("guests.import")] as const,
  request: { params: importParams },
  responses: {
    200: { description: "The import", content: { "application/json": { schema: guestImportViewSchema } } },
    404: problemResponse("No such import"),
    ...errorResponses,
  },
});

const errorsCsvRoute = createRoute({
  method: "get",
  path: "/api/v1/guest-imports/{importId}/errors.csv",
  tags: ["guest imports"],
  summary: "The import's per-row error report as CSV",
  description: "Columns row, field, message; UTF-8 with a BOM, for Excel.",
  security: staffSecurity,
  middleware: [requireStaff("guests.import")] as const,
  request: { params: importParams },
  responses: {
    200: { description: "The error report", content: { "text/csv": { schema: z.string() } } },
    404: problemResponse("No such import"),
    ...errorResponses,
  },
});

export function guestImportRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(createImportRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      if (!csvTypes.includes(type)) {
        return problem(c, {
          code: "VALIDATION",
          status: 422,
          detail: "Send the file as the request body with Content-Type: text/csv.",
          messageKey: "guest-import-not-csv",
          errors: [{ path: "Content-Type", message: "must be text/csv" }],
        });
      }
      const text = decodeImportBytes(new Uint8Array(await c.req.arrayBuffer()));
      const fileName = c.req.valid("query").fileName ?? "guests.csv";
      return c.json(await queueGuestImport(engine, { tenantId, actor, fileName, text }), 202);
    })
    .openapi(listImportsRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await recentGuestImports(engine, tenantId, c.req.valid("query").limit), 200);
    })
    .openapi(readImportRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await guestImportView(engine, tenantId, c.req.valid("param").importId), 200);
    })
    .openapi(errorsCsvRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      const report = await guestImportErrorsCsv(engine, tenantId, c.req.valid("param").importId);
      return c.body(report.csv, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
        "Cache-Control": "no-store",
      });
    });
}
