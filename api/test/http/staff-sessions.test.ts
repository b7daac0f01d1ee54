// Admin-view sessions: the refresh cookie, its rotation and reuse detection, CSRF, sign-out,
// access-token expiry and the lockout after wrong passwords.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, type World } from "./world.ts";

let now = new Date();
let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp({ env: { LOGIN_LOCK_AFTER: "3" }, clock: () => now });
  world = await buildWorld(test);
});
afterAll(() => test.close());

interface Session {
  refresh: string;
  csrf: string;
  accessToken: string;
}

function cookiesOf(response: Response): Record<string, { value: string; attributes: string }> {
  const cookies: Record<string, { value: string; attributes: string }> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";");
    const at = pair.indexOf("=");
    cookies[pair.slice(0, at).trim()] = { value: pair.slice(at + 1), attributes: attributes.join(";").trim() };
  }
  return cookies;
}

async function signIn(role: "owner" | "manager" | "cashier" = "manager"): Promise<Session> {
  const response = await test.app.request(
    "/api/v1/auth/login",
    json({ email: world.staff[role].email, password: world.staff[role].password }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { accessToken: string; csrfToken: string };
  const cookies = cookiesOf(response);
  return { refresh: cookies.maxl_refresh?.value ?? "", csrf: body.csrfToken, accessToken: body.accessToken };
}

const refresh = (session: { refresh: string; csrf?: string }) =>
  test.app.request("/api/v1/auth/refresh", {
    method: "POST",
    headers: {
      Cookie: `maxl_refresh=${session.refresh}`,
      ...(session.csrf === undefined ? {} : { "X-CSRF-Token": session.csrf }),
    },
  });

async function rotated(session: Session): Promise<Session> {
  const response = await refresh(session);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { accessToken: string; csrfToken: string };
  return {
    refresh: cookiesOf(response).maxl_refresh?.value ?? "",
    csrf: body.csrfToken,
    accessToken: body.accessToken,
  };
}

const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

describe("signing in to the admin view", () => {
  it("sets an httpOnly, SameSite=Strict refresh cookie limited to /api/v1/auth and a readable CSRF cookie", async () => {
    const response = await test.app.request(
      "/api/v1/auth/login",
      json({ email: world.staff.admin.email, password: world.staff.admin.password }),
    );
    const body = (await response.json()) as { csrfToken: string; permissions: string[]; restaurantIds: null };
    const cookies = cookiesOf(response);
    expect(cookies.maxl_refresh?.attributes).toMatch(/HttpOnly/);
    expect(cookies.maxl_refresh?.attributes).toMatch(/SameSite=Strict/);
    expect(cookies.maxl_refresh?.attributes).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookies.maxl_csrf?.attributes).not.toMatch(/HttpOnly/);
    expect(cookies.maxl_csrf?.value).toBe(body.csrfToken);
    expect(body.permissions).toContain("staff.manage");
    expect(body.permissions).not.toContain("__nothing__");
    expect(body.restaurantIds).toBeNull();
  });

  it("tells the admin view what the role may do and which restaurants it works for", async () => {
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffRestaurant.create({
        data: { tenantId: world.tenantId, staffId: world.staff.cashier.id, restaurantId: world.restaurantId },
      }),
    );
    const session = await signIn("cashier");
    const me = await test.app.request("/api/v1/auth/me", {
      headers: { Authorization: `Bearer ${session.accessToken}` },
    });
    const body = (await me.json()) as { permissions: string[]; restaurantIds: string[]; staff: { role: string } };
    expect(body.staff.role).toBe("cashier");
    expect(body.restaurantIds).toEqual([world.restaurantId]);
    expect(body.permissions).toContain("points.accrue");
    expect(body.permissions).not.toContain("points.adjust");
  });
});

