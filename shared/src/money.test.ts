import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  divideRounded,
  formatMinor,
  maxRedeemablePoints,
  parseMinorInput,
  pointsEarned,
  proportionalPoints,
  roundingModes,
} from "./money.ts";

describe("divideRounded", () => {
  it("rounds 7/2 by each rule", () => {
    expect(divideRounded(7n, 2n, "floor")).toBe(3n);
    expect(divideRounded(7n, 2n, "half_up")).toBe(4n);
    expect(divideRounded(7n, 2n, "ceil")).toBe(4n);
  });

  it("rounds half_up only from the half", () => {
    expect(divideRounded(14n, 10n, "half_up")).toBe(1n);
    expect(divideRounded(15n, 10n, "half_up")).toBe(2n);
  });

  it("refuses a zero denominator and a negative numerator", () => {
    expect(() => divideRounded(1n, 0n, "floor")).toThrow(RangeError);
    expect(() => divideRounded(-1n, 3n, "floor")).toThrow(RangeError);
  });

  it("stays within one unit of the exact quotient, in the rule's direction", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const floor = divideRounded(n, d, "floor");
        const ceil = divideRounded(n, d, "ceil");
        const half = divideRounded(n, d, "half_up");
        expect(floor * d <= n && n < (floor + 1n) * d).toBe(true);
        expect(ceil - floor).toBe(n % d === 0n ? 0n : 1n);
        expect(half === floor || half === ceil).toBe(true);
      }),
    );
  });
});

describe("pointsEarned", () => {
  it("earns 5 % of 1 500,00 ₽ as 75 points at 1 ₽ per point", () => {
    expect(pointsEarned({ paidMinor: 150_000n, earnRateBps: 500, pointValueMinor: 100, rounding: "floor" })).toBe(75);
  });

  it("applies the rounding rule to a fractional point", () => {
    const input = { paidMinor: 12_345n, earnRateBps: 500, pointValueMinor: 100 } as const;
    // 123,45 ₽ x 5 % = 6,1725 points
    expect(pointsEarned({ ...input, rounding: "floor" })).toBe(6);
    expect(pointsEarned({ ...input, rounding: "ceil" })).toBe(7);
    expect(pointsEarned({ ...input, rounding: "half_up" })).toBe(6);
  });

  it("never earns more for paying less", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom(...roundingModes),
        (a, b, earnRateBps, pointValueMinor, rounding) => {
          const [low, high] = a < b ? [a, b] : [b, a];
          const rule = { earnRateBps, pointValueMinor, rounding };
          expect(pointsEarned({ paidMinor: low, ...rule })).toBeLessThanOrEqual(
            pointsEarned({ paidMinor: high, ...rule }),
          );
        },
      ),
    );
  });
});

describe("maxRedeemablePoints", () => {
  it("caps by the allowed share of the check", () => {
    // 30 % of 1 000,00 ₽ = 300 ₽ = 300 points
    expect(
      maxRedeemablePoints({ amountMinor: 100_000n, maxShareBps: 3000, pointValueMinor: 100, available: 1000 }),
    ).toBe(300);
  });

  it("caps by what the guest has", () => {
    expect(maxRedeemablePoints({ amountMinor: 100_000n, maxShareBps: 3000, pointValueMinor: 100, available: 42 })).toBe(
      42,
    );
  });

  it("never lets points pay more than the allowed share", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (amountMinor, maxShareBps, pointValueMinor, available) => {
          const points = maxRedeemablePoints({ amountMinor, maxShareBps, pointValueMinor, available });
          expect(points).toBeGreaterThanOrEqual(0);
          expect(points).toBeLessThanOrEqual(available);
          expect(BigInt(points) * BigInt(pointValueMinor) * 10_000n).toBeLessThanOrEqual(
            amountMinor * BigInt(maxShareBps),
          );
        },
      ),
    );
  });
});

describe("proportionalPoints", () => {
  it("gives back everything for a full or larger part", () => {
    expect(proportionalPoints(75, 150_000n, 150_000n, "floor")).toBe(75);
    expect(proportionalPoints(75, 200_000n, 150_000n, "floor")).toBe(75);
  });

  it("splits a partial part by the rule", () => {
    // a third of 10 points
    expect(proportionalPoints(10, 1n, 3n, "floor")).toBe(3);
    expect(proportionalPoints(10, 1n, 3n, "ceil")).toBe(4);
  });

  it("adds up to no more than the whole over any split", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        (points, whole, rawPart) => {
          const part = rawPart % (whole + 1n);
          const first = proportionalPoints(points, part, whole, "floor");
          const rest = proportionalPoints(points, whole - part, whole, "floor");
          expect(first + rest).toBeLessThanOrEqual(points);
          expect(points - (first + rest)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe("parseMinorInput", () => {
  it.each([
    ["1250", 125_000n],
    ["1 250,50", 125_050n],
    ["1250.5", 125_050n],
    ["1\u00a0250 ₽", 125_000n],
    ["0,99", 99n],
  ])("reads %j as %s minor units", (input, expected) => {
    expect(parseMinorInput(input)).toBe(expected);
  });

  it.each(["", "-100", "12,345", "abc", "1.2.3", "1e5", "１２"])("refuses %j", (input) => {
    expect(parseMinorInput(input)).toBeNull();
  });
});

describe("formatMinor", () => {
  it("formats roubles for Russian readers", () => {
    expect(formatMinor(123_450n, "RUB", "ru").replace(/\s/g, " ")).toBe("1 234,50 ₽");
    expect(formatMinor(1_000_000n, "RUB", "ru", { wholeWithoutFraction: true }).replace(/\s/g, " ")).toBe("10 000 ₽");
    expect(formatMinor(1_000_050n, "RUB", "ru", { wholeWithoutFraction: true }).replace(/\s/g, " ")).toBe(
      "10 000,50 ₽",
    );
    expect(formatMinor(1_000_000n, "RUB", "ru").replace(/\s/g, " ")).toBe("10 000,00 ₽");
  });

  it("keeps every digit of amounts beyond a float's precision", () => {
    expect(formatMinor(900_719_925_474_099_312n, "RUB", "en")).toContain("9,007,199,254,740,993.12");
  });
});
