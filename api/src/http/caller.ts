// Who is calling. identifyCaller runs before the rate limit on every /api route: it checks any
// credentials sent (a staff Bearer token, or Telegram launch data with X-Tenant) and, if they
// hold, sets the principal the limit counts against. A staff token must also still match its
// member (core/auth/staff-access.ts): one that a change of role, restaurants, activation or
// password has overtaken counts as no token. It never refuses; the route guards below
// do, with the reason the check failed.
import type { Context, MiddlewareHandler } from "hono";
import { checkInitData } from "../auth/init-data.ts";
import { readStaffToken, type StaffClaims } from "../auth/staff-token.ts";
import type { TenantDirectory } from "../auth/tenant-directory.ts";
import { type Permission, roleMay, scopeMay } from "../core/auth/permissions.ts";
import type { StaffAccess } from "../core/auth/staff-access.ts";
import type { Actor, EngineDeps } from "../core/context.ts";
import { guestForTelegramUser } from "../core/guests/telegram-guest.ts";
import { clientIp, type TrustedProxies } from "./client-ip.ts";
import type { AppEnv } from "./context.ts";
import { problem } from "./problem.ts";

export interface CallerOptions {
  jwtSecret: string;
  initDataMaxAgeSeconds: number;
  tenants: TenantDirectory;
  clock: () => Date;
  /** whether a signed, unexpired token still matches its member now */
  staffAccess: (claims: StaffClaims) => Promise<StaffAccess>;
}

const staffProblems: Record<Exclude<StaffAccess, "ok">, { detail: string; key: string }> = {
  changed: {
    detail: "Your access has changed (role, restaurants or password) since this token was issued. Renew the session.",
    key: "session-access-changed",
  },
  deactivated: { detail: "Your account has been deactivated.", key: "account-deactivated" },
};

const expiredProblem = { detail: "Your session has expired or is not valid. Sign in again.", key: "session-expired" };

const initDataProblems = {
  malformed: "The Mini App's launch data is missing or damaged. Close it and open it again from the bot.",
  forged: "The Mini App's launch data is not valid for this restaurant. Open the card from the restaurant's bot.",
  expired: "This Mini App session is too old. Close it and open it again from the bot.",
};

export function identifyCaller(options: CallerOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header("authorization") ?? "";
    const [scheme = "", credentials = ""] = authorization.split(/\s+(.*)/s);
    if (/^bearer$/i.test(scheme)) {
      const staff = await readStaffToken(credentials.trim(), options.jwtSecret);
      const access = staff ? await options.staffAccess(staff) : null;
      if (staff && access === "ok") {
        c.set("staff", staff);
        c.set("principal", `staff:${staff.staffId}`);
      } else if (access && access !== "ok") {
        c.set("authProblem", staffProblems[access].detail);
        c.set("authProblemKey", staffProblems[access].key);
      } else {
        c.set("authProblem", expiredProblem.detail);
        c.set("authProblemKey", expiredProblem.key);
      }
    } else if (/^tma$/i.test(scheme)) {
      const slug = c.req.header("x-tenant") ?? "";
      const tenantId = slug ? await options.tenants.tenantIdBySlug(slug) : null;
      const botToken = tenantId ? await options.tenants.botToken(tenantId) : null;
      if (!tenantId || !botToken) {
        c.set("authProblem", "This restaurant is not known or has no bot connected. Check the X-Tenant header.");
        c.set("authProblemKey", "init-data-tenant");
      } else {
        const check = checkInitData(credentials.trim(), botToken, options.initDataMaxAgeSeconds, options.clock());
        if (check.ok) {
          c.set("telegram", { tenantId, user: check.user });
          c.set("principal", `tg:${tenantId}:${check.user.id}`);
        } else {
          c.set("authProblem", initDataProblems[check.reason]);
          c.set("authProblemKey", `init-data-${check.reason}`);
        }
      }
    }
    await next();
  };
}

/** Staff only, holding the permission. */
export function requireStaff(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const staff = c.get("staff");
    if (!staff) {
      return problem(c, {
        code: "UNAUTHORIZED",
        detail: c.get("authProblem") ?? "Sign in first: send the access token as Authorization: Bearer <token>.",
        extensions: { messageKey: c.get("authProblemKey") ?? "sign-in-required" },
        headers: { "WWW-Authenticate": 'Bearer realm="maxloyalty"' },
      });
    }
    if (!scopeMay(staff.scope, permission)) {
      return problem(c, {
        code: "FORBIDDEN",
        detail:
          "This session may only use the till: it was opened from Telegram. Sign in with your e-mail and password for anything else.",
        messageKey: "session-till-only",
      });
    }
    if (!roleMay(staff.role, permission)) {
      return problem(c, {
        code: "FORBIDDEN",
        detail: `Your role (${staff.role}) may not do this.`,
        messageKey: "role-forbidden",
      });
    }
    await next();
    return undefined;
  };
}

/** The 401 of a route that needs Telegram launch data and did not get valid ones. */
function telegramRefused(c: Context<AppEnv>, hint: string) {
  return problem(c, {
    code: "UNAUTHORIZED",
    detail: c.get("authProblem") ?? hint,
    extensions: { messageKey: c.get("authProblemKey") ?? "init-data-missing" },
    headers: { "WWW-Authenticate": 'tma realm="maxloyalty"' },
  });
}

/** A Telegram user with valid launch data for the tenant named in X-Tenant. */
export function requireTelegram(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("telegram")) return telegramRefused(c, "Open the Mini App from the restaurant's Telegram bot.");
    await next();
    return undefined;
  };
}

/** A guest in the Mini App; the guest record is created on their first visit. */
export function requireGuest(engine: EngineDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const telegram = c.get("telegram");
    if (!telegram) return telegramRefused(c, "Open the card from the restaurant's Telegram bot.");
    c.set("guestId", await guestForTelegramUser(engine, telegram.tenantId, telegram.user));
    await next();
    return undefined;
  };
}

/** The tenant and Telegram user a route guarded by requireTelegram (or requireGuest) serves. */
export function telegramOf(c: Context<AppEnv>): { tenantId: string; telegramUserId: number } {
  const telegram = c.get("telegram");
  if (!telegram) throw new Error("telegramOf used on a route without requireTelegram");
  return { tenantId: telegram.tenantId, telegramUserId: telegram.user.id };
}

/** The tenant, guest and Telegram user a guarded guest route serves. */
export function guestOf(c: Context<AppEnv>): { tenantId: string; guestId: string; telegramUserId: number } {
  const telegram = c.get("telegram");
  const guestId = c.get("guestId");
  if (!telegram || !guestId) throw new Error("guestOf used on a route without requireGuest");
  return { tenantId: telegram.tenantId, guestId, telegramUserId: telegram.user.id };
}

/** The staff member a guarded staff route serves, as the actor of what they do. */
export function staffOf(
  c: Context<AppEnv>,
  source: Actor["source"],
  trustProxy: TrustedProxies,
): Actor & { tenantId: string } {
  const staff = c.get("staff");
  if (!staff) throw new Error("staffOf used on a route without requireStaff");
  return {
    tenantId: staff.tenantId,
    source,
    staffId: staff.staffId,
    role: staff.role,
    ip: clientIp(c, trustProxy),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
  };
}
