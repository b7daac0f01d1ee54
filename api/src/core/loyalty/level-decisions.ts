// When a guest's level changes, as pure decisions over the locked guest state:
// - a purchase that crosses a threshold upgrades at once (the purchase itself still earns at the
//   rate of the level it was made at);
// - a refund undoes an upgrade that the refunded sale caused, at once;
// - otherwise levels only go down at the scheduled re-evaluation, after a grace period;
// - an admin's manual level holds until its end date, then the computed level applies at once.
import { type LevelRule, levelForSpend } from "@maxl/shared";
import { currentLevel, type GuestState } from "./guest-state.ts";

export type LevelChangeReason = "purchase" | "refund" | "reevaluation" | "manual" | "manual_ended";

export interface LevelChange {
  fromLevelId: string | null;
  toLevelId: string | null;
  reason: LevelChangeReason;
}

export interface LevelFields {
  levelId: string | null;
  levelChangedAt: Date | null;
  manualLevelId: string | null;
  manualLevelUntil: Date | null;
  levelDowngradeDueAt: Date | null;
}

export interface LevelOutcome extends LevelFields {
  change: LevelChange | null;
}

const DAY_MS = 86_400_000;

export function levelFields(state: GuestState): LevelFields {
  return {
    levelId: state.levelId,
    levelChangedAt: state.levelChangedAt,
    manualLevelId: state.manualLevelId,
    manualLevelUntil: state.manualLevelUntil,
    levelDowngradeDueAt: state.levelDowngradeDueAt,
  };
}

function unchanged(state: GuestState): LevelOutcome {
  return { ...levelFields(state), change: null };
}

function moveTo(state: GuestState, to: LevelRule | null, at: Date, reason: LevelChangeReason): LevelOutcome {
  return {
    levelId: to?.id ?? null,
    levelChangedAt: at,
    manualLevelId: null,
    manualLevelUntil: null,
    levelDowngradeDueAt: null,
    change: { fromLevelId: state.levelId, toLevelId: to?.id ?? null, reason },
  };
}

function rankOf(level: LevelRule | null): number {
  return level?.rank ?? -1;
}

export function manualLevelActive(state: GuestState, at: Date): boolean {
  return state.manualLevelId !== null && state.manualLevelUntil !== null && state.manualLevelUntil > at;
}

/** After a sale: upgrade when the spend now reaches a higher level. */
export function levelAfterPurchase(state: GuestState, spendMinor: bigint, at: Date): LevelOutcome {
  const reached = levelForSpend(state.levels, spendMinor);
  const current = currentLevel(state);
  if (rankOf(reached) > rankOf(current)) return moveTo(state, reached, at, "purchase");
  if (state.levelDowngradeDueAt && rankOf(reached) >= rankOf(current)) {
    // Back above the threshold during the grace period: the downgrade is off.
    return { ...levelFields(state), levelDowngradeDueAt: null, change: null };
  }
  return unchanged(state);
}

/**
 * After a refund: if the refunded sale is what lifted the guest to their current level, and the
 * spend without it no longer reaches that level, the upgrade is undone.
 */
export function levelAfterRefund(
  state: GuestState,
  spendMinor: bigint,
  at: Date,
  upgradedToBySale: string | null,
): LevelOutcome {
  if (!upgradedToBySale || state.levelId !== upgradedToBySale || manualLevelActive(state, at)) return unchanged(state);
  const reached = levelForSpend(state.levels, spendMinor);
  if (rankOf(reached) < rankOf(currentLevel(state))) return moveTo(state, reached, at, "refund");
  return unchanged(state);
}

/** The scheduled re-evaluation: downgrades after the grace period, ends manual levels. */
export function levelOnReevaluation(state: GuestState, spendMinor: bigint, at: Date): LevelOutcome {
  const reached = levelForSpend(state.levels, spendMinor);
  const current = currentLevel(state);
  if (state.manualLevelId !== null) {
    if (manualLevelActive(state, at)) {
      return rankOf(reached) > rankOf(current) ? moveTo(state, reached, at, "reevaluation") : unchanged(state);
    }
    if (reached?.id === state.levelId) {
      return { ...levelFields(state), manualLevelId: null, manualLevelUntil: null, change: null };
    }
    return moveTo(state, reached, at, "manual_ended");
  }
  if (rankOf(reached) > rankOf(current)) return moveTo(state, reached, at, "reevaluation");
  if (rankOf(reached) === rankOf(current)) {
    return state.levelDowngradeDueAt
      ? { ...levelFields(state), levelDowngradeDueAt: null, change: null }
      : unchanged(state);
  }
  if (!state.levelDowngradeDueAt) {
    const due = new Date(at.getTime() + state.program.levelDowngradeGraceDays * DAY_MS);
    if (due > at) return { ...levelFields(state), levelDowngradeDueAt: due, change: null };
  } else if (state.levelDowngradeDueAt > at) {
    return unchanged(state);
  }
  return moveTo(state, reached, at, "reevaluation");
}