describe("refreshing", () => {
  it("gives a new access token and a new refresh token; the new one works", async () => {
    const first = await signIn();
    const second = await rotated(first);
    expect(second.refresh).not.toBe(first.refresh);
    expect(second.csrf).toBe(first.csrf); // bound to the session, which lives on
    const third = await rotated(second);
    const me = await test.app.request("/api/v1/auth/me", { headers: { Authorization: `Bearer ${third.accessToken}` } });
    expect(me.status).toBe(200);
  });

  it("refuses without the CSRF header, or with another session's", async () => {
    const session = await signIn();
    const other = await signIn();
    const missing = await refresh({ refresh: session.refresh });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ messageKey: "csrf" });
    expect((await refresh({ refresh: session.refresh, csrf: other.csrf })).status).toBe(403);
    // and the session was not touched: the right header still works
    expect((await refresh(session)).status).toBe(200);
  });

  it("closes the whole session when a replaced refresh token comes back (reuse detection)", async () => {
    const stolen = await signIn();
    const current = await rotated(stolen);
    later(60_000);
    const reuse = await refresh(stolen);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ messageKey: "session-reused" });
    // the legitimate holder is signed out too: either could be the thief
    const after = await refresh(current);
    expect(after.status).toBe(401);
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action: "auth.session_reuse_detected" } }),
    );
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it("answers 409, not reuse, to two tabs refreshing with the same token at once", async () => {
    const session = await signIn();
    await rotated(session);
    const raced = await refresh(session);
    expect(raced.status).toBe(409);
    expect(await raced.json()).toMatchObject({ messageKey: "session-raced" });
  });

  it("ends when the session has not been used for REFRESH_TOKEN_DAYS", async () => {
    const session = await signIn();
    later(15 * 86_400_000);
    const response = await refresh(session);
    expect(response.status).toBe(401);
    expect(cookiesOf(response).maxl_refresh?.attributes).toMatch(/Max-Age=0/);
  });

  it("refuses a garbled cookie and a missing one", async () => {
    expect((await refresh({ refresh: "not-a-token", csrf: "x" })).status).toBe(401);
    const none = await test.app.request("/api/v1/auth/refresh", { method: "POST" });
    expect(none.status).toBe(401);
  });
});

describe("signing out", () => {
  it("revokes the session: its refresh token no longer works", async () => {
    const session = await signIn();
    const out = await test.app.request("/api/v1/auth/logout", {
      method: "POST",
      headers: { Cookie: `maxl_refresh=${session.refresh}`, "X-CSRF-Token": session.csrf },
    });
    expect(out.status).toBe(204);
    expect(cookiesOf(out).maxl_refresh?.attributes).toMatch(/Max-Age=0/);
    expect((await refresh(session)).status).toBe(401);
  });

  it("needs the CSRF header, so another site cannot sign the staff member out", async () => {
    const session = await signIn();
    const out = await test.app.request("/api/v1/auth/logout", {
      method: "POST",
      headers: { Cookie: `maxl_refresh=${session.refresh}` },
    });
    expect(out.status).toBe(403);
    expect((await refresh(session)).status).toBe(200);
  });
});

describe("access tokens", () => {
  it("expire after 15 minutes", async () => {
    const stale = await issueStaffToken(
      { staffId: world.staff.owner.id, tenantId: world.tenantId, role: "owner", generation: 0 },
      test.config.auth.jwtSecret,
      new Date(Date.now() - 16 * 60_000),
    );
    const response = await test.app.request("/api/v1/auth/me", { headers: { Authorization: `Bearer ${stale}` } });
    expect(response.status).toBe(401);
  });
});

describe("wrong passwords", () => {
  it("lock the e-mail after LOGIN_LOCK_AFTER misses, even for the right password, with Retry-After", async () => {
    const other = await buildWorld(test);
    const { email, password } = other.staff.owner;
    for (let miss = 0; miss < 3; miss += 1) {
      const wrong = await test.app.request("/api/v1/auth/login", json({ email, password: `wrong-${miss}` }));
      expect(wrong.status).toBe(401);
    }
    const locked = await test.app.request("/api/v1/auth/login", json({ email, password }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(50);
    expect(Number(locked.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect(await locked.json()).toMatchObject({ messageKey: "login-locked" });
  });

  it("lock longer with each further miss", async () => {
    const other = await buildWorld(test);
    const { email } = other.staff.admin;
    const redisKey = `${test.redisPrefix}:login:lock:${email}`;
    for (let miss = 0; miss < 3; miss += 1) {
      await test.app.request("/api/v1/auth/login", json({ email, password: "wrong" }));
    }
    const first = await test.redis.pttl(redisKey);
    // the lock has to lapse before another guess counts: clear it as if a minute had passed
    await test.redis.del(redisKey);
    await test.app.request("/api/v1/auth/login", json({ email, password: "wrong" }));
    const second = await test.redis.pttl(redisKey);
    expect(first).toBeGreaterThan(55_000);
    expect(second).toBeGreaterThan(115_000);
  });

  it("count against an e-mail nobody has, exactly like a real one", async () => {
    const email = `nobody-${Date.now()}@nowhere.test`;
    for (let miss = 0; miss < 3; miss += 1) {
      await test.app.request("/api/v1/auth/login", json({ email, password: "x" }));
    }
    expect((await test.app.request("/api/v1/auth/login", json({ email, password: "x" }))).status).toBe(429);
  });

  it("are forgotten after a right password", async () => {
    const other = await buildWorld(test);
    const { email, password } = other.staff.manager;
    for (let round = 0; round < 3; round += 1) {
      await test.app.request("/api/v1/auth/login", json({ email, password: "wrong" }));
      await test.app.request("/api/v1/auth/login", json({ email, password: "wrong" }));
      expect((await test.app.request("/api/v1/auth/login", json({ email, password }))).status).toBe(200);
    }
  });
});
