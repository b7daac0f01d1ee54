import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { reevaluateLevels } from "../../src/core/loyalty/reevaluate-levels.ts";
import { setManualLevel } from "../../src/core/loyalty/set-manual-level.ts";
import { DAY, type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture({ levelWindowDays: 90, levelDowngradeGraceDays: 14 });
});
afterAll(() => f.close());

const accrue = (guestId: string, amountMinor: bigint) =>
  accruePoints(f.deps, {
    tenantId: f.tenantId,
    actor: f.cashier,
    idempotencyKey: f.key(),
    input: { guestId, amountMinor, currency: "RUB" },
  });

async function guest(guestId: string) {
  return f.db.withTenant(f.tenantId, (tx) =>
    tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: f.tenantId, id: guestId } } }),
  );
}

describe("level re-evaluation", () => {
  it("keeps a level while the spend holds, then downgrades only after the grace period", async () => {
    const guestId = await f.newGuest();
    await accrue(guestId, 1_100_000n);
    expect((await guest(guestId)).levelId).toBe(f.levels.silver);

    f.advanceDays(60);
    await reevaluateLevels(f.deps, f.tenantId);
    expect((await guest(guestId)).levelDowngradeDueAt).toBeNull();

    f.advanceDays(31); // the purchase is now outside the 90-day window
    await reevaluateLevels(f.deps, f.tenantId);
    const pending = await guest(guestId);
    expect(pending.levelId).toBe(f.levels.silver);
    expect(pending.levelDowngradeDueAt?.getTime()).toBe(f.clock.now.getTime() + 14 * DAY);

    f.advanceDays(15);
    await reevaluateLevels(f.deps, f.tenantId);
    expect((await guest(guestId)).levelId).toBe(f.levels.bronze);
    const event = await f.db.withTenant(f.tenantId, (tx) =>
      tx.outboxEvent.findFirst({
        where: { type: "level.changed", payload: { path: ["reason"], equals: "reevaluation" } },
      }),
    );
    expect(event?.payload).toMatchObject({ guestId, fromLevelId: f.levels.silver, toLevelId: f.levels.bronze });
  });

  it("calls off a pending downgrade when the guest spends enough again", async () => {
    const guestId = await f.newGuest();
    await accrue(guestId, 1_100_000n);
    f.advanceDays(91);
    await reevaluateLevels(f.deps, f.tenantId);
    expect((await guest(guestId)).levelDowngradeDueAt).not.toBeNull();
    await accrue(guestId, 1_000_000n);
    const after = await guest(guestId);
    expect(after).toMatchObject({ levelId: f.levels.silver, levelDowngradeDueAt: null });
  });
});

describe("manual levels", () => {
  it("hold exactly until their end date, then the spend decides at once", async () => {
    const guestId = await f.newGuest();
    const until = new Date(f.clock.now.getTime() + 30 * DAY);
    await setManualLevel(f.deps, {
      tenantId: f.tenantId,
      actor: f.manager,
      guestId,
      input: { levelId: f.levels.gold, until, reason: "friend of the house" },
    });
    expect(await guest(guestId)).toMatchObject({ levelId: f.levels.gold, manualLevelId: f.levels.gold });
    f.advanceDays(10);
    await reevaluateLevels(f.deps, f.tenantId);
    expect((await guest(guestId)).levelId).toBe(f.levels.gold);
    f.advanceDays(21);
    await reevaluateLevels(f.deps, f.tenantId);
    expect(await guest(guestId)).toMatchObject({ levelId: f.levels.bronze, manualLevelId: null });
    const audit = await f.db.withTenant(f.tenantId, (tx) =>
      tx.auditLogEntry.findFirst({ where: { action: "level.set_manual", entityId: guestId } }),
    );
    expect(audit).toMatchObject({ reason: "friend of the house", actorStaffId: f.manager.staffId });
  });

  it("needs a future end date and a known level", async () => {
    const guestId = await f.newGuest();
    await expect(
      setManualLevel(f.deps, {
        tenantId: f.tenantId,
        actor: f.manager,
        guestId,
        input: { levelId: f.levels.gold, until: new Date(f.clock.now.getTime() - 1), reason: "oops" },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: "A manual level needs an end date in the future." });
    await expect(
      setManualLevel(f.deps, {
        tenantId: f.tenantId,
        actor: f.manager,
        guestId,
        input: {
          levelId: "01936f00-0000-7000-8000-0000000fffff",
          until: new Date(f.clock.now.getTime() + DAY),
          reason: "oops",
        },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: "There is no such level in this program." });
  });
});
