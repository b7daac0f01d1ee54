// Staff sign-in. E-mail and password give a 15-minute access token (Bearer) and start an admin
// view session: a rotating refresh token in an httpOnly cookie with its CSRF companion (see
// http/session-cookies.ts and core/auth/staff-sessions.ts). From the Mini App, the Telegram
// account a staff invite linked gets a 15-minute token that works the till only. A member can
// end all their sessions at once from the one they hold (sign out everywhere).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { isServiceError } from "@maxl/shared";
import type { Context } from "hono";
import { ACCESS_TOKEN_SECONDS, issueStaffToken } from "../../auth/staff-token.ts";
import { createLoginThrottle } from "../../core/auth/login-throttle.ts";
import { signInWithPassword } from "../../core/auth/password-sign-in.ts";
import type { SignedInStaff } from "../../core/auth/sign-in.ts";
import { signOutEverywhere } from "../../core/auth/sign-out-everywhere.ts";
import { currentStaffProfile, profileOf, type StaffProfile } from "../../core/auth/staff-profile.ts";
import {
  endStaffSession,
  refreshStaffSession,
  type SignInMethod,
  sessionOfToken,
  startStaffSession,
} from "../../core/auth/staff-sessions.ts";
import { signInStaffByTelegram } from "../../core/auth/telegram-sign-in.ts";
import type { EngineDeps } from "../../core/context.ts";
import { acceptAccessLink, describeAccessLink, PASSWORD_MIN_LENGTH } from "../../core/staff/access-links.ts";
import { requireStaff, requireTelegram, staffOf, telegramOf } from "../../http/caller.ts";
import { clientIp, type TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, guestSecurity, problemResponse, staffSecurity, tenantHeaders } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";
import { clearSessionCookies, csrfMatches, readRefreshCookie, setSessionCookies } from "../../http/session-cookies.ts";

export interface AuthSettings {
  jwtSecret: string;
  refreshTokenDays: number;
  loginLockAfter: number;
  cookieSecure: boolean;
  trustProxy: TrustedProxies;
}

const roleSchema = z.enum(["owner", "admin", "manager", "cashier"]);

const profileSchema = z.object({
  staff: z.object({ id: z.string(), name: z.string(), email: z.string(), role: roleSchema }),
  tenant: z.object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    timeZone: z.string().openapi({ description: "The IANA zone the business's times are shown and entered in" }),
  }),
  permissions: z.array(z.string()).openapi({ description: "What this role may do (the API's permission matrix)" }),
  restaurantIds: z
    .array(z.string())
    .nullable()
    .openapi({ description: "The restaurants this member works for; null for every restaurant" }),
});

const signedInSchema = profileSchema.extend({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int(),
  csrfToken: z.string().openapi({
    description:
      "Send as X-CSRF-Token on /auth/refresh, /auth/logout and /auth/sessions/revoke-all (also readable in the maxl_csrf cookie)",
  }),
});

const signedInResponse = {
  description:
    "Signed in. Also sets the httpOnly refresh cookie `maxl_refresh` (path /api/v1/auth) and the readable `maxl_csrf` cookie",
  content: { "application/json": { schema: signedInSchema } },
};

const signInRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["auth"],
  summary: "Sign in as staff",
  description:
    "After LOGIN_LOCK_AFTER wrong passwords in a row the e-mail is locked for a minute, doubling with each further miss up to an hour (429 with Retry-After); the right password is refused while locked.",
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
    200: signedInResponse,
    401: problemResponse("Wrong e-mail or password"),
    409: problemResponse("The e-mail works for several businesses: `tenants` lists them; send `tenant`"),
    422: problemResponse("Invalid input"),
    429: problemResponse("Too many wrong passwords; see Retry-After"),
  },
});

