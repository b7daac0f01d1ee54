// The guest's own card, history and levels, for the Mini App (Authorization: tma + X-Tenant).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import {
  guestCard,
  guestCardSchema,
  guestHistory,
  guestLevels,
  historyPageSchema,
  historyQuerySchema,
  levelsTableSchema,
} from "../../core/guests/guest-views.ts";
import { currentGuestTokens } from "../../core/identification/tokens.ts";
import { guestOf, requireGuest } from "../../http/caller.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, guestSecurity, tenantHeaders } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

export function meRoutes(engine: EngineDeps) {
  const guest = requireGuest(engine);
  const route = <S extends z.ZodType>(path: string, summary: string, schema: S) =>
    createRoute({
      method: "get",
      path,
      tags: ["guest"],
      summary,
      security: guestSecurity,
      middleware: [guest] as const,
      request: { headers: tenantHeaders },
      responses: {
        200: { description: summary, content: { "application/json": { schema } } },
        401: errorResponses[401],
        422: errorResponses[422],
      },
    });
  const historyRoute = createRoute({
    method: "get",
    path: "/api/v1/me/history",
    tags: ["guest"],
    summary: "The guest's points history, newest first",
    security: guestSecurity,
    middleware: [guest] as const,
    request: { headers: tenantHeaders, query: historyQuerySchema },
    responses: {
      200: { description: "A page of history", content: { "application/json": { schema: historyPageSchema } } },
      401: errorResponses[401],
      422: errorResponses[422],
    },
  });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(route("/api/v1/me/card", "The guest's loyalty card", guestCardSchema), async (c) => {
      const { tenantId, guestId } = guestOf(c);
      return c.json(await guestCard(engine, tenantId, guestId), 200);
    })
    .openapi(
      route(
        "/api/v1/me/identification",
        "The current QR token and 6-digit code, refreshed when about to lapse",
        z.object({
          qr: z.object({ token: z.string(), expiresAt: z.string() }),
          code: z.object({ code: z.string(), expiresAt: z.string() }),
        }),
      ),
      async (c) => {
        const { tenantId, guestId } = guestOf(c);
        return c.json(await currentGuestTokens(engine, tenantId, guestId), 200);
      },
    )
    .openapi(historyRoute, async (c) => {
      const { tenantId, guestId } = guestOf(c);
      return c.json(await guestHistory(engine, tenantId, guestId, c.req.valid("query")), 200);
    })
    .openapi(
      route("/api/v1/me/levels", "The program's levels and where the guest stands", levelsTableSchema),
      async (c) => {
        const { tenantId, guestId } = guestOf(c);
        return c.json(await guestLevels(engine, tenantId, guestId), 200);
      },
    );
}
