// What a program edit would do, without writing it: the settings that change, how many guests
// would change level, and example spends ("a guest with 12 000 ₽ spent would move from Silver to
// Gold").
//
// Level moves use the engine's own definitions rather than a second copy of them: the spend is
// the re-evaluation's (loyalty/reevaluate-levels.ts: checks in the level window, a refund
// counted on its sale's date), and each guest's outcome is levelOnReevaluation's (upgrades at
// once, downgrades after the grace period, manual levels held). SQL only groups guests by
// current level, manual-level state and which of the new thresholds their spend reaches; every
// guest in a group gets the same decision, so one call per group decides for all of them.
import { type LevelRule, levelForSpend } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import type { GuestState } from "../loyalty/guest-state.ts";
import { levelOnReevaluation } from "../loyalty/level-decisions.ts";
import { type ProgramChange, programDiff } from "./program-diff.ts";
import { loadStoredProgram, type StoredLevel } from "./program-document.ts";
import type { ProgramInput } from "./program-schemas.ts";
import { assertKnownLevels } from "./update-program.ts";

export interface LevelRef {
  /** null: a level the edit would create */
  id: string | null;
  name: string;
}

export interface LevelMove {
  fromLevel: LevelRef | null;
  toLevel: LevelRef | null;
  guests: number;
  /** "now": at the re-evaluation that follows the save; "after_grace": once the downgrade grace period ends */
  when: "now" | "after_grace";
}

export interface LevelExample {
  spentMinor: string;
  fromLevel: LevelRef | null;
  toLevel: LevelRef | null;
}

export interface ProgramPreview {
  changes: ProgramChange[];
  levelMoves: LevelMove[];
  examples: LevelExample[];
}

// A spend "a little" below a threshold, for the examples: one rouble.
const EXAMPLE_STEP_MINOR = 100n;
const NEW_LEVEL = "new:";
const FAR_FUTURE = new Date("9999-01-01T00:00:00Z");
const LONG_AGO = new Date(0);

interface GroupRow {
  level_id: string | null;
  manual: "none" | "active" | "ended";
  reached: number;
  guests: number;
}

