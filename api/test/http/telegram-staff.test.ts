// Staff signing in from the Mini App with the Telegram account a staff invite linked: the token
// works the till and nothing else, and only an active staff member of that business gets one.
import { sign } from "hono/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStaffToken } from "../../src/auth/staff-token.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, key, type World } from "./world.ts";

let test: TestApp;
let world: World;
let tenantName: string;
beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test);
  tenantName = (
    await test.db.withTenant(world.tenantId, (tx) => tx.tenant.findUniqueOrThrow({ where: { id: world.tenantId } }))
  ).name;
});
afterAll(() => test.close());

const launch = (telegramUserId: number, as: World = world, slug = as.slug) => ({
  Authorization: `tma ${as.initData({ id: telegramUserId, first_name: "Staff" })}`,
  "X-Tenant": slug,
});

async function signInByTelegram(headers: Record<string, string>) {
  const response = await test.app.request("/api/v1/auth/telegram", { method: "POST", headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function linkStaff(as: World, staffId: string, telegramUserId: number, isActive = true) {
  return test.db.withTenant(as.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: as.tenantId, id: staffId } },
      data: { telegramUserId: BigInt(telegramUserId), isActive },
    }),
  );
}

async function tillToken(telegramUserId: number): Promise<string> {
  const signedIn = await signInByTelegram(launch(telegramUserId));
  expect(signedIn.status).toBe(200);
  return String(signedIn.body.accessToken);
}

async function guestCard(telegramUserId: number) {
  const response = await test.app.request("/api/v1/me/card", { headers: launch(telegramUserId) });
  return (await response.json()) as { guest: { id: string }; identification: { code: { code: string } } };
}

const tillOnly = /may only use the till/;

