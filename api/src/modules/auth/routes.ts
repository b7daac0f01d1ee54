// Staff sign-in: e-mail and password for a 15-minute access token (Bearer). Refresh tokens in a
// cookie, sign-out and lockout come with the admin view (issue #7).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ACCESS_TOKEN_SECONDS, issueStaffToken } from "../../auth/staff-token.ts";
import { signInStaff } from "../../core/auth/sign-in.ts";
import type { EngineDeps } from "../../core/context.ts";
import type { AppEnv } from "../../http/context.ts";
import { problemResponse } from "../../http/openapi.ts";
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

export function authRoutes(engine: EngineDeps, jwtSecret: string) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(signInRoute, async (c) => {
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
  });
}
