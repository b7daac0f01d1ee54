// Ending all of a member's sessions at once: an owner's password reset does it (the account may
// be in the wrong hands), so does "end all sessions" on the staff page, and so does a member's
// own "sign out everywhere". Afterwards every access token they held is refused (admin view and
// till alike), every refresh cookie is refused with the reason, and the audit log says who did it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
}

function cookieOf(response: Response, name: string): string | undefined {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return line?.slice(name.length + 1);
}

async function signIn(world: World, role: "owner" | "admin" | "manager" | "cashier"): Promise<Session> {
  const response = await test.app.request(
    "/api/v1/auth/login",
    json({ email: world.staff[role].email, password: world.staff[role].password }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { accessToken: string; csrfToken: string };
  const refresh = cookieOf(response, "maxl_refresh")?.split(";")[0] ?? "";
  return { refresh, csrf: body.csrfToken, accessToken: body.accessToken };
}

const withCookie = (session: Session, csrf: string | null = session.csrf) => ({
  Cookie: `maxl_refresh=${session.refresh}`,
  ...(csrf === null ? {} : { "X-CSRF-Token": csrf }),
});

const refresh = (session: Session) =>
  test.app.request("/api/v1/auth/refresh", { method: "POST", headers: withCookie(session) });

const signOutEverywhere = (session: Session, csrf: string | null = session.csrf) =>
  test.app.request("/api/v1/auth/sessions/revoke-all", { method: "POST", headers: withCookie(session, csrf) });

const me = (token: string) => test.app.request("/api/v1/auth/me", { headers: { Authorization: `Bearer ${token}` } });

async function refusedWith(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  return ((await response.json()) as { messageKey: string }).messageKey;
}

async function asStaff(world: World, role: "owner" | "admin" | "manager", path: string): Promise<Response> {
  return test.app.request(path, { method: "POST", headers: { Authorization: `Bearer ${await world.tokenFor(role)}` } });
}

/** The cashier's till token from Telegram, and a call that a working till token answers with 404. */
async function tillOf(world: World, telegramUserId: number) {
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
      data: { telegramUserId: BigInt(telegramUserId) },
    }),
  );
  const signedIn = await test.app.request("/api/v1/auth/telegram", {
    method: "POST",
    headers: { Authorization: `tma ${world.initData({ id: telegramUserId })}`, "X-Tenant": world.slug },
  });
  expect(signedIn.status).toBe(200);
  const token = ((await signedIn.json()) as { accessToken: string }).accessToken;
  return () =>
    test.app.request("/api/v1/till/identify", json({ code: "000000" }, { Authorization: `Bearer ${token}` }));
}

async function auditRows(world: World, action: string) {
  const rows = await test.db.withTenant(world.tenantId, (tx) =>
    tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action }, orderBy: { id: "asc" } }),
  );
  return rows.map((row) => ({ actor: row.actorStaffId, entity: row.entityId, changes: row.changes }));
}

describe("an owner's password reset", () => {
  it("ends the member's sessions and tokens at once; the old password still works until the link is used", async () => {
    const world = await buildWorld(test);
    const cashier = await signIn(world, "cashier");
    const identify = await tillOf(world, 4_500_001);
    expect((await me(cashier.accessToken)).status).toBe(200);

    const issued = await asStaff(world, "owner", `/api/v1/staff/${world.staff.cashier.id}/password-link`);
    expect(issued.status).toBe(201);

    expect(await refusedWith(await me(cashier.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await identify())).toBe("session-access-changed");
    expect(await refusedWith(await refresh(cashier))).toBe("session-password-reset");
    expect(await auditRows(world, "staff.reset_link_issued")).toEqual([
      {
        actor: world.staff.owner.id,
        entity: world.staff.cashier.id,
        changes: { expiresAt: expect.any(String), sessionsEnded: 1, signedOutEverywhere: true },
      },
    ]);
    // Nobody is locked out for good: a lost link does not stop the member signing in.
    const again = await signIn(world, "cashier");
    expect((await me(again.accessToken)).status).toBe(200);
  });

  it("leaves a member who has no password yet alone: a new invitation ends nothing", async () => {
    const world = await buildWorld(test);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
        data: { passwordHash: null },
      }),
    );
    const identify = await tillOf(world, 4_500_002);
    const issued = await asStaff(world, "owner", `/api/v1/staff/${world.staff.cashier.id}/password-link`);
    expect(issued.status).toBe(201);
    expect(((await issued.json()) as { purpose: string }).purpose).toBe("invite");
    expect((await identify()).status).toBe(404);
    expect(await auditRows(world, "staff.invite_link_issued")).toHaveLength(1);
  });
});

