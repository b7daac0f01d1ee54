// The till: identify a guest, quote, accrue, redeem, refund. Staff only (Bearer token); every
// write takes an Idempotency-Key so a double tap or a retry never moves points twice.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  accrualInputSchema,
  operationResultSchema,
  quoteInputSchema,
  quoteResultSchema,
  redemptionInputSchema,
  refundInputSchema,
} from "@maxl/shared";
import type { Context } from "hono";
import type { Permission } from "../../core/auth/permissions.ts";
import type { EngineDeps } from "../../core/context.ts";
import { guestSummarySchema } from "../../core/guests/guest-summary.ts";
import { identifyGuest, identifyInputSchema } from "../../core/guests/identify-guest.ts";
import { accruePoints } from "../../core/loyalty/accrue-points.ts";
import { quoteRedemption } from "../../core/loyalty/quote-redemption.ts";
import { redeemPoints } from "../../core/loyalty/redeem-points.ts";
import { refundCheck } from "../../core/loyalty/refund-check.ts";
import { tillRestaurants } from "../../core/staff/till-restaurants.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, idempotencyHeaders, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { respondOutcome } from "../../http/outcome.ts";
import { validationHook } from "../../http/problem.ts";
import { staffChannel } from "../../http/staff-channel.ts";

const writeErrors = {
  ...errorResponses,
  404: problemResponse("The guest, check, quote or restaurant does not exist"),
  409: problemResponse("The state changed meanwhile (points spent, quote expired); quote again"),
};

function tillWrite<
  B extends
    | typeof accrualInputSchema
    | typeof refundInputSchema
    | typeof quoteInputSchema
    | typeof redemptionInputSchema,
  R extends typeof operationResultSchema | typeof quoteResultSchema,
  // The literal path, not string: Hono RPC builds the typed client's tree from it.
  P extends string,
>(path: P, summary: string, permission: Permission, body: B, result: R) {
  return createRoute({
    method: "post",
    path,
    tags: ["till"],
    summary,
    security: staffSecurity,
    middleware: [requireStaff(permission)] as const,
    request: {
      headers: idempotencyHeaders,
      body: { required: true, content: { "application/json": { schema: body } } },
    },
    responses: {
      201: {
        description: "Done (the same answer again for a retry with the same Idempotency-Key)",
        content: { "application/json": { schema: result } },
      },
      ...writeErrors,
    },
  });
}

const identifyRoute = createRoute({
  method: "post",
  path: "/api/v1/till/identify",
  tags: ["till"],
  summary: "Identify a guest by QR token, 6-digit code or phone",
  security: staffSecurity,
  middleware: [requireStaff("guests.identify")] as const,
  request: { body: { required: true, content: { "application/json": { schema: identifyInputSchema } } } },
  responses: {
    200: { description: "The guest", content: { "application/json": { schema: guestSummarySchema } } },
    404: problemResponse("No live token, code or phone matches"),
    ...errorResponses,
  },
});

const restaurantsRoute = createRoute({
  method: "get",
  path: "/api/v1/till/restaurants",
  tags: ["till"],
  summary: "The open restaurants the staff member may book till operations at",
  description:
    "With several, every quote, accrual and redemption must name its restaurantId (422 error-till-restaurant-required otherwise); a restaurant outside the staff member's own gets 403 error-till-restaurant-scope.",
  security: staffSecurity,
  middleware: [requireStaff("guests.identify")] as const,
  responses: {
    200: {
      description: "The restaurants, and whether the till must ask which one",
      content: {
        "application/json": {
          schema: z.object({
            restaurants: z.array(z.object({ id: z.string(), name: z.string(), address: z.string().nullable() })),
            choiceRequired: z.boolean(),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

/** Who asks, from where and under which key: the same for every till write. */
function tillCall(c: Context<AppEnv>, trustProxy: TrustedProxies) {
  const { tenantId, ...actor } = staffOf(c, "cashier", trustProxy);
  // validated by the route's header schema before the handler runs
  return {
    tenantId,
    actor: { ...actor, channel: staffChannel(c) },
    idempotencyKey: c.req.header("idempotency-key") ?? "",
  };
}

export function tillRoutes(engine: EngineDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(identifyRoute, async (c) => {
      const { tenantId } = staffOf(c, "cashier", trustProxy);
      return c.json(await identifyGuest(engine, tenantId, c.req.valid("json")), 200);
    })
    .openapi(restaurantsRoute, async (c) => {
      const { tenantId, staffId, role } = staffOf(c, "cashier", trustProxy);
      if (!staffId || !role) throw new Error("requireStaff guarantees a staff member");
      return c.json(await tillRestaurants(engine, { tenantId, staffId, role }), 200);
    })
    .openapi(
      tillWrite(
        "/api/v1/till/quotes",
        "Quote a redemption and hold the points for a few minutes",
        "points.quote",
        quoteInputSchema,
        quoteResultSchema,
      ),
      async (c) =>
        respondOutcome(
          c,
          await quoteRedemption(engine, { ...tillCall(c, trustProxy), input: c.req.valid("json") }),
          201,
        ),
    )
    .openapi(
      tillWrite(
        "/api/v1/till/accruals",
        "Accrue points on a check paid in money",
        "points.accrue",
        accrualInputSchema,
        operationResultSchema,
      ),
      async (c) =>
        respondOutcome(c, await accruePoints(engine, { ...tillCall(c, trustProxy), input: c.req.valid("json") }), 201),
    )
    .openapi(
      tillWrite(
        "/api/v1/till/redemptions",
        "Pay part of a check with points (commit a quote)",
        "points.redeem",
        redemptionInputSchema,
        operationResultSchema,
      ),
      async (c) =>
        respondOutcome(c, await redeemPoints(engine, { ...tillCall(c, trustProxy), input: c.req.valid("json") }), 201),
    )
    .openapi(
      tillWrite(
        "/api/v1/till/refunds",
        "Refund a check in full or in part",
        "points.refund",
        refundInputSchema,
        operationResultSchema,
      ),
      async (c) =>
        respondOutcome(c, await refundCheck(engine, { ...tillCall(c, trustProxy), input: c.req.valid("json") }), 201),
    );
}
