// The staff page: invitations by link, password links, role and restaurant changes,
// deactivation, and the limits on who may do what to whom.
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueStaffToken } from "../../src/auth/staff-token.ts";
import { createEngineDeps } from "../../src/core/context.ts";
import { updateStaff } from "../../src/core/staff/manage-staff.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { putOnPlan } from "./plans.ts";
import { buildWorld, json, type World } from "./world.ts";

let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp({ env: { ADMIN_URL: "https://admin.example.test/admin/" } });
  world = await buildWorld(test);
  // Plan limits are proven in plan-limits.test.ts; here the business has room for everyone.
  await putOnPlan(test, world.tenantId, "chain");
});
afterAll(() => test.close());

const as = async (role: "owner" | "admin" | "manager" | "cashier", w: World = world) => ({
  Authorization: `Bearer ${await w.tokenFor(role)}`,
});
const patch = async (staffId: string, body: object, role: "owner" | "admin" | "manager" = "owner") =>
  test.app.request(`/api/v1/staff/${staffId}`, {
    method: "PATCH",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...(await as(role)) },
  });
const tokenOf = (url: string) => url.split("#/link/")[1] ?? "";

async function invite(body: object, role: "owner" | "admin" | "manager" = "owner") {
  return test.app.request("/api/v1/staff", json(body, await as(role)));
}

describe("inviting staff", () => {
  it("creates the member and a one-time link to the admin view where they set a password and are signed in", async () => {
    const email = `new-cashier-${uuidv7()}@http.test`;
    const response = await invite({ email, name: "Ира", role: "cashier", restaurantIds: [world.restaurantId] });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { staff: { id: string; hasPassword: boolean }; invite: { url: string } };
    expect(body.staff.hasPassword).toBe(false);
    expect(body.invite.url).toMatch(/^https:\/\/admin\.example\.test\/admin\/#\/link\//);
    const token = tokenOf(body.invite.url);

    const inspected = await test.app.request("/api/v1/auth/links/inspect", json({ token }));
    expect(await inspected.json()).toMatchObject({ purpose: "invite", email, role: "cashier" });

    // an invited member cannot sign in before setting a password
    expect((await test.app.request("/api/v1/auth/login", json({ email, password: "anything-at-all" }))).status).toBe(
      401,
    );
    const short = await test.app.request("/api/v1/auth/links/accept", json({ token, password: "short" }));
    expect(short.status).toBe(422);

    const accepted = await test.app.request(
      "/api/v1/auth/links/accept",
      json({ token, password: "a-long-enough-password", name: "Ирина" }),
    );
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ staff: { name: "Ирина", role: "cashier" } });
    expect(accepted.headers.getSetCookie().some((c) => c.startsWith("maxl_refresh="))).toBe(true);

    const again = await test.app.request("/api/v1/auth/links/accept", json({ token, password: "another-password-1" }));
    expect(again.status).toBe(404);
    const signIn = await test.app.request("/api/v1/auth/login", json({ email, password: "a-long-enough-password" }));
    expect(signIn.status).toBe(200);
  });

  it("refuses an e-mail already on the staff, and restaurants for an admin", async () => {
    expect((await invite({ email: world.staff.cashier.email, name: "Twin", role: "cashier" })).status).toBe(409);
    const admin = await invite({
      email: `admin-${uuidv7()}@http.test`,
      name: "A",
      role: "admin",
      restaurantIds: [world.restaurantId],
    });
    expect(admin.status).toBe(422);
    const unknown = await invite({
      email: `c-${uuidv7()}@http.test`,
      name: "C",
      role: "cashier",
      restaurantIds: [uuidv7()],
    });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ errors: [{ path: "restaurantIds" }] });
  });

  it("lets an admin invite managers and cashiers but not admins or owners; a manager none", async () => {
    expect((await invite({ email: `m-${uuidv7()}@http.test`, name: "M", role: "manager" }, "admin")).status).toBe(201);
    expect((await invite({ email: `a-${uuidv7()}@http.test`, name: "A", role: "admin" }, "admin")).status).toBe(403);
    expect((await invite({ email: `o-${uuidv7()}@http.test`, name: "O", role: "owner" }, "admin")).status).toBe(403);
    expect((await invite({ email: `c-${uuidv7()}@http.test`, name: "C", role: "cashier" }, "manager")).status).toBe(
      403,
    );
  });
});

