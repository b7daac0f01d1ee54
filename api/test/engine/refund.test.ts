import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/context.ts";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { redeemPoints } from "../../src/core/loyalty/redeem-points.ts";
import { refundCheck } from "../../src/core/loyalty/refund-check.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture({ pointsLifetimeDays: 30, maxRedeemShareBps: 5000 });
});
afterAll(() => f.close());

async function lotsOf(guestId: string) {
  return f.db.withTenant(f.tenantId, (tx) =>
    tx.pointLot.findMany({
      where: { guestId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, remainingPoints: true },
    }),
  );
}

const refund = (checkId: string, amountMinor?: bigint, actor: Actor = f.manager, key = f.key()) =>
  refundCheck(f.deps, {
    tenantId: f.tenantId,
    actor,
    idempotencyKey: key,
    input: { checkId, ...(amountMinor === undefined ? {} : { amountMinor }) },
  });

describe("refundCheck", () => {
  it("on a full refund gives back exactly the lots the check spent and takes back what it earned", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 100);
    f.advanceDays(1);
    await f.give(guestId, 100);
    const before = await lotsOf(guestId);
    const sale = await redeemPoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 100_000n, currency: "RUB", points: 150 },
    });
    expect(sale.result).toMatchObject({ redeemed: 150, earned: 42, balance: 92 }); // 5 % of 850 ₽, floored
    const { result } = await refund(sale.result.checkId ?? "");
    expect(result).toMatchObject({ kind: "refund", returned: 150, reversed: 42, unrecovered: 0, balance: 200 });
    const after = await lotsOf(guestId);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after[2]?.remainingPoints).toBe(0);
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("splits partial refunds proportionally so that they add up to exactly a full refund", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 1000);
    const sale = await redeemPoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 100_000n, currency: "RUB", points: 333 },
    });
    const checkId = sale.result.checkId ?? "";
    const parts = [33_333n, 33_333n, 33_334n];
    const results = [];
    for (const part of parts) results.push((await refund(checkId, part)).result);
    expect(results.map((r) => r.returned)).toEqual([111, 111, 111]);
    expect(results.reduce((sum, r) => sum + r.reversed, 0)).toBe(sale.result.earned);
    expect(await f.balance(guestId)).toBe(1000);
    await expect(refund(checkId, 1n)).rejects.toMatchObject({
      code: "VALIDATION",
      message: "This check has already been refunded in full.",
    });
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("refuses to refund more than is left of the check", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 50_000n, currency: "RUB" },
    });
    await refund(sale.result.checkId ?? "", 20_000n);
    await expect(refund(sale.result.checkId ?? "", 40_000n)).rejects.toMatchObject({
      code: "VALIDATION",
      message: "Only 300.00 of this check is left to refund.",
    });
  });

  it("never takes the balance below zero: what was already spent is recorded as unrecovered", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 200_000n, currency: "RUB" },
    });
    await redeemPoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 100_000n, currency: "RUB", points: 100 },
    });
    const { result } = await refund(sale.result.checkId ?? "");
    // The sale earned 100; 100 were spent since, and the second check earned 45 back.
    expect(result).toMatchObject({ reversed: 45, unrecovered: 55, balance: 0 });
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("lets points returned to a lot that has meanwhile expired expire again at once", async () => {
    const guestId = await f.newGuest();
    await f.give(guestId, 100);
    const sale = await redeemPoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 100_000n, currency: "RUB", points: 100 },
    });
    f.advanceDays(40);
    const { result } = await refund(sale.result.checkId ?? "");
    expect(result).toMatchObject({ returned: 100, expired: 100 });
    expect(await f.invariants(guestId)).toEqual([]);
  });

  it("undoes the level upgrade the refunded sale caused", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 1_200_000n, currency: "RUB" },
    });
    expect(sale.result.level?.id).toBe(f.levels.silver);
    const { result } = await refund(sale.result.checkId ?? "", 300_000n);
    expect(result.levelChange).toEqual({ fromLevelId: f.levels.silver, toLevelId: f.levels.bronze, reason: "refund" });
  });

  it("lets a cashier refund only their own recent checks", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 10_000n, currency: "RUB" },
    });
    const checkId = sale.result.checkId ?? "";
    await expect(refund(checkId, undefined, f.otherCashier)).rejects.toMatchObject({ code: "FORBIDDEN" });
    f.advance(31 * 60_000);
    await expect(refund(checkId, undefined, f.cashier)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "A cashier can refund only their own checks within 30 minutes. Ask a manager to refund this one.",
    });
    await expect(refund(checkId, undefined, f.manager)).resolves.toMatchObject({ replayed: false });
  });

  it("answers a retried refund with the first result", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 10_000n, currency: "RUB" },
    });
    const key = f.key();
    const first = await refund(sale.result.checkId ?? "", undefined, f.manager, key);
    const again = await refund(sale.result.checkId ?? "", undefined, f.manager, key);
    expect(again).toEqual({ result: first.result, replayed: true });
  });

  it("refuses a refund of a refund and of an unknown check", async () => {
    const guestId = await f.newGuest();
    const sale = await accruePoints(f.deps, {
      tenantId: f.tenantId,
      actor: f.cashier,
      idempotencyKey: f.key(),
      input: { guestId, amountMinor: 10_000n, currency: "RUB" },
    });
    const { result } = await refund(sale.result.checkId ?? "", 5_000n);
    await expect(refund(result.checkId ?? "")).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(refund("01936f00-0000-7000-8000-0000000fffff")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
