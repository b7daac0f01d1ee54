// The guest's own card, history, levels and profile, for the Mini App (Authorization: tma + X-Tenant).
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
import {
  guestProfileView,
  guestProfileViewSchema,
  profilePatchSchema,
  updateGuestProfile,
} from "../../core/guests/profile.ts";
import { currentGuestTokens } from "../../core/identification/tokens.ts";
import { guestOf, requireGuest } from "../../http/caller.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, guestSecurity, problemResponse, tenantHeaders } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

export function meRoutes(engine: EngineDeps) {
  const guest = requireGuest(engine);
  // The literal path, not string: Hono RPC builds the typed client's tree from it.
  const route = <P extends string, S extends z.ZodType>(path: P, summary: string, schema: S) =>
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
  const updateProfileRoute = createRoute({
    method: "patch",
    path: "/api/v1/me/profile",
    tags: ["guest"],
    summary: "Change the guest's name, birthday, language or notifications, all at once or not at all",
    description:
      "Send at least one field. `name` is split into first and last name at the first space. The birthday can be set once; after that only the restaurant can change it (birthday bonuses depend on it); sending the same date again changes nothing.",
    security: guestSecurity,
    middleware: [guest] as const,
    request: {
      headers: tenantHeaders,
      body: { required: true, content: { "application/json": { schema: profilePatchSchema } } },
    },
    responses: {
      200: {
        description: "The profile as changed",
        content: { "application/json": { schema: guestProfileViewSchema } },
      },
      401: errorResponses[401],
      409: problemResponse("The birthday is already set to another date; only the restaurant can change it"),
      422: problemResponse("Invalid input (not a name, not a plausible birthday, an unknown field, nothing to change)"),
      429: errorResponses[429],
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
    )
    .openapi(
      route(
        "/api/v1/me/profile",
        "The guest's profile, and the staff role this Telegram account has here, if any",
        guestProfileViewSchema,
      ),
      async (c) => {
        const { tenantId, guestId, telegramUserId } = guestOf(c);
        return c.json(await guestProfileView(engine, tenantId, guestId, telegramUserId), 200);
      },
    )
    .openapi(updateProfileRoute, async (c) => {
      const { tenantId, guestId, telegramUserId } = guestOf(c);
      await updateGuestProfile(engine, tenantId, guestId, c.req.valid("json"));
      return c.json(await guestProfileView(engine, tenantId, guestId, telegramUserId), 200);
    });
}