describe("password links", () => {
  it("reset a password: the old one keeps working until the link is used, then every session closes", async () => {
    const other = await buildWorld(test);
    const { id, email, password } = other.staff.manager;
    const login = await test.app.request("/api/v1/auth/login", json({ email, password }));
    const refreshCookie = login.headers.getSetCookie().find((c) => c.startsWith("maxl_refresh=")) ?? "";
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;

    const issued = await test.app.request(`/api/v1/staff/${id}/password-link`, {
      method: "POST",
      headers: await as("owner", other),
    });
    expect(issued.status).toBe(201);
    const link = (await issued.json()) as { url: string; purpose: string };
    expect(link.purpose).toBe("reset");
    expect((await test.app.request("/api/v1/auth/login", json({ email, password }))).status).toBe(200);

    const accepted = await test.app.request(
      "/api/v1/auth/links/accept",
      json({ token: tokenOf(link.url), password: "brand-new-password-42" }),
    );
    expect(accepted.status).toBe(200);
    expect((await test.app.request("/api/v1/auth/login", json({ email, password }))).status).toBe(401);
    const oldSession = await test.app.request("/api/v1/auth/refresh", {
      method: "POST",
      headers: { Cookie: refreshCookie.split(";")[0] ?? "", "X-CSRF-Token": csrf },
    });
    expect(oldSession.status).toBe(401);
  });

  it("retire the member's older unused links", async () => {
    const first = await test.app.request(`/api/v1/staff/${world.staff.cashier.id}/password-link`, {
      method: "POST",
      headers: await as("owner"),
    });
    const second = await test.app.request(`/api/v1/staff/${world.staff.cashier.id}/password-link`, {
      method: "POST",
      headers: await as("owner"),
    });
    const [a, b] = [(await first.json()) as { url: string }, (await second.json()) as { url: string }];
    expect((await test.app.request("/api/v1/auth/links/inspect", json({ token: tokenOf(a.url) }))).status).toBe(404);
    expect((await test.app.request("/api/v1/auth/links/inspect", json({ token: tokenOf(b.url) }))).status).toBe(200);
  });

  it("are refused for a garbled or another tenant's token", async () => {
    expect((await test.app.request("/api/v1/auth/links/inspect", json({ token: "nope" }))).status).toBe(404);
    const forged = `${world.tenantId}.${uuidv7()}.${"x".repeat(43)}`;
    expect((await test.app.request("/api/v1/auth/links/inspect", json({ token: forged }))).status).toBe(404);
  });
});

