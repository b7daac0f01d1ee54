// Access tokens for staff: short-lived (15 minutes) HS256 JWTs naming the staff member, their
// tenant and role. Refresh tokens and sign-out arrive with the admin view (issue #7).
// A token minted from Telegram launch data carries `scope: "till"` and opens the till only
// (see tillPermissions); a token without a scope is a full one.
import { sign, verify } from "hono/jwt";
import type { StaffRole } from "../core/context.ts";

export const ACCESS_TOKEN_SECONDS = 15 * 60;

export interface StaffClaims {
  staffId: string;
  tenantId: string;
  role: StaffRole;
  /** "till": the session may only work the till; absent: everything the role may do */
  scope?: "till";
}

export async function issueStaffToken(claims: StaffClaims, secret: string, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return sign(
    {
      sub: claims.staffId,
      tid: claims.tenantId,
      role: claims.role,
      ...(claims.scope ? { scope: claims.scope } : {}),
      iat,
      exp: iat + ACCESS_TOKEN_SECONDS,
    },
    secret,
    "HS256",
  );
}

const roles = new Set<StaffRole>(["owner", "admin", "manager", "cashier"]);

/** The claims of a valid, unexpired token; null for anything else. */
export async function readStaffToken(token: string, secret: string): Promise<StaffClaims | null> {
  try {
    const payload = await verify(token, secret, "HS256");
    const role = payload.role as StaffRole;
    if (typeof payload.sub !== "string" || typeof payload.tid !== "string" || !roles.has(role)) return null;
    if (payload.scope === undefined) return { staffId: payload.sub, tenantId: payload.tid, role };
    // A scope this code does not know could only narrow the token; refusing it is the safe reading.
    if (payload.scope !== "till") return null;
    return { staffId: payload.sub, tenantId: payload.tid, role, scope: "till" };
  } catch {
    return null;
  }
}
