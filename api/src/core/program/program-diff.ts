// What an edit changes, field by field: shown by the preview and kept in the audit log. Values
// are JSON-ready (money as strings), so the same list goes to the browser and into audit_log.
import type { ProgramRules } from "../loyalty/program-row.ts";
import type { StoredProgram } from "./program-document.ts";
import type { ProgramInput } from "./program-schemas.ts";

type Json = string | number | boolean | null | { [key: string]: Json };

export interface ProgramChange {
  /** a setting ("earnRateBps"), a level's field ("levels.thresholdMinor") or "levels" for one added or removed */
  field: string;
  /** for level changes: which level (id null for a new one), by its new name when renamed */
  level?: { id: string | null; name: string };
  from: Json;
  to: Json;
}

const settingKeys = [
  "earnRateBps",
  "maxRedeemShareBps",
  "roundingMode",
  "pointValueMinor",
  "pointsLifetimeDays",
  "expiryReminderDays",
  "welcomeBonusPoints",
  "birthdayBonusPoints",
  "birthdayDaysBefore",
  "birthdayDaysAfter",
  "minCheckMinor",
  "levelWindowDays",
  "levelDowngradeGraceDays",
] as const satisfies readonly (keyof ProgramRules)[];

const json = (value: bigint | number | string | null): Json => (typeof value === "bigint" ? value.toString() : value);

export function programDiff(before: StoredProgram, after: ProgramInput): ProgramChange[] {
  const changes: ProgramChange[] = [];
  for (const key of settingKeys) {
    const from = json(before.settings[key]);
    const to = json(after[key]);
    if (from !== to) changes.push({ field: key, from, to });
  }
  const kept = new Set(after.levels.flatMap((level) => (level.id ? [level.id] : [])));
  for (const level of before.levels) {
    if (kept.has(level.id)) continue;
    changes.push({
      field: "levels",
      level: { id: level.id, name: level.name },
      from: {
        name: level.name,
        rank: level.rank,
        thresholdMinor: json(level.thresholdMinor),
        earnRateBps: level.earnRateBps,
      },
      to: null,
    });
  }
  after.levels.forEach((level, rank) => {
    const shown = {
      name: level.name,
      rank,
      thresholdMinor: json(level.thresholdMinor),
      earnRateBps: level.earnRateBps,
    };
    const old = level.id ? before.levels.find((one) => one.id === level.id) : undefined;
    if (!old) {
      changes.push({ field: "levels", level: { id: null, name: level.name }, from: null, to: shown });
      return;
    }
    const ref = { id: old.id, name: level.name };
    const was = {
      name: old.name,
      rank: old.rank,
      thresholdMinor: json(old.thresholdMinor),
      earnRateBps: old.earnRateBps,
    };
    for (const key of ["name", "rank", "thresholdMinor", "earnRateBps"] as const) {
      if (was[key] !== shown[key]) changes.push({ field: `levels.${key}`, level: ref, from: was[key], to: shown[key] });
    }
  });
  return changes;
}

/** Whether who holds which level may change: thresholds, order, levels added or removed, the window. */
export function movesLevels(changes: readonly ProgramChange[]): boolean {
  return changes.some(
    (change) =>
      change.field === "levels" ||
      change.field === "levels.thresholdMinor" ||
      change.field === "levels.rank" ||
      change.field === "levelWindowDays",
  );
}