const csrfHeaders = z.object({
  "x-csrf-token": z.string().optional().openapi({ description: "The csrfToken of the session (maxl_csrf cookie)" }),
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  tags: ["auth"],
  summary: "A new access token from the session cookie",
  description:
    "Rotates the refresh cookie. Presenting a refresh token that was already replaced closes the session everywhere (reuse detection) and answers 401 with messageKey `session-reused`. Two refreshes at the same moment: the later one gets 409 and should simply retry.",
  request: { headers: csrfHeaders },
  responses: {
    200: signedInResponse,
    401: problemResponse("No session, or it has ended, expired or been closed after reuse"),
    403: problemResponse("The X-CSRF-Token header is missing or does not belong to this session"),
    409: problemResponse("Refreshed at the same moment elsewhere; retry"),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  tags: ["auth"],
  summary: "Sign out: close the session and clear its cookies",
  request: { headers: csrfHeaders },
  responses: {
    204: { description: "Signed out (also when there was no session)" },
    403: problemResponse("The X-CSRF-Token header is missing or does not belong to this session"),
  },
});

const signOutEverywhereRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/sessions/revoke-all",
  tags: ["auth"],
  summary: "Sign out everywhere: end every session of the signed-in member and clear this one's cookies",
  description:
    "Needs the current session cookie. Closes all the member's sessions, this one included, and makes every access token they hold (the till's from Telegram too) refused on its next call; other sessions' refresh answers 401 with messageKey `session-signed-out-everywhere`.",
  request: { headers: csrfHeaders },
  responses: {
    204: { description: "Signed out everywhere" },
    401: problemResponse("No current session (missing, ended, expired or replaced)"),
    403: problemResponse("The X-CSRF-Token header is missing or does not belong to this session"),
  },
});

const meRoute = createRoute({
  method: "get",
  path: "/api/v1/auth/me",
  tags: ["auth"],
  summary: "Who is signed in, what their role may do, and their restaurants",
  security: staffSecurity,
  middleware: [requireStaff("profile.read")] as const,
  responses: {
    200: { description: "The signed-in staff member", content: { "application/json": { schema: profileSchema } } },
    ...errorResponses,
  },
});

const linkBody = z.object({ token: z.string().min(1, { message: "is required" }).max(300) });

const inspectLinkRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/links/inspect",
  tags: ["auth"],
  summary: "What an invitation or password link is for, before the password is chosen",
  description: "The token travels in the body, not the URL, so it stays out of logs.",
  request: { body: { content: { "application/json": { schema: linkBody } } } },
  responses: {
    200: {
      description: "The link is usable",
      content: {
        "application/json": {
          schema: z.object({
            purpose: z.enum(["invite", "reset"]),
            email: z.string(),
            name: z.string(),
            role: roleSchema,
            tenant: z.object({ slug: z.string(), name: z.string() }),
            expiresAt: z.string(),
          }),
        },
      },
    },
    404: problemResponse("The link has expired, has been used, or never existed"),
    422: problemResponse("Invalid input"),
  },
});

const acceptLinkRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/links/accept",
  tags: ["auth"],
  summary: "Set a password through an invitation or password link, and sign in",
  description: "Closes every other session of the member. A link works once.",
  request: {
    body: {
      content: {
        "application/json": {
          schema: linkBody.extend({
            password: z
              .string()
              .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
              .max(200),
            name: z.string().trim().min(1).max(100).optional().openapi({ description: "Correct the name if needed" }),
          }),
        },
      },
    },
  },
  responses: {
    200: signedInResponse,
    404: problemResponse("The link has expired, has been used, or never existed"),
    422: problemResponse("Invalid input, e.g. a password that is too short"),
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

export function authRoutes(engine: EngineDeps, settings: AuthSettings) {
  const throttle = createLoginThrottle(engine, settings.loginLockAfter);
  const cookies = { jwtSecret: settings.jwtSecret, secure: settings.cookieSecure };
  const meta = (c: Context<AppEnv>) => ({
    ip: clientIp(c, settings.trustProxy),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
  });
  const accessTokenFor = (staff: SignedInStaff, scope?: "till") =>
    issueStaffToken(
      {
        staffId: staff.staffId,
        tenantId: staff.tenantId,
        role: staff.role,
        generation: staff.accessGeneration,
        ...(scope ? { scope } : {}),
      },
      settings.jwtSecret,
      engine.clock(),
    );
  const profileBody = ({ staff, permissions, restaurantIds }: StaffProfile) => ({
    staff: { id: staff.staffId, name: staff.name, email: staff.email, role: staff.role },
    tenant: { id: staff.tenantId, slug: staff.tenantSlug, name: staff.tenantName, timeZone: staff.tenantTimeZone },
    permissions,
    restaurantIds,
  });
  /** The answer to every way of signing in to the admin view, with the session's cookies set. */
  const signedIn = async (
    c: Context<AppEnv>,
    staff: SignedInStaff,
    session: { token: string; sessionId: string; expiresAt: Date },
  ) => {
    const csrfToken = setSessionCookies(c, cookies, { ...session, tenantId: staff.tenantId });
    return {
      ...profileBody(await profileOf(engine, staff)),
      accessToken: await accessTokenFor(staff),
      tokenType: "Bearer" as const,
      expiresIn: ACCESS_TOKEN_SECONDS,
      csrfToken,
    };
  };
  const startSession = async (c: Context<AppEnv>, staff: SignedInStaff, method: SignInMethod) =>
    signedIn(c, staff, await startStaffSession(engine, staff, meta(c), settings.refreshTokenDays, method));
  const csrfRefused = (c: Context<AppEnv>) =>
    problem(c, {
      code: "FORBIDDEN",
      status: 403,
      detail: "The X-CSRF-Token header is missing or does not match this session. Reload the page.",
      messageKey: "csrf",
    });

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(signInRoute, async (c) => {
      const staff = await signInWithPassword(engine, throttle, c.req.valid("json"), meta(c));
      return c.json(await startSession(c, staff, "password"), 200);
    })
    .openapi(refreshRoute, async (c) => {
      const token = readRefreshCookie(c);
      const session = sessionOfToken(token);
      if (session && !csrfMatches(c, settings.jwtSecret, session)) return csrfRefused(c);
      try {
        const refreshed = await refreshStaffSession(engine, token, meta(c), settings.refreshTokenDays);
        return c.json(await signedIn(c, refreshed.staff, refreshed.session), 200);
      } catch (error) {
        // A session that is over takes its cookies with it, so the page shows the sign-in form.
        if (isServiceError(error) && error.code === "UNAUTHORIZED") clearSessionCookies(c, cookies);
        throw error;
      }
    })
    .openapi(logoutRoute, async (c) => {
      const token = readRefreshCookie(c);
      const session = sessionOfToken(token);
      if (session && !csrfMatches(c, settings.jwtSecret, session)) return csrfRefused(c);
      await endStaffSession(engine, token, meta(c));
      clearSessionCookies(c, cookies);
      return c.body(null, 204);
    })
    .openapi(signOutEverywhereRoute, async (c) => {
      const token = readRefreshCookie(c);
      const session = sessionOfToken(token);
      if (session && !csrfMatches(c, settings.jwtSecret, session)) return csrfRefused(c);
      try {
        await signOutEverywhere(engine, token, meta(c));
      } catch (error) {
        // No session to sign out of: its cookies go too, so the page shows the sign-in form.
        if (isServiceError(error) && error.code === "UNAUTHORIZED") clearSessionCookies(c, cookies);
        throw error;
      }
      clearSessionCookies(c, cookies);
      return c.body(null, 204);
    })
    .openapi(meRoute, async (c) => {
      const { tenantId, staffId } = staffOf(c, "admin", settings.trustProxy);
      return c.json(profileBody(await currentStaffProfile(engine, { tenantId, staffId: staffId ?? "" })), 200);
    })
    .openapi(inspectLinkRoute, async (c) => {
      const link = await describeAccessLink(engine, c.req.valid("json").token);
      return c.json({ ...link, expiresAt: link.expiresAt.toISOString() }, 200);
    })
    .openapi(acceptLinkRoute, async (c) => {
      const body = c.req.valid("json");
      const staff = await acceptAccessLink(engine, { ...body, ...meta(c) });
      await throttle.clear(staff.email);
      return c.json(await startSession(c, staff, "link"), 200);
    })
    .openapi(telegramSignInRoute, async (c) => {
      const { tenantId, telegramUserId } = telegramOf(c);
      const staff = await signInStaffByTelegram(engine, tenantId, telegramUserId, meta(c));
      const accessToken = await issueStaffToken(
        {
          staffId: staff.staffId,
          tenantId: staff.tenantId,
          role: staff.role,
          generation: staff.accessGeneration,
          scope: "till",
        },
        settings.jwtSecret,
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
