// Levels (tiers) are ordered by rank with non-decreasing spend thresholds. These functions are
// shared by the engine, which decides levels, and the apps, which show progress.

export interface LevelRule {
  id: string;
  name: string;
  rank: number;
  /** spend within the program's window needed to hold this level, minor units */
  thresholdMinor: bigint;
  earnRateBps: number;
}

/** Levels sorted by rank; throws if thresholds go down as rank goes up. */
export function orderLevels(levels: readonly LevelRule[]): LevelRule[] {
  const sorted = [...levels].sort((a, b) => a.rank - b.rank);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (previous && current && current.thresholdMinor < previous.thresholdMinor) {
      throw new RangeError(`level "${current.name}" needs less spend than the level below it`);
    }
  }
  return sorted;
}

/** The highest level whose threshold the spend reaches; null below every threshold. */
export function levelForSpend(levels: readonly LevelRule[], spendMinor: bigint): LevelRule | null {
  let reached: LevelRule | null = null;
  for (const level of orderLevels(levels)) {
    if (level.thresholdMinor <= spendMinor) reached = level;
  }
  return reached;
}

export function nextLevel(levels: readonly LevelRule[], current: LevelRule | null): LevelRule | null {
  const ordered = orderLevels(levels);
  if (!current) return ordered[0] ?? null;
  return ordered.find((level) => level.rank > current.rank) ?? null;
}

export interface LevelProgress {
  current: LevelRule | null;
  next: LevelRule | null;
  /** spend still needed for the next level, minor units; 0 at the top */
  remainingMinor: bigint;
  /** 0..1 of the way from the current level's threshold to the next one's */
  fraction: number;
}

export function levelProgress(
  levels: readonly LevelRule[],
  currentId: string | null,
  spendMinor: bigint,
): LevelProgress {
  const current = levels.find((level) => level.id === currentId) ?? null;
  const next = nextLevel(levels, current);
  if (!next) return { current, next: null, remainingMinor: 0n, fraction: 1 };
  const floor = current?.thresholdMinor ?? 0n;
  const span = next.thresholdMinor - floor;
  const done = spendMinor - floor;
  const remainingMinor = next.thresholdMinor > spendMinor ? next.thresholdMinor - spendMinor : 0n;
  const fraction = span <= 0n ? 1 : Math.min(1, Math.max(0, Number((done * 10_000n) / span) / 10_000));
  return { current, next, remainingMinor, fraction };
}
