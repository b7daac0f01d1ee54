// Access tokens follow changes to their member at once: a demoted, deactivated, re-scoped,
// reset or re-passworded member's token is refused on its next call (401 with a messageKey), a refresh
// gives a token for what they may do now, and a member nobody touched keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineDeps } from "../../src/core/context.ts";
import { createStaffTelegramInvite, redeemStaffTelegramInvite } from "../../src/core/staff/telegram-invites.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, type World } from "./world.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
});
afterAll(() => test.close());

interface Session {
  refresh: string;
  csrf: string;
  accessToken: string;
  body: { staff: { role: string }; permissions: string[]; restaurantIds: string[] | null };
}

function refreshCookieOf(response: Response): string {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith("maxl_refresh="));
  return line?.slice("maxl_refresh=".length).split(";")[0] ?? "";
}

async function sessionOf(response: Response): Promise<Session> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as Session["body"] & { accessToken: string; csrfToken: string };
  return { refresh: refreshCookieOf(response), csrf: body.csrfToken, accessToken: body.accessToken, body };
}

const signIn = async (world: World, role: "admin" | "manager" | "cashier") =>
  sessionOf(
    await test.app.request(
      "/api/v1/auth/login",
      json({ email: world.staff[role].email, password: world.staff[role].password }),
    ),
  );

const refresh = (session: Session) =>
  test.app.request("/api/v1/auth/refresh", {
    method: "POST",
    headers: { Cookie: `maxl_refresh=${session.refresh}`, "X-CSRF-Token": session.csrf },
  });

const get = (path: string, token: string) => test.app.request(path, { headers: { Authorization: `Bearer ${token}` } });

async function changeStaff(world: World, staffId: string, patch: Record<string, unknown>) {
  const response = await test.app.request(`/api/v1/staff/${staffId}`, {
    ...json(patch, { Authorization: `Bearer ${await world.tokenFor("owner")}` }),
    method: "PATCH",
  });
  expect(response.status).toBe(200);
}

async function refusedWith(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
  return ((await response.json()) as { messageKey: string }).messageKey;
}

