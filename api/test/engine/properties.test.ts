// Random sequences of what happens to a guest (purchases, redemptions, refunds, adjustments,
// time passing, expiry runs) against the real database. After every step the ledger must hold
// together; whenever a sale has been refunded in full, its refunds must have given back exactly
// what it spent and taken back (or recorded as unrecovered) exactly what it earned.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { accruePoints } from "../../src/core/loyalty/accrue-points.ts";
import { adjustPoints } from "../../src/core/loyalty/adjust-points.ts";
import { expireDueLots } from "../../src/core/loyalty/expire-lots.ts";
import { redeemPoints } from "../../src/core/loyalty/redeem-points.ts";
import { refundCheck } from "../../src/core/loyalty/refund-check.ts";
import { type EngineFixture, engineFixture } from "./fixture.ts";

type Step =
  | { kind: "buy"; amount: number }
  | { kind: "redeem"; amount: number; share: number }
  | { kind: "refund"; pick: number; fraction: number }
  | { kind: "adjust"; points: number }
  | { kind: "wait"; days: number }
  | { kind: "expire" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("buy" as const), amount: fc.integer({ min: 1, max: 2_000_000 }) }),
  fc.record({
    kind: fc.constant("redeem" as const),
    amount: fc.integer({ min: 100, max: 2_000_000 }),
    share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("refund" as const),
    pick: fc.nat(),
    fraction: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
  }),
  fc.record({
    kind: fc.constant("adjust" as const),
    points: fc.integer({ min: -500, max: 500 }).filter((p) => p !== 0),
  }),
  fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant("expire" as const) }),
);

interface Sale {
  checkId: string;
  amount: bigint;
  refunded: bigint;
  redeemed: number;
  earned: number;
  returned: number;
  reversedOrUnrecovered: number;
}

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture(
    { pointsLifetimeDays: 25, maxRedeemShareBps: 6000, roundingMode: "half_up", minCheckMinor: 5_000n },
    { timeZone: "Asia/Kathmandu" },
  );
});
afterAll(() => f.close());

it("keeps every ledger invariant over random sequences of operations", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 18 }), async (steps) => {
      const guestId = await f.newGuest();
      const sales: Sale[] = [];
      for (const s of steps) {
        await apply(guestId, s, sales);
        const problems = await f.invariants(guestId);
        expect(problems, `after ${JSON.stringify(s)}`).toEqual([]);
        expect(await f.balance(guestId)).toBeGreaterThanOrEqual(0);
        for (const sale of sales.filter((candidate) => candidate.refunded === candidate.amount)) {
          expect(sale.returned).toBe(sale.redeemed);
          expect(sale.reversedOrUnrecovered).toBe(sale.earned);
        }
      }
    }),
    { numRuns: 30 },
  );
  // Room for fast-check to shrink a failing sequence to a short counterexample.
}, 180_000);

async function apply(guestId: string, s: Step, sales: Sale[]): Promise<void> {
  const call = { tenantId: f.tenantId, actor: f.manager, idempotencyKey: f.key() };
  switch (s.kind) {
    case "buy": {
      const { result } = await accruePoints(f.deps, {
        ...call,
        input: { guestId, amountMinor: BigInt(s.amount), currency: "RUB" },
      });
      sales.push(saleOf(result.checkId, BigInt(s.amount), 0, result.earned));
      return;
    }
    case "redeem": {
      const balance = await f.balance(guestId);
      const limit = Math.floor((s.amount * 0.6) / 100);
      const points = Math.floor(Math.min(balance, limit) * s.share);
      if (points < 1) return;
      const { result } = await redeemPoints(f.deps, {
        ...call,
        input: { guestId, amountMinor: BigInt(s.amount), currency: "RUB", points },
      });
      sales.push(saleOf(result.checkId, BigInt(s.amount), points, result.earned));
      return;
    }
    case "refund": {
      const open = sales.filter((sale) => sale.refunded < sale.amount);
      const sale = open[s.pick % Math.max(1, open.length)];
      if (!sale) return;
      const left = sale.amount - sale.refunded;
      const part = s.fraction === 1 ? left : BigInt(Math.max(1, Math.floor(Number(left) * s.fraction)));
      const { result } = await refundCheck(f.deps, { ...call, input: { checkId: sale.checkId, amountMinor: part } });
      sale.refunded += part;
      sale.returned += result.returned;
      sale.reversedOrUnrecovered += result.reversed + result.unrecovered;
      return;
    }
    case "adjust": {
      const balance = await f.balance(guestId);
      const points = s.points < 0 ? -Math.min(-s.points, balance) : s.points;
      if (points === 0) return;
      await adjustPoints(f.deps, { ...call, input: { guestId, points, reason: "property test" } });
      return;
    }
    case "wait":
      f.advanceDays(s.days);
      f.advance(3_600_000);
      return;
    case "expire":
      await expireDueLots(f.deps, f.tenantId);
      return;
  }
}

function saleOf(checkId: string | null, amount: bigint, redeemed: number, earned: number): Sale {
  if (!checkId) throw new Error("a sale without a check");
  return { checkId, amount, refunded: 0n, redeemed, earned, returned: 0, reversedOrUnrecovered: 0 };
}
