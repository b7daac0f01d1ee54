// Ending all of a member's sessions at once: an owner's password reset does it (the account may
// be in the wrong hands). Afterwards every access token they held is refused (admin view and
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
