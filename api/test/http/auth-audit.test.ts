// Signing in and out leaves audit rows too: who, how, when and from where. A password sign-in,
// a till sign-in from Telegram, a sign-out, a lockout after wrong passwords, a refresh token used
// twice (the session closed everywhere) and a password set through an invitation link each leave
// their row, with the caller's address and browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, type World } from "./world.ts";

let test: TestApp;
beforeAll(async () => {
  test = await createTestApp({ env: { LOGIN_LOCK_AFTER: "3", TRUST_PROXY: "true", RATE_LIMIT_PER_MINUTE: "100000" } });
});
afterAll(() => test.close());

let addressSerial = 0;
/** Headers from an address of the test's own, so each row can be told apart. */
function from(headers: Record<string, string> = {}) {
  addressSerial += 1;
  const ip = `203.0.113.${addressSerial}`;
  return { ip, headers: { ...headers, "X-Forwarded-For": ip, "User-Agent": "auth-audit-test" } };
}

async function rowsFrom(world: World, ip: string) {
  const rows = await test.db.withTenant(world.tenantId, (tx) =>
    tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, ip }, orderBy: { id: "asc" } }),
  );
  return rows.map((row) => ({
    action: row.action,
    kind: row.actorKind,
    actor: row.actorStaffId,
    entity: row.entityId,
    userAgent: row.userAgent,
    changes: row.changes,
  }));
}

function refreshCookieOf(response: Response): string {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith("maxl_refresh="));
  return line?.slice("maxl_refresh=".length).split(";")[0] ?? "";
}

async function signIn(world: World, headers: Record<string, string>) {
  const response = await test.app.request(
    "/api/v1/auth/login",
    json({ email: world.staff.manager.email, password: world.staff.manager.password }, headers),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { csrfToken: string };
  return { refresh: refreshCookieOf(response), csrf: body.csrfToken };
}

describe("audit rows for signing in and out", () => {
  it("records a password sign-in and a sign-out, by the member, with address and browser", async () => {
    const world = await buildWorld(test);
    const signingIn = from();
    const session = await signIn(world, signingIn.headers);
    const signingOut = from({ Cookie: `maxl_refresh=${session.refresh}`, "X-CSRF-Token": session.csrf });
    const out = await test.app.request("/api/v1/auth/logout", { method: "POST", headers: signingOut.headers });
    expect(out.status).toBe(204);

    const manager = world.staff.manager.id;
    expect(await rowsFrom(world, signingIn.ip)).toEqual([
      {
        action: "auth.signed_in",
        kind: "staff",
        actor: manager,
        entity: manager,
        userAgent: "auth-audit-test",
        changes: { method: "password", sessionId: expect.any(String) },
      },
    ]);
    expect(await rowsFrom(world, signingOut.ip)).toEqual([
      {
        action: "auth.signed_out",
        kind: "staff",
        actor: manager,
        entity: manager,
        userAgent: "auth-audit-test",
        changes: { sessionId: expect.any(String) },
      },
    ]);
    // Signing out a session that is already over records nothing more.
    const again = from({ Cookie: `maxl_refresh=${session.refresh}`, "X-CSRF-Token": session.csrf });
    expect((await test.app.request("/api/v1/auth/logout", { method: "POST", headers: again.headers })).status).toBe(
      204,
    );
    expect(await rowsFrom(world, again.ip)).toEqual([]);
  });

  it("records a till sign-in from Telegram", async () => {
    const world = await buildWorld(test);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
        data: { telegramUserId: 4_480_001n },
      }),
    );
    const call = from({
      Authorization: `tma ${world.initData({ id: 4_480_001, first_name: "Till" })}`,
      "X-Tenant": world.slug,
    });
    expect((await test.app.request("/api/v1/auth/telegram", { method: "POST", headers: call.headers })).status).toBe(
      200,
    );
    expect(await rowsFrom(world, call.ip)).toEqual([
      expect.objectContaining({
        action: "auth.signed_in",
        kind: "staff",
        actor: world.staff.cashier.id,
        changes: { method: "telegram", scope: "till", accessGeneration: 0 },
      }),
    ]);
  });

  it("records the lockout after wrong passwords, as the system's, on the member it locked", async () => {
    const world = await buildWorld(test);
    const wrong = () => from();
    const attempts = [wrong(), wrong(), wrong()];
    for (const attempt of attempts) {
      const response = await test.app.request(
        "/api/v1/auth/login",
        json({ email: world.staff.cashier.email, password: "not the password" }, attempt.headers),
      );
      expect(response.status).toBe(401);
    }
    expect(await rowsFrom(world, attempts[0]?.ip ?? "")).toEqual([]);
    expect(await rowsFrom(world, attempts[2]?.ip ?? "")).toEqual([
      {
        action: "auth.locked_out",
        kind: "system",
        actor: null,
        entity: world.staff.cashier.id,
        userAgent: "auth-audit-test",
        changes: { failures: 3, lockedForSeconds: 60 },
      },
    ]);
  });

  it("records a refresh token used after it was replaced: the session closed everywhere", async () => {
    const world = await buildWorld(test);
    const session = await signIn(world, from().headers);
    const refresh = (headers: Record<string, string>) =>
      test.app.request("/api/v1/auth/refresh", {
        method: "POST",
        headers: { ...headers, Cookie: `maxl_refresh=${session.refresh}`, "X-CSRF-Token": session.csrf },
      });
    expect((await refresh(from().headers)).status).toBe(200);
    // Past the few seconds two tabs may race in, the old token comes back: a copy.
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffSession.updateMany({
        where: { tenantId: world.tenantId },
        data: { rotatedAt: new Date(Date.now() - 60_000) },
      }),
    );
    const thief = from();
    const reused = await refresh(thief.headers);
    expect(reused.status).toBe(401);
    expect(await rowsFrom(world, thief.ip)).toEqual([
      expect.objectContaining({
        action: "auth.session_reuse_detected",
        kind: "system",
        entity: world.staff.manager.id,
      }),
    ]);
  });

  it("records an invitation accepted through its link, by the new member", async () => {
    const world = await buildWorld(test);
    const invited = await test.app.request(
      "/api/v1/staff",
      json(
        { email: `invited-${Date.now()}@audit.test`, name: "Invited", role: "cashier" },
        { Authorization: `Bearer ${await world.tokenFor("owner")}` },
      ),
    );
    expect(invited.status).toBe(201);
    const { staff, invite } = (await invited.json()) as { staff: { id: string }; invite: { url: string } };
    const token = decodeURIComponent(invite.url.slice(invite.url.indexOf("#/link/") + "#/link/".length));
    const accepting = from();
    const accepted = await test.app.request(
      "/api/v1/auth/links/accept",
      json({ token, password: "a-long-enough-password" }, accepting.headers),
    );
    expect(accepted.status).toBe(200);
    expect((await rowsFrom(world, accepting.ip)).map(({ action, kind, actor }) => ({ action, kind, actor }))).toEqual([
      { action: "staff.invite_accepted", kind: "staff", actor: staff.id },
      { action: "auth.signed_in", kind: "staff", actor: staff.id },
    ]);
  });
});