describe("changing staff", () => {
  it("moves a cashier to a restaurant, promotes them, and records both in the audit log", async () => {
    const other = await buildWorld(test);
    const response = await test.app.request(`/api/v1/staff/${other.staff.cashier.id}`, {
      method: "PATCH",
      body: JSON.stringify({ restaurantIds: [other.restaurantId], role: "manager" }),
      headers: { "Content-Type": "application/json", ...(await as("owner", other)) },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ role: "manager", restaurantIds: [other.restaurantId] });
    const audit = await test.db.withTenant(other.tenantId, (tx) =>
      tx.auditLogEntry.findFirst({ where: { tenantId: other.tenantId, action: "staff.updated" } }),
    );
    expect(audit?.changes).toMatchObject({ role: { from: "cashier", to: "manager" } });
  });

  it("deactivating closes the member's sessions and sign-in", async () => {
    const other = await buildWorld(test);
    const { id, email, password } = other.staff.cashier;
    const login = await test.app.request("/api/v1/auth/login", json({ email, password }));
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith("maxl_refresh=")) ?? "").split(";")[0] ?? "";
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const off = await test.app.request(`/api/v1/staff/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ isActive: false }),
      headers: { "Content-Type": "application/json", ...(await as("admin", other)) },
    });
    expect(off.status).toBe(200);
    const refreshed = await test.app.request("/api/v1/auth/refresh", {
      method: "POST",
      headers: { Cookie: cookie, "X-CSRF-Token": csrf },
    });
    expect(refreshed.status).toBe(401);
    expect((await test.app.request("/api/v1/auth/login", json({ email, password }))).status).toBe(401);
  });

  it("keeps the last owner an owner, and nobody changes their own role or switches themselves off", async () => {
    const self = await patch(world.staff.owner.id, { isActive: false });
    expect(self.status).toBe(403);
    expect((await patch(world.staff.owner.id, { role: "admin" })).status).toBe(403);
    // a second owner may not demote the only other one below the last
    const other = await buildWorld(test);
    const second = await test.app.request(`/api/v1/staff/${other.staff.admin.id}`, {
      method: "PATCH",
      body: JSON.stringify({ role: "owner" }),
      headers: { "Content-Type": "application/json", ...(await as("owner", other)) },
    });
    expect(second.status).toBe(200);
    const demoteFirst = await test.app.request(`/api/v1/staff/${other.staff.owner.id}`, {
      method: "PATCH",
      body: JSON.stringify({ role: "admin" }),
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await issueAs(other, other.staff.admin.id, "owner")}`,
      },
    });
    expect(demoteFirst.status).toBe(200);
    // the demoted member's owner token ends with the demotion (staff-access.test.ts) ...
    const staleOwner = await issueStaffToken(
      { staffId: other.staff.owner.id, tenantId: other.tenantId, role: "owner", generation: 0 },
      test.config.auth.jwtSecret,
      new Date(),
    );
    const demoteLast = await test.app.request(`/api/v1/staff/${other.staff.admin.id}`, {
      method: "PATCH",
      body: JSON.stringify({ role: "admin" }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${staleOwner}` },
    });
    expect(demoteLast.status).toBe(401);
    expect(await demoteLast.json()).toMatchObject({ messageKey: "session-access-changed" });
    // ... and the verb itself still refuses to demote the last active owner, whoever asks
    const engine = createEngineDeps({ db: test.db, redis: test.redis });
    await expect(
      updateStaff(engine, {
        tenantId: other.tenantId,
        actor: { source: "admin", staffId: other.staff.owner.id, role: "owner" },
        staffId: other.staff.admin.id,
        patch: { role: "admin" },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", key: "last-owner" });
  });

  it("an admin cannot change an admin or an owner; a manager cannot change anyone", async () => {
    expect((await patch(world.staff.owner.id, { name: "X" }, "admin")).status).toBe(403);
    expect((await patch(world.staff.cashier.id, { name: "X" }, "manager")).status).toBe(403);
  });

  it("never reaches another tenant's staff", async () => {
    const other = await buildWorld(test);
    expect((await patch(other.staff.cashier.id, { name: "Mallory" })).status).toBe(404);
    const list = await test.app.request("/api/v1/staff", { headers: await as("manager") });
    const items = ((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(items).toContain(world.staff.cashier.id);
    expect(items).not.toContain(other.staff.cashier.id);
  });

  it("refuses the staff list to a cashier", async () => {
    expect((await test.app.request("/api/v1/staff", { headers: await as("cashier") })).status).toBe(403);
  });
});

async function issueAs(w: World, staffId: string, role: "owner" | "admin") {
  const generation = await w.generationOf(staffId);
  return issueStaffToken({ staffId, tenantId: w.tenantId, role, generation }, test.config.auth.jwtSecret, new Date());
}
