// Which lots a spend takes points from: oldest expiry first (lots that never expire last), then
// the oldest lot. Pure, so the rule is tested on its own and used by every verb that spends.

export interface OpenLot {
  id: string;
  remaining: number;
  expiresAt: Date | null;
  createdAt: Date;
}

export interface LotTake {
  lotId: string;
  points: number;
}

export function byExpiryThenAge(a: OpenLot, b: OpenLot): number {
  const expiryA = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const expiryB = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (expiryA !== expiryB) return expiryA - expiryB;
  if (a.createdAt.getTime() !== b.createdAt.getTime()) return a.createdAt.getTime() - b.createdAt.getTime();
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Takes up to `points` from the lots in spending order; returns what was taken from each. */
export function takeFromLots(lots: readonly OpenLot[], points: number): LotTake[] {
  const takes: LotTake[] = [];
  let left = points;
  for (const lot of [...lots].sort(byExpiryThenAge)) {
    if (left <= 0) break;
    const taken = Math.min(lot.remaining, left);
    if (taken > 0) {
      takes.push({ lotId: lot.id, points: taken });
      left -= taken;
    }
  }
  return takes;
}

export function total(takes: readonly LotTake[]): number {
  return takes.reduce((sum, take) => sum + take.points, 0);
}
