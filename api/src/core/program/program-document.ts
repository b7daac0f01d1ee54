// A tenant's program as the settings page shows it: every setting, the levels in rank order
// with how many guests each holds, and the version an edit must name to be saved.
import type { TenantTx } from "@maxl/db";
import type { RoundingMode } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { defaultProgram, type ProgramRules } from "../loyalty/program-row.ts";

export interface StoredLevel {
  id: string;
  name: string;
  rank: number;
  thresholdMinor: bigint;
  earnRateBps: number;
}

/** The program and levels as stored; version 0 when the tenant has no program row yet. */
export interface StoredProgram {
  version: number;
  updatedAt: Date | null;
  settings: ProgramRules;
  levels: StoredLevel[];
}

export interface ProgramDocument {
  version: number;
  updatedAt: string | null;
  earnRateBps: number;
  maxRedeemShareBps: number;
  roundingMode: RoundingMode;
  pointValueMinor: number;
  pointsLifetimeDays: number | null;
  expiryReminderDays: number;
  welcomeBonusPoints: number;
  birthdayBonusPoints: number;
  birthdayDaysBefore: number;
  birthdayDaysAfter: number;
  minCheckMinor: string;
  levelWindowDays: number | null;
  levelDowngradeGraceDays: number;
  levels: {
    id: string;
    name: string;
    rank: number;
    thresholdMinor: string;
    earnRateBps: number;
    /** guests on this level now (by spend or set by hand); a level with guests cannot be removed */
    guests: number;
  }[];
}

export async function loadStoredProgram(tx: TenantTx, tenantId: string): Promise<StoredProgram> {
  const row = await tx.loyaltyProgram.findUnique({ where: { tenantId } });
  const levels = await tx.level.findMany({ where: { tenantId }, orderBy: { rank: "asc" } });
  return {
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? null,
    settings: row
      ? {
          earnRateBps: row.earnRateBps,
          maxRedeemShareBps: row.maxRedeemShareBps,
          roundingMode: row.roundingMode,
          pointValueMinor: row.pointValueMinor,
          pointsLifetimeDays: row.pointsLifetimeDays,
          expiryReminderDays: row.expiryReminderDays,
          welcomeBonusPoints: row.welcomeBonusPoints,
          birthdayBonusPoints: row.birthdayBonusPoints,
          birthdayDaysBefore: row.birthdayDaysBefore,
          birthdayDaysAfter: row.birthdayDaysAfter,
          minCheckMinor: row.minCheckMinor,
          levelWindowDays: row.levelWindowDays,
          levelDowngradeGraceDays: row.levelDowngradeGraceDays,
        }
      : defaultProgram,
    levels: levels.map(({ id, name, rank, thresholdMinor, earnRateBps }) => ({
      id,
      name,
      rank,
      thresholdMinor,
      earnRateBps,
    })),
  };
}

/** Guests holding each level, counting a level set by hand as held. */
export async function guestsByLevel(tx: TenantTx): Promise<Map<string, number>> {
  const rows = await tx.$queryRaw<{ level_id: string; guests: number }[]>`
    SELECT level_id::text, count(*)::int AS guests FROM (
      SELECT level_id FROM guests WHERE tenant_id = app_current_tenant() AND level_id IS NOT NULL
      UNION ALL
      SELECT manual_level_id FROM guests
       WHERE tenant_id = app_current_tenant() AND manual_level_id IS NOT NULL
         AND manual_level_id IS DISTINCT FROM level_id
    ) AS held GROUP BY level_id`;
  return new Map(rows.map((row) => [row.level_id, row.guests]));
}

export function programDocument(stored: StoredProgram, guests: Map<string, number>): ProgramDocument {
  const { settings } = stored;
  return {
    version: stored.version,
    updatedAt: stored.updatedAt?.toISOString() ?? null,
    ...settings,
    minCheckMinor: settings.minCheckMinor.toString(),
    levels: stored.levels.map((level) => ({
      ...level,
      thresholdMinor: level.thresholdMinor.toString(),
      guests: guests.get(level.id) ?? 0,
    })),
  };
}

/** GET /program: the settings page. */
export async function readProgram(deps: EngineDeps, tenantId: string): Promise<ProgramDocument> {
  return deps.db.withTenant(tenantId, async (tx) =>
    programDocument(await loadStoredProgram(tx, tenantId), await guestsByLevel(tx)),
  );
}
