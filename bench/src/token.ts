import { sign } from "hono/jwt";

/**
 * A cashier's access token, as POST /api/v1/auth/login would issue it, for the HTTP suite. The
 * bench's cashier is new and never changed, so its access generation is still 0.
 */
export function issueBenchToken(secret: string, claims: { staffId: string; tenantId: string }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { sub: claims.staffId, tid: claims.tenantId, role: "cashier", gen: 0, iat: now, exp: now + 3600 },
    secret,
    "HS256",
  );
}