describe("ending a member's sessions from the staff page", () => {
  it("refuses every token and session the member holds, says why, and records who did it", async () => {
    const world = await buildWorld(test);
    const first = await signIn(world, "cashier");
    const second = await signIn(world, "cashier");
    const identify = await tillOf(world, 4_500_003);
    const admin = await signIn(world, "admin");

    const ended = await asStaff(world, "admin", `/api/v1/staff/${world.staff.cashier.id}/sessions/revoke-all`);
    expect(ended.status).toBe(204);

    expect(await refusedWith(await me(first.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await identify())).toBe("session-access-changed");
    expect(await refusedWith(await refresh(first))).toBe("session-ended-by-admin");
    expect(await refusedWith(await refresh(second))).toBe("session-ended-by-admin");
    expect(await auditRows(world, "staff.sessions_ended")).toEqual([
      { actor: world.staff.admin.id, entity: world.staff.cashier.id, changes: { sessionsEnded: 2 } },
    ]);
    // Nobody else's sessions are touched, the admin's own included.
    expect((await me(admin.accessToken)).status).toBe(200);
    expect((await refresh(admin)).status).toBe(200);
    // The password is unchanged: the member signs in again.
    expect((await me((await signIn(world, "cashier")).accessToken)).status).toBe(200);
  });

  it("keeps to the role limits of staff management, and to the business", async () => {
    const world = await buildWorld(test);
    const other = await buildWorld(test);
    const owner = await signIn(world, "owner");
    const endFor = (role: "admin" | "manager", staffId: string) =>
      asStaff(world, role, `/api/v1/staff/${staffId}/sessions/revoke-all`);

    const adminOnOwner = await endFor("admin", world.staff.owner.id);
    expect(adminOnOwner.status).toBe(403);
    expect(await adminOnOwner.json()).toMatchObject({ messageKey: "staff-role-forbidden" });
    expect((await endFor("manager", world.staff.cashier.id)).status).toBe(403);
    expect((await endFor("admin", other.staff.cashier.id)).status).toBe(404);
    expect((await me(owner.accessToken)).status).toBe(200);
    expect(await auditRows(world, "staff.sessions_ended")).toEqual([]);
  });
});

describe("signing out everywhere", () => {
  it("ends every session and token of the member, this one included, and clears this one's cookies", async () => {
    const world = await buildWorld(test);
    const here = await signIn(world, "cashier");
    const elsewhere = await signIn(world, "cashier");
    const identify = await tillOf(world, 4_500_004);
    const colleague = await signIn(world, "manager");

    const out = await signOutEverywhere(here);
    expect(out.status).toBe(204);
    expect(cookieOf(out, "maxl_refresh")).toMatch(/Max-Age=0/);
    expect(cookieOf(out, "maxl_csrf")).toMatch(/Max-Age=0/);

    expect(await refusedWith(await me(here.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await me(elsewhere.accessToken))).toBe("session-access-changed");
    expect(await refusedWith(await identify())).toBe("session-access-changed");
    expect(await refusedWith(await refresh(here))).toBe("session-signed-out-everywhere");
    expect(await refusedWith(await refresh(elsewhere))).toBe("session-signed-out-everywhere");
    expect(await auditRows(world, "auth.signed_out_everywhere")).toEqual([
      {
        actor: world.staff.cashier.id,
        entity: world.staff.cashier.id,
        changes: { sessionId: expect.any(String), sessionsEnded: 2 },
      },
    ]);
    expect((await me(colleague.accessToken)).status).toBe(200);
  });

  it("needs the CSRF header, so another site cannot do it with the cookie", async () => {
    const world = await buildWorld(test);
    const session = await signIn(world, "manager");
    const forged = await signOutEverywhere(session, null);
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ messageKey: "csrf" });
    expect((await me(session.accessToken)).status).toBe(200);
    expect(await auditRows(world, "auth.signed_out_everywhere")).toEqual([]);
  });

  it("needs a current session: no cookie, or one that was replaced or closed, ends nothing", async () => {
    const world = await buildWorld(test);
    const none = await test.app.request("/api/v1/auth/sessions/revoke-all", { method: "POST" });
    expect(await refusedWith(none)).toBe("session-ended");

    const session = await signIn(world, "manager");
    const renewed = await refresh(session);
    expect(renewed.status).toBe(200);
    const replaced = await signOutEverywhere(session);
    expect(await refusedWith(replaced)).toBe("session-ended");

    const closed = await signIn(world, "manager");
    const out = await test.app.request("/api/v1/auth/logout", { method: "POST", headers: withCookie(closed) });
    expect(out.status).toBe(204);
    expect(await refusedWith(await signOutEverywhere(closed))).toBe("session-ended");

    const token = ((await renewed.json()) as { accessToken: string }).accessToken;
    expect((await me(token)).status).toBe(200);
    expect(await auditRows(world, "auth.signed_out_everywhere")).toEqual([]);
  });
});