export async function previewProgram(
  deps: EngineDeps,
  request: { tenantId: string; input: ProgramInput },
): Promise<ProgramPreview> {
  const { tenantId, input } = request;
  const at = deps.clock();
  const stored = await deps.db.withTenant(tenantId, (tx) => loadStoredProgram(tx, tenantId));
  assertKnownLevels(stored.levels, input);
  const newLevels: LevelRule[] = input.levels.map((level, rank) => ({
    id: level.id ?? `${NEW_LEVEL}${rank}`,
    name: level.name,
    rank,
    thresholdMinor: level.thresholdMinor,
    earnRateBps: level.earnRateBps,
  }));
  const thresholds = [...new Set(newLevels.map((level) => level.thresholdMinor))].sort((a, b) => (a < b ? -1 : 1));

  const groups = await deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<GroupRow>(
      `WITH spend AS (
         SELECT c.guest_id, sum(CASE WHEN c.kind = 'sale' THEN c.amount_minor ELSE -c.amount_minor END) AS minor
           FROM checks c
           LEFT JOIN checks o ON o.tenant_id = c.tenant_id AND o.id = c.refund_of_id
          WHERE c.tenant_id = app_current_tenant() AND c.guest_id IS NOT NULL
            AND ($2::int IS NULL
                 OR coalesce(o.closed_at, c.closed_at) > $1::timestamptz - make_interval(days => $2::int))
          GROUP BY c.guest_id
       )
       SELECT g.level_id,
              CASE WHEN g.manual_level_id IS NULL THEN 'none'
                   WHEN g.manual_level_until > $1 THEN 'active' ELSE 'ended' END AS manual,
              (SELECT count(*) FROM unnest($3::bigint[]) AS t(minor) WHERE t.minor <= coalesce(s.minor, 0))::int AS reached,
              count(*)::int AS guests
         FROM guests g LEFT JOIN spend s ON s.guest_id = g.id
        WHERE g.tenant_id = app_current_tenant()
        GROUP BY 1, 2, 3`,
      [at, input.levelWindowDays, thresholds.map(String)],
    );
    return rows;
  });

  const refOf = (level: { id: string; name: string } | null): LevelRef | null => {
    if (!level) return null;
    if (level.id.startsWith(NEW_LEVEL)) return { id: null, name: level.name };
    return { id: level.id, name: level.name };
  };
  const storedRef = (id: string | null): LevelRef | null => {
    const level = id === null ? null : (stored.levels.find((one) => one.id === id) ?? null);
    return level ? { id: level.id, name: level.name } : null;
  };

  const moves = new Map<string, LevelMove>();
  for (const group of groups) {
    // The lowest spend in the group: every spend in it reaches the same new levels.
    const spend = group.reached === 0 ? -1n : (thresholds[group.reached - 1] ?? 0n);
    const state = groupState(tenantId, group, newLevels, input, spend);
    const outcome = levelOnReevaluation(state, spend, at);
    let to: LevelRule | null;
    let when: LevelMove["when"];
    if (outcome.change) {
      to = newLevels.find((level) => level.id === outcome.change?.toLevelId) ?? null;
      when = "now";
    } else if (outcome.levelDowngradeDueAt && !state.levelDowngradeDueAt) {
      to = levelForSpend(newLevels, spend);
      when = "after_grace";
    } else continue;
    if ((to?.id ?? null) === group.level_id) continue;
    const key = `${group.level_id}>${to?.id ?? null}>${when}`;
    const move = moves.get(key) ?? { fromLevel: storedRef(group.level_id), toLevel: refOf(to), guests: 0, when };
    move.guests += group.guests;
    moves.set(key, move);
  }

  return {
    changes: programDiff(stored, input),
    levelMoves: [...moves.values()].sort((a, b) => b.guests - a.guests),
    examples: examples(stored.levels, newLevels, refOf),
  };
}

function groupState(
  tenantId: string,
  group: GroupRow,
  levels: LevelRule[],
  input: ProgramInput,
  spend: bigint,
): GuestState {
  const manual = group.manual !== "none";
  const { levels: _levels, ...program } = input;
  return {
    tenantId,
    guestId: "",
    balance: 0,
    levelId: group.level_id,
    levelChangedAt: null,
    manualLevelId: manual ? group.level_id : null,
    manualLevelUntil: group.manual === "active" ? FAR_FUTURE : group.manual === "ended" ? LONG_AGO : null,
    levelDowngradeDueAt: null,
    currency: "",
    timeZone: "UTC",
    program,
    levels,
    heldPoints: 0,
    windowSpendMinor: spend,
  };
}

/** Spends at and just below every old and new threshold whose level the edit would change. */
function examples(
  oldLevels: readonly StoredLevel[],
  newLevels: readonly LevelRule[],
  refOf: (level: LevelRule | null) => LevelRef | null,
): LevelExample[] {
  const spends = new Set<bigint>();
  for (const level of [...oldLevels, ...newLevels]) {
    spends.add(level.thresholdMinor);
    if (level.thresholdMinor >= EXAMPLE_STEP_MINOR) spends.add(level.thresholdMinor - EXAMPLE_STEP_MINOR);
  }
  return [...spends]
    .sort((a, b) => (a < b ? -1 : 1))
    .flatMap((spent) => {
      const from = levelForSpend(oldLevels, spent);
      const to = levelForSpend(newLevels, spent);
      if ((from?.id ?? null) === (to?.id ?? null)) return [];
      return [
        { spentMinor: spent.toString(), fromLevel: from && { id: from.id, name: from.name }, toLevel: refOf(to) },
      ];
    });
}
