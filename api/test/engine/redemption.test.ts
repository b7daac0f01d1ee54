import { ServiceError } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { quoteRedemption } from "../../src/core/loyalty/quote-redemption.ts";
import { redeemPoints } from "../../src/core/loyalty/redeem-points.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture({ pointsLifetimeDays: 100, maxRedeemShareBps: 5000 });
});
afterAll(() => f.close());

const quote = (guestId: string, amountMinor: bigint, actor = f.cashier) =>
  quoteRedemption(f.deps, {
    tenantId: f.tenantId,
    actor,
    idempotencyKey: f.key(),
    input: { guestId, amountMinor, currency: "RUB" },
  });

const redeem = (guestId: string, amountMinor: bigint, points: number, holdId?: string, key = f.key()) =>
  redeemPoints(f.deps, {
    tenantId: f.tenantId,
    actor: f.cashier,
    idempotencyKey: key,
    input: { guestId, amountMinor, currency: "RUB", points, ...(holdId ? { holdId } : {}) },
  });

describe("quoteRedemption", () => {
  it("tells how many points may pay and what the rest earns, and reserves them", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 1000);
    const { result } = await quote(guestId, 100_000n);
    expect(result).toMatchObject({
      balance: 1000,
      available: 1000,
      maxRedeemablePoints: 500, // half of 1 000 ₽
      maxRedeemableMinor: "50000",
      earnIfAccrued: 50,
      earnIfMaxRedeemed: 25,
    });
    // Another cashier now sees those 500 points reserved.
    const second = await quote(guestId, 100_000n, f.otherCashier);
    expect(second.result.available).toBe(500);
  });

  it("lets the same cashier's new quote replace their previous one", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 300);
    const first = await quote(guestId, 100_000n);
    expect(first.result.maxRedeemablePoints).toBe(300);
    const second = await quote(guestId, 100_000n);
    expect(second.result.available).toBe(300);
    await expect(redeem(guestId, 100_000n, 100, first.result.holdId)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("newer quote"),
    });
  });

  it("lets a hold lapse: after it expires the points are free and committing it is refused", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 400);
    const { result } = await quote(guestId, 100_000n);
    f.advance((f.deps.settings.holdTtlSeconds + 1) * 1000);
    const other = await quote(guestId, 100_000n, f.otherCashier);
    expect(other.result.available).toBe(400);
    await expect(redeem(guestId, 100_000n, 100, result.holdId)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This quote has expired. Quote again.",
    });
  });
});

describe("redeemPoints", () => {
  it("commits a quote: spends points, earns on the rest, closes the hold", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 800);
    const { result: hold } = await quote(guestId, 100_000n);
    const { result } = await redeem(guestId, 100_000n, 500, hold.holdId);
    expect(result).toMatchObject({ kind: "redemption", redeemed: 500, earned: 25, paidMinor: "50000", balance: 325 });
    await expect(redeem(guestId, 100_000n, 10, hold.holdId)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This quote has already been used. Quote again.",
    });
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("takes points from the lots that expire first", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 100); // expires in 100 days
    f.advanceDays(10);
    await f.give(guestId, 100); // expires 10 days later
    const { result } = await redeem(guestId, 100_000n, 150);
    const lots = await f.db.withTenant(f.tenantId, (tx) =>
      tx.pointLot.findMany({ where: { guestId }, orderBy: { createdAt: "asc" } }),
    );
    // The lot earned on the check shares its creation time with the second opening balance, so
    // the two are told apart by the check they belong to rather than by their order.
    const opening = lots.filter((lot) => lot.checkId === null);
    const earned = lots.filter((lot) => lot.checkId !== null);
    expect(opening.map((lot) => lot.remainingPoints)).toEqual([0, 50]);
    expect(earned.map((lot) => lot.remainingPoints)).toEqual([result.earned]);
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("refuses more than the check's share, more than the quote allows, or more than the guest has", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 100);
    await expect(redeem(guestId, 10_000n, 60)).rejects.toMatchObject({
      code: "VALIDATION",
      message: "Only 50 points can pay for this check (50% of it).",
    });
    const { result: hold } = await quote(guestId, 10_000n);
    await expect(redeem(guestId, 10_000n, 51, hold.holdId)).rejects.toMatchObject({
      code: "VALIDATION",
      message: "This quote allows at most 50 points.",
    });
    await expect(redeem(guestId, 1_000_000n, 101)).rejects.toMatchObject({
      code: "CONFLICT",
      message: "The guest has only 50 points available now. Quote again.",
    });
    expect(await f.balance(guestId)).toBe(100);
  });

  it("never overspends under 100 parallel redemptions; the losers get a clear conflict", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 1000);
    const attempts = await Promise.allSettled(Array.from({ length: 100 }, () => redeem(guestId, 10_000n, 30)));
    const won = attempts.filter((attempt) => attempt.status === "fulfilled");
    const lost = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === "rejected");
    // Each win spends 30 points and earns 3 on the 70 ₽ paid in money: 27 net. 1 000 - 27n >= 30
    // allows n = 35 before the 36th, which leaves 1 000 - 36 x 27 = 28, too few for a 37th.
    expect(won).toHaveLength(36);
    for (const failure of lost) {
      expect(failure.reason).toBeInstanceOf(ServiceError);
      expect(failure.reason).toMatchObject({ code: "CONFLICT" });
    }
    const sums = await f.db.withTenant(f.tenantId, (tx) =>
      tx.ledgerEntry.groupBy({ by: ["kind"], where: { guestId }, _sum: { points: true } }),
    );
    const byKind = Object.fromEntries(sums.map((row) => [row.kind, row._sum.points ?? 0]));
    expect(byKind).toEqual({ adjust: 1000, redeem: -1080, earn: 108 });
    expect(await f.balance(guestId)).toBe(28);
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("counts the redeemed check toward the level like any purchase", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 100_000);
    await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 900_000n, currency: "RUB" },
    });
    const { result } = await redeem(guestId, 200_000n, 1000);
    expect(result.levelChange).toMatchObject({ toLevelId: f.levels.silver, reason: "purchase" });
  });
});
