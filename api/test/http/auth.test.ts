import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, type World } from "./world.ts";

let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
});
afterAll(() => test.close());

const signIn = (body: object) => test.app.request("/api/v1/auth/login", json(body));

describe("staff sign-in", () => {
  it("gives a 15-minute bearer token that opens staff routes", async () => {
    const response = await signIn({
      email: world.staff.cashier.email.toUpperCase(),
      password: world.staff.cashier.password,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accessToken: string; expiresIn: number; staff: object; tenant: object };
    expect(body).toMatchObject({
      tokenType: "Bearer",
      expiresIn: 900,
      staff: { id: world.staff.cashier.id, role: "cashier" },
      tenant: { id: world.tenantId, slug: world.slug },
    });
    const me = await test.app.request(
      "/api/v1/till/identify",
      json({ code: "000000" }, { Authorization: `Bearer ${body.accessToken}` }),
    );
    expect(me.status).toBe(404); // signed in: the route answers, the code just is not live
  });

  it("answers a wrong password and an unknown e-mail alike", async () => {
    for (const body of [
      { email: world.staff.owner.email, password: "wrong-password" },
      { email: "nobody@nowhere.test", password: "whatever" },
    ]) {
      const response = await signIn(body);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: "UNAUTHORIZED", detail: "Wrong e-mail or password." });
    }
  });

  it("asks which business when one e-mail and password fit two", async () => {
    const other = await buildWorld(test);
    const original = await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.manager.id } },
      }),
    );
    await test.db.withTenant(other.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: other.tenantId, id: other.staff.manager.id } },
        data: { email: original.email, passwordHash: original.passwordHash },
      }),
    );
    const ambiguous = await signIn({ email: world.staff.manager.email, password: world.staff.manager.password });
    expect(ambiguous.status).toBe(409);
    const body = (await ambiguous.json()) as { tenants: { slug: string }[] };
    expect(body.tenants.map((tenant) => tenant.slug).sort()).toEqual([world.slug, other.slug].sort());
    const chosen = await signIn({
      email: world.staff.manager.email,
      password: world.staff.manager.password,
      tenant: other.slug,
    });
    expect(chosen.status).toBe(200);
    expect(await chosen.json()).toMatchObject({ tenant: { slug: other.slug } });
  });

  it("refuses a forged or expired token with a sentence saying to sign in again", async () => {
    const token = await world.tokenFor("cashier");
    const forged = `${token.slice(0, -4)}AAAA`;
    const response = await test.app.request(
      "/api/v1/till/identify",
      json({ code: "000000" }, { Authorization: `Bearer ${forged}` }),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: "Your session has expired or is not valid. Sign in again." });
    const missing = await test.app.request("/api/v1/till/identify", json({ code: "000000" }));
    expect(missing.status).toBe(401);
  });
});