describe("an access token after its member changes", () => {
  it("keeps working while nothing about the member's access changed", async () => {
    const world = await buildWorld(test);
    const session = await signIn(world, "manager");
    // Changes that do not touch what the manager may do: their name, and a colleague's role.
    await changeStaff(world, world.staff.manager.id, { name: "Renamed manager" });
    await changeStaff(world, world.staff.cashier.id, { role: "manager" });
    const me = await get("/api/v1/auth/me", session.accessToken);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { staff: { name: string } }).staff.name).toBe("Renamed manager");
    expect((await get("/api/v1/staff", session.accessToken)).status).toBe(200);
  });

  it("is refused once the role is lowered; a refresh gives the new role, and the old role's route is 403", async () => {
    const world = await buildWorld(test);
    const admin = await signIn(world, "admin");
    expect(admin.body.staff.role).toBe("admin");
    expect((await get("/api/v1/audit", admin.accessToken)).status).toBe(200);

    await changeStaff(world, world.staff.admin.id, { role: "manager" });

    expect(await refusedWith(await get("/api/v1/audit", admin.accessToken))).toBe("session-access-changed");
    const renewed = await sessionOf(await refresh(admin));
    expect(renewed.body.staff.role).toBe("manager");
    expect(renewed.body.permissions).not.toContain("audit.read");
    expect(renewed.body.permissions).toContain("staff.read");
    expect((await get("/api/v1/audit", renewed.accessToken)).status).toBe(403);
    expect((await get("/api/v1/staff", renewed.accessToken)).status).toBe(200);
  });

  it("is refused at once when the member is deactivated, and so is the refresh, with the reason", async () => {
    const world = await buildWorld(test);
    const cashier = await signIn(world, "cashier");
    expect((await get("/api/v1/restaurants", cashier.accessToken)).status).toBe(200);

    await changeStaff(world, world.staff.cashier.id, { isActive: false });

    expect(await refusedWith(await get("/api/v1/restaurants", cashier.accessToken))).toBe("account-deactivated");
    expect(await refusedWith(await refresh(cashier))).toBe("account-deactivated");
  });

  it("is refused when the member's restaurants change; the renewed token sees only the new ones", async () => {
    const world = await buildWorld(test);
    const second = await test.db.withTenant(world.tenantId, (tx) =>
      tx.restaurant.create({ data: { tenantId: world.tenantId, name: "Terrace" } }),
    );
    const manager = await signIn(world, "manager");
    expect(manager.body.restaurantIds).toBeNull();

    await changeStaff(world, world.staff.manager.id, { restaurantIds: [second.id] });

    expect(await refusedWith(await get("/api/v1/restaurants", manager.accessToken))).toBe("session-access-changed");
    const renewed = await sessionOf(await refresh(manager));
    expect(renewed.body.restaurantIds).toEqual([second.id]);
    const list = await get("/api/v1/restaurants", renewed.accessToken);
    expect(((await list.json()) as { restaurants: { id: string }[] }).restaurants.map((r) => r.id)).toEqual([
      second.id,
    ]);
  });

  it("is refused once an owner issues a password reset, and again once it is used; each refresh says why", async () => {
    const world = await buildWorld(test);
    const cashier = await signIn(world, "cashier");
    const issued = await test.app.request(`/api/v1/staff/${world.staff.cashier.id}/password-link`, {
      ...json({}, { Authorization: `Bearer ${await world.tokenFor("owner")}` }),
    });
    expect(issued.status).toBe(201);
    expect(await refusedWith(await get("/api/v1/restaurants", cashier.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await refresh(cashier))).toBe("session-password-reset");

    // Until the link is used the old password works; using it ends the session opened with it.
    const meanwhile = await signIn(world, "cashier");
    const { url } = (await issued.json()) as { url: string };
    const token = decodeURIComponent(url.slice(url.indexOf("#/link/") + "#/link/".length));
    const accepted = await test.app.request(
      "/api/v1/auth/links/accept",
      json({ token, password: "a-brand-new-password" }),
    );
    expect(accepted.status).toBe(200);

    expect(await refusedWith(await get("/api/v1/restaurants", meanwhile.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await refresh(meanwhile))).toBe("session-password-changed");
    const fresh = await sessionOf(accepted);
    expect((await get("/api/v1/restaurants", fresh.accessToken)).status).toBe(200);
  });

  it("holds for till tokens from Telegram too", async () => {
    const world = await buildWorld(test);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
        data: { telegramUserId: 4_470_001n },
      }),
    );
    const launch = {
      Authorization: `tma ${world.initData({ id: 4_470_001, first_name: "Till" })}`,
      "X-Tenant": world.slug,
    };
    const signedIn = await test.app.request("/api/v1/auth/telegram", { method: "POST", headers: launch });
    expect(signedIn.status).toBe(200);
    const till = String(((await signedIn.json()) as { accessToken: string }).accessToken);
    const identify = (token: string) =>
      test.app.request("/api/v1/till/identify", json({ code: "000000" }, { Authorization: `Bearer ${token}` }));
    expect((await identify(till)).status).not.toBe(401);

    await changeStaff(world, world.staff.cashier.id, { restaurantIds: [world.restaurantId] });
    expect(await refusedWith(await identify(till))).toBe("session-access-changed");

    await changeStaff(world, world.staff.cashier.id, { isActive: false });
    expect(await refusedWith(await identify(till))).toBe("account-deactivated");
    expect((await test.app.request("/api/v1/auth/telegram", { method: "POST", headers: launch })).status).toBe(403);
  });

  it("ends the old Telegram account's till tokens when another account is linked, not on a repeat link", async () => {
    const world = await buildWorld(test);
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    const link = async (telegramUserId: number) => {
      const invite = await createStaffTelegramInvite(engine, {
        tenantId: world.tenantId,
        actor: { source: "admin", staffId: world.staff.owner.id, role: "owner" },
        staffId: world.staff.cashier.id,
      });
      await redeemStaffTelegramInvite(engine, world.tenantId, invite.token, telegramUserId);
    };
    const tillTokenOf = async (telegramUserId: number) => {
      const headers = {
        Authorization: `tma ${world.initData({ id: telegramUserId, first_name: "Till" })}`,
        "X-Tenant": world.slug,
      };
      const response = await test.app.request("/api/v1/auth/telegram", { method: "POST", headers });
      expect(response.status).toBe(200);
      return ((await response.json()) as { accessToken: string }).accessToken;
    };
    // A till token opens the till only: asking it for a guest code nobody has is a 404 if it still works.
    const identify = (token: string) =>
      test.app.request("/api/v1/till/identify", json({ code: "000000" }, { Authorization: `Bearer ${token}` }));

    await link(4_470_101);
    const first = await tillTokenOf(4_470_101);
    await link(4_470_101);
    expect((await identify(first)).status).toBe(404);
    await link(4_470_102);
    expect(await refusedWith(await identify(first))).toBe("session-access-changed");
    expect((await identify(await tillTokenOf(4_470_102))).status).toBe(404);
  });

  it("is refused without a generation, as a token minted before the check existed", async () => {
    const world = await buildWorld(test);
    const { sign } = await import("hono/jwt");
    const iat = Math.floor(Date.now() / 1000);
    const legacy = await sign(
      { sub: world.staff.owner.id, tid: world.tenantId, role: "owner", iat, exp: iat + 900 },
      test.config.auth.jwtSecret,
      "HS256",
    );
    expect(await refusedWith(await get("/api/v1/auth/me", legacy))).toBe("session-expired");
  });
});
