// The till renews its token by signing in with Telegram every ~15 minutes; the audit log records
// the sign-in that starts a till session, not every renewal. A session is a run of sign-ins within
// 12 hours of its audited start at the same access generation: after that, or after something
// ended the member's sessions, the next sign-in is audited again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TILL_SESSION_HOURS } from "../../src/core/auth/telegram-sign-in.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { buildWorld, json, type World } from "./world.ts";

let now = new Date();
let test: TestApp;
beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "100000" }, clock: () => now });
});
afterAll(() => test.close());

const minutes = (count: number) => count * 60_000;

let telegramSerial = 4_490_000 + (Date.now() % 1_000) * 10;
/** A world whose cashier works the till from a Telegram account of their own. */
async function tillWorld(): Promise<{ world: World; telegramUserId: number }> {
  const world = await buildWorld(test, () => now);
  telegramSerial += 1;
  const telegramUserId = telegramSerial;
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
      data: { telegramUserId: BigInt(telegramUserId) },
    }),
  );
  return { world, telegramUserId };
}

async function tillSignIn(world: World, telegramUserId: number): Promise<void> {
  const response = await test.app.request("/api/v1/auth/telegram", {
    method: "POST",
    headers: { Authorization: `tma ${world.initData({ id: telegramUserId })}`, "X-Tenant": world.slug },
  });
  expect(response.status).toBe(200);
}

async function auditedSignIns(world: World): Promise<Date[]> {
  const rows = await test.db.withTenant(world.tenantId, (tx) =>
    tx.auditLogEntry.findMany({
      where: { tenantId: world.tenantId, action: "auth.signed_in", entityId: world.staff.cashier.id },
      orderBy: { id: "asc" },
    }),
  );
  return rows.map((row) => row.createdAt);
}

describe("till sign-ins in the audit log", () => {
  it("records the first sign-in, not the renewals within the session, and again once the session is over", async () => {
    const { world, telegramUserId } = await tillWorld();
    const start = new Date();
    now = start;
    await tillSignIn(world, telegramUserId);
    expect(await auditedSignIns(world)).toEqual([start]);

    // Renewals through the shift, the last a minute before the session's 12 hours are up.
    for (const at of [15, 30, 6 * 60, TILL_SESSION_HOURS * 60 - 1]) {
      now = new Date(start.getTime() + minutes(at));
      await tillSignIn(world, telegramUserId);
    }
    expect(await auditedSignIns(world)).toEqual([start]);

    const nextDay = new Date(start.getTime() + TILL_SESSION_HOURS * minutes(60) + minutes(1));
    now = nextDay;
    await tillSignIn(world, telegramUserId);
    expect(await auditedSignIns(world)).toEqual([start, nextDay]);
  });

  it("records a sign-in after the member's sessions were ended as a new session", async () => {
    const { world, telegramUserId } = await tillWorld();
    const start = new Date();
    now = start;
    await tillSignIn(world, telegramUserId);
    // The owner limits the cashier to a restaurant: their till token ends, the till signs in again.
    const changed = await test.app.request(`/api/v1/staff/${world.staff.cashier.id}`, {
      ...json({ restaurantIds: [world.restaurantId] }, { Authorization: `Bearer ${await world.tokenFor("owner")}` }),
      method: "PATCH",
    });
    expect(changed.status).toBe(200);
    const again = new Date(start.getTime() + minutes(5));
    now = again;
    await tillSignIn(world, telegramUserId);
    now = new Date(start.getTime() + minutes(20));
    await tillSignIn(world, telegramUserId);
    expect(await auditedSignIns(world)).toEqual([start, again]);
  });

  it("keeps each member's sessions apart", async () => {
    const { world, telegramUserId } = await tillWorld();
    now = new Date();
    await tillSignIn(world, telegramUserId);
    telegramSerial += 1;
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.manager.id } },
        data: { telegramUserId: BigInt(telegramSerial) },
      }),
    );
    await tillSignIn(world, telegramSerial);
    const rows = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { tenantId: world.tenantId, action: "auth.signed_in" } }),
    );
    expect(rows.map((row) => row.entityId).sort()).toEqual([world.staff.cashier.id, world.staff.manager.id].sort());
  });
});
