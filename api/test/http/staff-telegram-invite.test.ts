import { createHash } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, type World } from "./world.ts";

// The verbs run on this clock; staff tokens are still minted and checked at real time.
const now = new Date("2026-11-21T09:30:00.000Z");
let test: TestApp;
let world: World;
beforeAll(async () => {
  test = await createTestApp({ clock: () => now });
  world = await buildWorld(test);
});
afterAll(() => test.close());

async function invite(as: World, role: StaffRole, staffId: string) {
  const response = await test.app.request(`/api/v1/staff/${staffId}/telegram-invite`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await as.tokenFor(role)}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function invitesFor(tenantId: string, staffId: string) {
  return test.db.withTenant(tenantId, (tx) => tx.staffTelegramInvite.findMany({ where: { staffId } }));
}

const inviteLink = /^https:\/\/t\.me\/http_test_bot\?start=inv_([A-Za-z0-9_-]{32})$/;

describe("staff Telegram invites", () => {
  it("gives a one-time link into the tenant's bot and keeps only the token's hash", async () => {
    const created = await invite(world, "manager", world.staff.cashier.id);
    expect(created).toEqual({
      status: 201,
      body: { link: expect.stringMatching(inviteLink), expiresAt: "2026-11-24T09:30:00.000Z" },
    });
    const token = inviteLink.exec(String(created.body.link))?.[1] ?? "";

    const stored = await invitesFor(world.tenantId, world.staff.cashier.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      tokenHash: createHash("sha256").update(token).digest("hex"),
      expiresAt: new Date("2026-11-24T09:30:00.000Z"),
      createdByStaffId: world.staff.manager.id,
      usedAt: null,
    });
    expect(JSON.stringify(stored[0], (_, value) => (typeof value === "bigint" ? String(value) : value))).not.toContain(
      token,
    );

    // Each call makes a new link.
    const again = await invite(world, "manager", world.staff.cashier.id);
    expect(again.body.link).not.toBe(created.body.link);
    expect(await invitesFor(world.tenantId, world.staff.cashier.id)).toHaveLength(2);
  });

  it("lets owners and admins invite anyone, managers only managers and cashiers", async () => {
    expect((await invite(world, "owner", world.staff.admin.id)).status).toBe(201);
    expect((await invite(world, "admin", world.staff.owner.id)).status).toBe(201);
    expect((await invite(world, "manager", world.staff.manager.id)).status).toBe(201);

    const before = await invitesFor(world.tenantId, world.staff.owner.id);
    for (const target of ["owner", "admin"] as const) {
      expect(await invite(world, "manager", world.staff[target].id)).toMatchObject({
        status: 403,
        body: { code: "FORBIDDEN", detail: `Your role (manager) may not create invites for the ${target} role.` },
      });
    }
    expect(await invitesFor(world.tenantId, world.staff.owner.id)).toHaveLength(before.length);

    expect(await invite(world, "cashier", world.staff.cashier.id)).toMatchObject({
      status: 403,
      body: { code: "FORBIDDEN" },
    });
  });

  it("answers 404 for a staff member who does not exist here, another tenant's included", async () => {
    expect(await invite(world, "owner", uuidv7())).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });

    const other = await buildWorld(test);
    const foreign = await invite(world, "owner", other.staff.cashier.id);
    const unknown = await invite(world, "owner", uuidv7());
    expect(foreign).toMatchObject({ status: 404, body: { code: "NOT_FOUND", detail: unknown.body.detail } });
    expect(await invitesFor(other.tenantId, other.staff.cashier.id)).toEqual([]);

    expect(await invite(world, "owner", "not-a-uuid")).toMatchObject({
      status: 422,
      body: { code: "VALIDATION", errors: [{ path: "staffId" }] },
    });
  });

  it("refuses a deactivated staff member", async () => {
    const team = await buildWorld(test);
    await test.db.withTenant(team.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: team.tenantId, id: team.staff.cashier.id } },
        data: { isActive: false },
      }),
    );
    expect(await invite(team, "owner", team.staff.cashier.id)).toMatchObject({
      status: 422,
      body: { code: "VALIDATION", detail: "This staff member is deactivated." },
    });
    expect(await invitesFor(team.tenantId, team.staff.cashier.id)).toEqual([]);
  });

  it("asks for the bot to be connected first", async () => {
    const botless = await buildWorld(test, undefined, { bot: false });
    const refused = await invite(botless, "owner", botless.staff.cashier.id);
    expect(refused).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    expect(String(refused.body.detail)).toContain("Connect the tenant's Telegram bot first");
    expect(await invitesFor(botless.tenantId, botless.staff.cashier.id)).toEqual([]);
  });
});
