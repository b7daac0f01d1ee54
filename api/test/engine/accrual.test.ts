import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture({ pointsLifetimeDays: 30, minCheckMinor: 10_000n }, { timeZone: "Europe/Moscow" });
});
afterAll(() => f.close());

const accrue = (guestId: string, amountMinor: bigint, key = f.key()) =>
  accruePoints(f.deps, {
    tenantId: f.tenantId,
    actor: f.cashier,
    idempotencyKey: key,
    input: { guestId, amountMinor, currency: "RUB", restaurantId: f.restaurantId },
  });

describe("accruePoints", () => {
  it("earns the level's rate on the check, in a lot that expires at the tenant's local midnight", async () => {
    const guestId = await f.newGuest();
    f.clock.now = new Date("2026-03-02T09:00:00Z"); // 12:00 in Moscow
    const { result, replayed } = await accrue(guestId, 150_000n);
    expect(replayed).toBe(false);
    expect(result).toMatchObject({ kind: "accrual", earned: 75, pointsDelta: 75, balance: 75, amountMinor: "150000" });
    // 30 days after 2 March, spendable through 1 April, gone at Moscow midnight starting 2 April
    expect(result.expiresAt).toBe("2026-04-01T21:00:00.000Z");
    expect(await f.balance(guestId)).toBe(75);
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("earns nothing below the minimum check, yet records the visit", async () => {
    const guestId = await f.newGuest();
    const { result } = await accrue(guestId, 9_999n);
    expect(result).toMatchObject({ earned: 0, balance: 0, checkId: expect.any(String) });
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("upgrades on the purchase that crosses a threshold, which still earns at the old rate", async () => {
    const guestId = await f.newGuest();
    await accrue(guestId, 600_000n);
    const { result } = await accrue(guestId, 500_000n);
    expect(result.earned).toBe(250); // 5 % of 5 000 ₽: the Bronze rate
    expect(result.level).toMatchObject({ id: f.levels.silver, name: "Silver" });
    expect(result.levelChange).toEqual({
      fromLevelId: f.levels.bronze,
      toLevelId: f.levels.silver,
      reason: "purchase",
    });
    const next = await accrue(guestId, 100_000n);
    expect(next.result.earned).toBe(70); // 7 %: Silver now
    const events = await f.db.withTenant(f.tenantId, (tx) =>
      tx.outboxEvent.findMany({ where: { type: "level.changed" }, select: { payload: true } }),
    );
    expect(events.map((event) => event.payload)).toContainEqual(
      expect.objectContaining({ guestId, toLevelId: f.levels.silver, reason: "purchase" }),
    );
  });

  it("applies a changed program or level to the very next operation", async () => {
    const fresh = await engineFixture();
    try {
      const guestId = await fresh.newGuest();
      const accrueThere = () =>
        accruePoints(fresh.deps, {
          tenantId: fresh.tenantId,
          actor: fresh.cashier,
          idempotencyKey: fresh.key(),
          input: { guestId, amountMinor: 100_000n, currency: "RUB" },
        });
      expect((await accrueThere()).result.earned).toBe(50);
      await fresh.db.withTenant(fresh.tenantId, (tx) =>
        tx.level.update({
          where: { tenantId_id: { tenantId: fresh.tenantId, id: fresh.levels.bronze } },
          data: { earnRateBps: 900 },
        }),
      );
      expect((await accrueThere()).result.earned).toBe(90);
      await fresh.db.withTenant(fresh.tenantId, (tx) =>
        tx.loyaltyProgram.update({
          where: { tenantId: fresh.tenantId },
          data: { roundingMode: "ceil", minCheckMinor: 200_000n },
        }),
      );
      expect((await accrueThere()).result.earned).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("writes the points.earned event in the same transaction", async () => {
    const guestId = await f.newGuest();
    const { result } = await accrue(guestId, 200_000n);
    const event = await f.db.withTenant(f.tenantId, (tx) =>
      tx.outboxEvent.findFirst({
        where: { type: "points.earned", payload: { path: ["operationId"], equals: result.operationId } },
      }),
    );
    expect(event?.payload).toMatchObject({ guestId, earned: 100, balance: 100, reason: "purchase" });
  });

  it("answers a retry with the first result and changes nothing", async () => {
    const guestId = await f.newGuest();
    const key = f.key();
    const first = await accrue(guestId, 100_000n, key);
    const again = await accrue(guestId, 100_000n, key);
    expect(again).toEqual({ result: first.result, replayed: true });
    expect(await f.balance(guestId)).toBe(50);
  });

  it("answers parallel copies of one request once", async () => {
    const guestId = await f.newGuest();
    const key = f.key();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => accrue(guestId, 100_000n, key)));
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.result.operationId)).size).toBe(1);
    expect(await f.balance(guestId)).toBe(50);
  });

  it("refuses the same key for a different request", async () => {
    const guestId = await f.newGuest();
    const key = f.key();
    await accrue(guestId, 100_000n, key);
    await expect(accrue(guestId, 200_000n, key)).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringContaining("already used for a different request"),
    });
  });

  it("refuses a currency other than the program's, an unknown guest or restaurant, writing nothing", async () => {
    const guestId = await f.newGuest();
    await expect(
      accruePoints(f.deps, {
        tenantId: f.tenantId,
        actor: f.cashier,
        idempotencyKey: f.key(),
        input: { guestId, amountMinor: 100n, currency: "USD" },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: "This program counts money in RUB; the check is in USD." });
    await expect(accrue("01936f00-0000-7000-8000-0000000fffff", 100n)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      accruePoints(f.deps, {
        tenantId: f.tenantId,
        actor: f.cashier,
        idempotencyKey: f.key(),
        input: { guestId, amountMinor: 100n, currency: "RUB", restaurantId: "01936f00-0000-7000-8000-0000000fffff" },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: "There is no such restaurant in this program." });
    expect(await f.db.withTenant(f.tenantId, (tx) => tx.check.count({ where: { guestId } }))).toBe(0);
  });
});
