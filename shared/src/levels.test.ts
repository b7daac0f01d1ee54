import { describe, expect, it } from "vitest";
import { type LevelRule, levelForSpend, levelProgress, nextLevel } from "./levels.ts";

const levels: LevelRule[] = [
  { id: "gold", name: "Gold", rank: 2, thresholdMinor: 5_000_000n, earnRateBps: 1000 },
  { id: "bronze", name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
  { id: "silver", name: "Silver", rank: 1, thresholdMinor: 1_500_000n, earnRateBps: 700 },
];

describe("levels", () => {
  it("picks the highest level the spend reaches", () => {
    expect(levelForSpend(levels, 0n)?.id).toBe("bronze");
    expect(levelForSpend(levels, 1_499_999n)?.id).toBe("bronze");
    expect(levelForSpend(levels, 1_500_000n)?.id).toBe("silver");
    expect(levelForSpend(levels, 90_000_000n)?.id).toBe("gold");
    expect(levelForSpend([], 10n)).toBeNull();
  });

  it("names the next level and the spend still needed", () => {
    expect(nextLevel(levels, levels[1] ?? null)?.id).toBe("silver");
    expect(levelProgress(levels, "silver", 3_250_000n)).toMatchObject({
      next: { id: "gold" },
      remainingMinor: 1_750_000n,
      fraction: 0.5,
    });
    expect(levelProgress(levels, "gold", 6_000_000n)).toMatchObject({ next: null, remainingMinor: 0n, fraction: 1 });
  });

  it("refuses thresholds that go down as rank goes up", () => {
    expect(() =>
      levelForSpend([...levels, { id: "x", name: "Platinum", rank: 3, thresholdMinor: 10n, earnRateBps: 1 }], 0n),
    ).toThrow(/Platinum/);
  });
});
