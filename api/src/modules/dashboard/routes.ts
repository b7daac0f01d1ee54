// The admin dashboard's figures for a period and, optionally, one restaurant.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import { dashboardReport, dashboardReportSchema } from "../../core/dashboard/dashboard-report.ts";
import { granularities, parseLocalDate } from "../../core/dashboard/period.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const localDate = (description: string) =>
  z
    .string()
    .refine((text) => parseLocalDate(text) !== null, { message: "must be a date written YYYY-MM-DD" })
    .openapi({ description, example: "2026-11-01" });

const reportRoute = createRoute({
  method: "get",
  path: "/api/v1/dashboard",
  tags: ["dashboard"],
  summary: "Guests, checks, revenue and points for a period, as totals, a series and levels",
  description:
    "Days are the business's local days (its time zone), both included; at most three years. The previous period of the same length comes beside the totals for deltas.",
  security: staffSecurity,
  middleware: [requireStaff("dashboard.read")] as const,
  request: {
    query: z.object({
      from: localDate("The first day of the period, in the business's time zone"),
      to: localDate("The last day of the period (included)"),
      restaurantId: z.uuid().optional().openapi({ description: "One restaurant; default: all the caller may see" }),
      granularity: z
        .enum(granularities)
        .optional()
        .openapi({ description: "Default: day up to 62 days, week up to 366, month beyond" }),
    }),
  },
  responses: {
    200: { description: "The figures", content: { "application/json": { schema: dashboardReportSchema } } },
    404: problemResponse("No such restaurant"),
    ...errorResponses,
  },
});

export function dashboardRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(reportRoute, async (c) => {
    const { tenantId, staffId, role } = staffOf(c, "admin", trustProxy);
    if (!staffId || !role) throw new Error("staffOf always names the staff member");
    const report = await dashboardReport(engine, { tenantId, staff: { staffId, role }, ...c.req.valid("query") });
    return c.json(report, 200);
  });
}
