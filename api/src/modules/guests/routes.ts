// Guests as staff see them: the admin view's list (search, filters, pages) and CSV export, a
// guest's page with their ledger and checks, and the changes a manager makes by hand (with a
// reason, audited). Guests belong to the whole business: a manager or cashier limited to some
// restaurants still sees every guest; only the checks, which belong to restaurants, are limited.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { adjustmentInputSchema, levelChangeSchema, manualLevelInputSchema, operationResultSchema } from "@maxl/shared";
import { roleMay } from "../../core/auth/permissions.ts";
import type { EngineDeps } from "../../core/context.ts";
import {
  activityQuerySchema,
  guestChecks,
  guestChecksPageSchema,
  guestLedger,
  ledgerPageSchema,
} from "../../core/guests/guest-activity.ts";
import { exportGuests } from "../../core/guests/guest-export.ts";
import {
  guestExportQuerySchema,
  guestListPageSchema,
  guestListQuerySchema,
  listGuests,
} from "../../core/guests/guest-list.ts";
import { guestPage, guestPageSchema } from "../../core/guests/guest-page.ts";
import { adjustPoints } from "../../core/loyalty/adjust-points.ts";
import { setManualLevel } from "../../core/loyalty/set-manual-level.ts";
import { restaurantScope } from "../../core/staff/restaurant-scope.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, idempotencyHeaders, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { respondOutcome } from "../../http/outcome.ts";
import { validationHook } from "../../http/problem.ts";

const guestParams = z.object({ guestId: z.uuid().openapi({ param: { name: "guestId", in: "path" } }) });

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/guests",
  tags: ["guests"],
  summary: "Search, filter, sort and page through the guests",
  description:
    "`q` finds a guest by name (first and last, either order, any part), by phone (the digits anywhere in the number; " +
    "`8 999...` is read as `+7 999...`) or by the 6-digit code the guest shows right now (looked up, not used up). " +
    "Dates in `lastVisitFrom`/`lastVisitTo` are the business's local days, both included; an ISO date-time with an offset is an exact bound. " +
    "`sort=name` orders by first name, then last name. Bad filters answer 422 naming the parameter. Owners, admins and managers.",
  security: staffSecurity,
  middleware: [requireStaff("guests.list")] as const,
  request: { query: guestListQuerySchema },
  responses: {
    200: {
      description: "One page of guests and the total matching",
      content: { "application/json": { schema: guestListPageSchema } },
    },
    ...errorResponses,
  },
});

const exportRoute = createRoute({
  method: "get",
  path: "/api/v1/guests/export.csv",
  tags: ["guests"],
  summary: "Download the guests matching the list's filters as CSV",
  description:
    "The list's filters (`sort`, `order` and pages do not apply: the file holds every match, oldest first). UTF-8 with a BOM " +
    "(Excel reads Cyrillic), comma-separated, RFC 4180 quoting; cells a spreadsheet would run as a formula are prefixed with `'`. " +
    "Columns: id, first_name, last_name, phone, level, balance, last_visit, registered, created (times in the business's time zone). " +
    "Streamed; recorded in the audit log as `guests.exported` with the filters. Owners, admins and managers.",
  security: staffSecurity,
  middleware: [requireStaff("guests.export")] as const,
  request: { query: guestExportQuerySchema },
  responses: {
    200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses,
  },
});

const readRoute = createRoute({
  method: "get",
  path: "/api/v1/guests/{guestId}",
  tags: ["guests"],
  summary: "A guest's page: profile, level (and an admin's level), balance, points expiring soon",
  description:
    "A superset of the till's guest summary. `phone` is the whole number for roles that may list guests " +
    "(owner, admin, manager) and null for cashiers, who get `phoneHint`. `expiringSoon` covers the next 30 days.",
  security: staffSecurity,
  middleware: [requireStaff("guests.read")] as const,
  request: { params: guestParams },
  responses: {
    200: { description: "The guest", content: { "application/json": { schema: guestPageSchema } } },
    404: problemResponse("No such guest"),
    ...errorResponses,
  },
});

const ledgerRoute = createRoute({
  method: "get",
  path: "/api/v1/guests/{guestId}/ledger",
  tags: ["guests"],
  summary: "A guest's points ledger, newest first, a page at a time",
  description:
    "Every points movement with its kind, signed points, the balance after it, the reason, the source, the staff member who made it and the check. " +
    "Keyset pages: pass `nextCursor` as `cursor` for the next, older page.",
  security: staffSecurity,
  middleware: [requireStaff("guests.read")] as const,
  request: { params: guestParams, query: activityQuerySchema },
  responses: {
    200: { description: "One page of entries", content: { "application/json": { schema: ledgerPageSchema } } },
    404: problemResponse("No such guest"),
    ...errorResponses,
  },
});