describe("staff sign-in with Telegram", () => {
  it("gives a linked, active cashier a 15-minute token, scoped to the till, that works the till", async () => {
    await linkStaff(world, world.staff.cashier.id, 4_440_001);
    const signedIn = await signInByTelegram(launch(4_440_001));
    expect(signedIn).toEqual({
      status: 200,
      body: {
        accessToken: expect.any(String),
        tokenType: "Bearer",
        expiresIn: 900,
        staff: { id: world.staff.cashier.id, name: "cashier person", role: "cashier" },
        tenant: { id: world.tenantId, slug: world.slug, name: tenantName },
      },
    });
    const token = String(signedIn.body.accessToken);
    expect(await readStaffToken(token, test.config.auth.jwtSecret)).toEqual({
      staffId: world.staff.cashier.id,
      tenantId: world.tenantId,
      role: "cashier",
      generation: 0,
      scope: "till",
    });

    const card = await guestCard(4_449_001);
    const found = await test.app.request(
      "/api/v1/till/identify",
      json({ code: card.identification.code.code }, { Authorization: `Bearer ${token}` }),
    );
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ id: card.guest.id });
    const accrued = await test.app.request(
      "/api/v1/till/accruals",
      json(
        { guestId: card.guest.id, amountMinor: 10_000, currency: "RUB", restaurantId: world.restaurantId },
        { Authorization: `Bearer ${token}`, ...key() },
      ),
    );
    expect(accrued.status).toBe(201);
  });

  it("refuses a till session anything off the till, even what the role may do", async () => {
    await linkStaff(world, world.staff.cashier.id, 4_440_001);
    await linkStaff(world, world.staff.manager.id, 4_440_002);
    await linkStaff(world, world.staff.owner.id, 4_440_003);
    const card = await guestCard(4_449_002);

    // A cashier may read a guest with a full token, but not with a till session.
    const cashierTill = await tillToken(4_440_001);
    const read = await test.app.request(`/api/v1/guests/${card.guest.id}`, {
      headers: { Authorization: `Bearer ${cashierTill}` },
    });
    expect(read.status).toBe(403);
    expect(((await read.json()) as { detail: string }).detail).toMatch(tillOnly);
    const readFull = await test.app.request(`/api/v1/guests/${card.guest.id}`, {
      headers: { Authorization: `Bearer ${await world.tokenFor("cashier")}` },
    });
    expect(readFull.status).toBe(200);

    // A manager may invite a cashier with a full token, not from Telegram.
    const invitePath = `/api/v1/staff/${world.staff.cashier.id}/telegram-invite`;
    const invite = await test.app.request(invitePath, {
      method: "POST",
      headers: { Authorization: `Bearer ${await tillToken(4_440_002)}` },
    });
    expect(invite.status).toBe(403);
    expect(((await invite.json()) as { detail: string }).detail).toMatch(tillOnly);
    const inviteFull = await test.app.request(invitePath, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("manager")}` },
    });
    expect(inviteFull.status).toBe(201);

    // An owner from Telegram may not touch the bot connection.
    const bot = await test.app.request("/api/v1/bot", {
      method: "PUT",
      body: JSON.stringify({ token: world.botToken }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await tillToken(4_440_003)}` },
    });
    expect(bot.status).toBe(403);
    expect(((await bot.json()) as { detail: string }).detail).toMatch(tillOnly);
    const status = await test.app.request("/api/v1/bot", {
      headers: { Authorization: `Bearer ${await tillToken(4_440_003)}` },
    });
    expect(status.status).toBe(403);
  });

  it("refuses a Telegram account not linked to staff here, and a deactivated staff member", async () => {
    const notLinked = `This Telegram account is not linked to a staff member of ${tenantName}. Ask a manager for an invite link.`;
    expect(await signInByTelegram(launch(4_440_099))).toMatchObject({
      status: 403,
      body: { code: "FORBIDDEN", detail: notLinked },
    });

    // Linked in another business: still a stranger here.
    const other = await buildWorld(test);
    await linkStaff(other, other.staff.cashier.id, 4_440_098);
    expect(await signInByTelegram(launch(4_440_098, other))).toMatchObject({ status: 200 });
    expect(await signInByTelegram(launch(4_440_098))).toMatchObject({ status: 403, body: { detail: notLinked } });

    await linkStaff(world, world.staff.admin.id, 4_440_004, false);
    expect(await signInByTelegram(launch(4_440_004))).toMatchObject({
      status: 403,
      body: { code: "FORBIDDEN", detail: notLinked },
    });
  });

  it("answers 401 for missing, forged or another business's launch data", async () => {
    await linkStaff(world, world.staff.cashier.id, 4_440_001);
    const forged = world.initData({ id: 4_440_001, first_name: "Staff" }).replace("Staff", "Mallory");
    const other = await buildWorld(test);
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /Open the Mini App from the restaurant's Telegram bot/],
      [{ Authorization: `tma ${forged}`, "X-Tenant": world.slug }, /not valid for this restaurant/],
      [{ Authorization: "tma user=%7B%7D", "X-Tenant": world.slug }, /missing or damaged/],
      [{ Authorization: `tma ${world.initData({ id: 4_440_001 })}` }, /not known/],
      // Signed by this business's bot, presented to another business.
      [launch(4_440_001, world, other.slug), /not valid for this restaurant/],
      [{ Authorization: `Bearer ${await world.tokenFor("cashier")}` }, /Open the Mini App/],
    ];
    for (const [headers, reason] of cases) {
      const refused = await signInByTelegram(headers);
      expect(refused, JSON.stringify(headers)).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
      expect(String(refused.body.detail)).toMatch(reason);
    }
  });

  it("refuses a token with a scope this API does not know, and keeps unscoped tokens full", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: world.staff.owner.id, tid: world.tenantId, role: "owner", gen: 0, iat: now, exp: now + 60 };
    const secret = test.config.auth.jwtSecret;
    const odd = await sign({ ...claims, scope: "everything" }, secret, "HS256");
    const full = await sign(claims, secret, "HS256");
    const ask = async (token: string) =>
      (await test.app.request("/api/v1/bot", { headers: { Authorization: `Bearer ${token}` } })).status;
    expect(await ask(odd)).toBe(401);
    expect(await ask(full)).toBe(200);
  });
});
