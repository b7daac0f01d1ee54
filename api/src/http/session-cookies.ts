// The admin view's session cookies. The refresh token is httpOnly (scripts never see it),
// SameSite=Strict and sent only to /api/v1/auth, so no other request carries it. The CSRF token
// is its readable companion: derived from the session (HMAC with the server's secret), sent back
// by the admin view in X-CSRF-Token on the calls the cookie authenticates (refresh, sign-out,
// sign-out everywhere).
// A page on another site can make the browser send the cookie, but cannot read the CSRF cookie
// to copy it into the header.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const REFRESH_COOKIE = "maxl_refresh";
export const CSRF_COOKIE = "maxl_csrf";
export const CSRF_HEADER = "x-csrf-token";
const REFRESH_PATH = "/api/v1/auth";

export interface CookieSettings {
  jwtSecret: string;
  secure: boolean;
}

export function csrfTokenFor(jwtSecret: string, tenantId: string, sessionId: string): string {
  return createHmac("sha256", jwtSecret).update(`csrf:${tenantId}:${sessionId}`).digest("base64url");
}

export function readRefreshCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE);
}

export function setSessionCookies(
  c: Context,
  settings: CookieSettings,
  session: { token: string; tenantId: string; sessionId: string; expiresAt: Date },
): string {
  const csrf = csrfTokenFor(settings.jwtSecret, session.tenantId, session.sessionId);
  const common = { secure: settings.secure, sameSite: "Strict" as const, expires: session.expiresAt };
  setCookie(c, REFRESH_COOKIE, session.token, { ...common, httpOnly: true, path: REFRESH_PATH });
  setCookie(c, CSRF_COOKIE, csrf, { ...common, httpOnly: false, path: "/" });
  return csrf;
}

export function clearSessionCookies(c: Context, settings: CookieSettings): void {
  deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_PATH, secure: settings.secure, sameSite: "Strict" });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure: settings.secure, sameSite: "Strict" });
}

/** Whether the request's X-CSRF-Token belongs to the session its cookie names. */
export function csrfMatches(c: Context, jwtSecret: string, session: { tenantId: string; sessionId: string }): boolean {
  const sent = c.req.header(CSRF_HEADER) ?? "";
  const expected = csrfTokenFor(jwtSecret, session.tenantId, session.sessionId);
  return sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}
