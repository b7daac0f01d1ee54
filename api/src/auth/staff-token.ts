// Access tokens for staff: short-lived (15 minutes) HS256 JWTs naming the staff member, their
// tenant, role and access generation (`gen`). The generation is the member's at minting time;
// every request compares it with the current one (core/auth/staff-access.ts), so a change of
// role, restaurants, activation or password ends older tokens at once instead of 15 minutes later.
// A token minted from Telegram launch data carries `scope: "till"` and opens the till only
// (see tillPermissions); a token without a scope is a full one.
import { sign, verify } from "hono/jwt";
import type { StaffRole } from "../core/context.ts";

export const ACCESS_TOKEN_SECONDS = 15 * 60;

export interface StaffClaims {
  staffId: string;
  tenantId: string;
  role: StaffRole;
  /** staff_users.access_generation when the token was minted */
  generation: number;
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
      gen: claims.generation,
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
    // A token without a generation predates the check and cannot be compared: renew it.
    const generation = payload.gen;
    if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0) return null;
    const claims = { staffId: payload.sub, tenantId: payload.tid, role, generation };
    if (payload.scope === undefined) return claims;
    // A scope this code does not know could only narrow the token; refusing it is the safe reading.
    if (payload.scope !== "till") return null;
    return { ...claims, scope: "till" };
  } catch {
    return null;
  }
}
