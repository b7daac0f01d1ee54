// Staff sign-in: e-mail and password for a 15-minute access token (Bearer). Refresh tokens in a
// cookie, sign-out and lockout come with the admin view (issue #7). From the Mini App, the
// Telegram account a staff invite linked gets a 15-minute token that works the till only.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ACCESS_TOKEN_SECONDS, issueStaffToken } from "../../auth/staff-token.ts";
import { signInStaff } from "../../core/auth/sign-in.ts";
import { signInStaffByTelegram } from "../../core/auth/telegram-sign-in.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireTelegram, telegramOf } from "../../http/caller.ts";
import type { AppEnv } from "../../http/context.ts";
import { guestSecurity, problemResponse, tenantHeaders } from "../../http/openapi.ts";
import { validationHook } from "../../http/problem.ts";

const signInRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["auth"],
  summary: "Sign in as staff",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({
            email: z.email({ message: "must be an e-mail address" }),
            password: z.string().min(1, { message: "is required" }).max(200),
            tenant: z
              .string()
              .max(63)
              .optional()
              .openapi({ description: "The business's slug, when one e-mail works for several" }),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Signed in",
      content: {
        "application/json": {
          schema: z.object({
            accessToken: z.string(),
            tokenType: z.literal("Bearer"),
            expiresIn: z.number().int(),
            staff: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() }),
            tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
          }),
        },
      },
    },
    401: problemResponse("Wrong e-mail or password"),
    409: problemResponse("The e-mail works for several businesses: `tenants` lists them; send `tenant`"),
    422: problemResponse("Invalid input"),
  },
});

const telegramSignInRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/telegram",
  tags: ["auth"],
  summary: "Sign in as staff from the Mini App, for the till only",
  description:
    "The Telegram account must be linked to an active staff member of the business by a staff invite. The token carries `scope: till`: it opens the till (identify, quote, accrue, redeem, refund) and nothing else.",
  security: guestSecurity,
  middleware: [requireTelegram()] as const,
  request: { headers: tenantHeaders },
  responses: {
    200: {
      description: "Signed in, for the till",
      content: {
        "application/json": {
          schema: z.object({
            accessToken: z.string(),
            tokenType: z.literal("Bearer"),
            expiresIn: z.number().int(),
            staff: z.object({
              id: z.string(),
              name: z.string(),
              role: z.enum(["owner", "admin", "manager", "cashier"]),
            }),
            tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
          }),
        },
      },
    },
    401: problemResponse("The launch data are missing, damaged, too old or not for this business"),
    403: problemResponse("This Telegram account is not linked to an active staff member of the business"),
    429: problemResponse("Too many requests; see Retry-After"),
  },
});

export function authRoutes(engine: EngineDeps, jwtSecret: string) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(signInRoute, async (c) => {
      const staff = await signInStaff(engine, c.req.valid("json"));
      const accessToken = await issueStaffToken(
        { staffId: staff.staffId, tenantId: staff.tenantId, role: staff.role },
        jwtSecret,
        engine.clock(),
      );
      return c.json(
        {
          accessToken,
          tokenType: "Bearer" as const,
          expiresIn: ACCESS_TOKEN_SECONDS,
          staff: { id: staff.staffId, name: staff.name, email: staff.email, role: staff.role },
          tenant: { id: staff.tenantId, slug: staff.tenantSlug, name: staff.tenantName },
        },
        200,
      );
    })
    .openapi(telegramSignInRoute, async (c) => {
      const { tenantId, telegramUserId } = telegramOf(c);
      const staff = await signInStaffByTelegram(engine, tenantId, telegramUserId);
      const accessToken = await issueStaffToken(
        { staffId: staff.staffId, tenantId: staff.tenantId, role: staff.role, scope: "till" },
        jwtSecret,
        engine.clock(),
      );
      return c.json(
        {
          accessToken,
          tokenType: "Bearer" as const,
          expiresIn: ACCESS_TOKEN_SECONDS,
          staff: { id: staff.staffId, name: staff.name, role: staff.role },
          tenant: { id: staff.tenantId, slug: staff.tenantSlug, name: staff.tenantName },
        },
        200,
      );
    });
}
