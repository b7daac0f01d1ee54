// A guest as staff see them, and the changes a manager makes by hand (with a reason, audited).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { adjustmentInputSchema, levelChangeSchema, manualLevelInputSchema, operationResultSchema } from "@maxl/shared";
import type { EngineDeps } from "../../core/context.ts";
import { guestSummary, guestSummarySchema } from "../../core/guests/guest-summary.ts";
import { adjustPoints } from "../../core/loyalty/adjust-points.ts";
import { setManualLevel } from "../../core/loyalty/set-manual-level.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, idempotencyHeaders, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { respondOutcome } from "../../http/outcome.ts";
import { validationHook } from "../../http/problem.ts";

const guestParams = z.object({ guestId: z.uuid().openapi({ param: { name: "guestId", in: "path" } }) });

const readRoute = createRoute({
  method: "get",
  path: "/api/v1/guests/{guestId}",
  tags: ["guests"],
  summary: "A guest's balance, available points and level",
  security: staffSecurity,
  middleware: [requireStaff("guests.read")] as const,
  request: { params: guestParams },
  responses: {
    200: { description: "The guest", content: { "application/json": { schema: guestSummarySchema } } },
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

export function guestRoutes(engine: EngineDeps, trustProxy: boolean) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(readRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await guestSummary(engine, tenantId, c.req.valid("param").guestId), 200);
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