const checksRoute = createRoute({
  method: "get",
  path: "/api/v1/guests/{guestId}/checks",
  tags: ["guests"],
  summary: "A guest's checks, newest first, with their refunds",
  description:
    "Sales and refunds by closing time, each with its restaurant, amounts in minor units, points spent on it and, for a sale, its refunds. " +
    "A staff member limited to some restaurants sees only those restaurants' checks. Keyset pages as in the ledger.",
  security: staffSecurity,
  middleware: [requireStaff("guests.read")] as const,
  request: { params: guestParams, query: activityQuerySchema },
  responses: {
    200: { description: "One page of checks", content: { "application/json": { schema: guestChecksPageSchema } } },
    404: problemResponse("No such guest"),
    ...errorResponses,
  },
});

const adjustRoute = createRoute({
  method: "post",
  path: "/api/v1/guests/{guestId}/adjustments",
  tags: ["guests"],
  summary: "Add or remove points by hand, with a reason",
  security: staffSecurity,
  middleware: [requireStaff("points.adjust")] as const,
  request: {
    params: guestParams,
    headers: idempotencyHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: adjustmentInputSchema.omit({ guestId: true }) } },
    },
  },
  responses: {
    201: { description: "Adjusted", content: { "application/json": { schema: operationResultSchema } } },
    404: problemResponse("No such guest"),
    ...errorResponses,
  },
});

const manualLevelRoute = createRoute({
  method: "put",
  path: "/api/v1/guests/{guestId}/manual-level",
  tags: ["guests"],
  summary: "Set a guest's level by hand until a date, or end it (levelId: null)",
  security: staffSecurity,
  middleware: [requireStaff("levels.setManual")] as const,
  request: {
    params: guestParams,
    body: { required: true, content: { "application/json": { schema: manualLevelInputSchema } } },
  },
  responses: {
    200: {
      description: "The guest's level now",
      content: {
        "application/json": {
          schema: z.object({
            levelId: z.string().nullable(),
            manualLevelUntil: z.string().nullable(),
            levelChange: levelChangeSchema.nullable(),
          }),
        },
      },
    },
    404: problemResponse("No such guest"),
    ...errorResponses,
  },
});

export function guestRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  // The list and the export first: "/guests/export.csv" must not be taken for a guest id.
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await listGuests(engine, tenantId, c.req.valid("query")), 200);
    })
    .openapi(exportRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const file = await exportGuests(engine, { tenantId, actor, filters: c.req.valid("query") });
      return c.body(file.stream, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${file.fileName}"`,
        "Cache-Control": "no-store",
      });
    })
    .openapi(readRoute, async (c) => {
      const { tenantId, role } = staffOf(c, "admin", trustProxy);
      const seesPhone = role ? roleMay(role, "guests.list") : false;
      return c.json(await guestPage(engine, tenantId, c.req.valid("param").guestId, { seesPhone }), 200);
    })
    .openapi(ledgerRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await guestLedger(engine, tenantId, c.req.valid("param").guestId, c.req.valid("query")), 200);
    })
    .openapi(checksRoute, async (c) => {
      const { tenantId, staffId, role } = staffOf(c, "admin", trustProxy);
      const restaurants = staffId && role ? await restaurantScope(engine, { tenantId, staffId, role }) : null;
      const page = await guestChecks(engine, tenantId, c.req.valid("param").guestId, c.req.valid("query"), restaurants);
      return c.json(page, 200);
    })
    .openapi(adjustRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const outcome = await adjustPoints(engine, {
        tenantId,
        actor,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        input: { ...c.req.valid("json"), guestId: c.req.valid("param").guestId },
      });
      return respondOutcome(c, outcome, 201);
    })
    .openapi(manualLevelRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const outcome = await setManualLevel(engine, {
        tenantId,
        actor,
        guestId: c.req.valid("param").guestId,
        input: c.req.valid("json"),
      });
      return c.json(
        {
          levelId: outcome.levelId,
          manualLevelUntil: outcome.manualLevelUntil?.toISOString() ?? null,
          levelChange: outcome.change,
        },
        200,
      );
    });
}
