// A tenant's program settings as the engine uses them, read from a loyalty_programs row.
import type { RoundingMode } from "@maxl/shared";

export interface ProgramRules {
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
  minCheckMinor: bigint;
  levelWindowDays: number | null;
  levelDowngradeGraceDays: number;
}

// The schema's defaults, for a tenant whose program row has not been written yet.
export const defaultProgram: ProgramRules = {
  earnRateBps: 500,
  maxRedeemShareBps: 3000,
  roundingMode: "floor",
  pointValueMinor: 100,
  pointsLifetimeDays: 365,
  expiryReminderDays: 7,
  welcomeBonusPoints: 0,
  birthdayBonusPoints: 0,
  birthdayDaysBefore: 3,
  birthdayDaysAfter: 3,
  minCheckMinor: 0n,
  levelWindowDays: 365,
  levelDowngradeGraceDays: 30,
};

export function programFromRow(row: Record<string, unknown>): ProgramRules {
  const int = (key: string) => Number(row[key]);
  const optionalInt = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
  return {
    earnRateBps: int("earn_rate_bps"),
    maxRedeemShareBps: int("max_redeem_share_bps"),
    roundingMode: row.rounding_mode as RoundingMode,
    pointValueMinor: int("point_value_minor"),
    pointsLifetimeDays: optionalInt("points_lifetime_days"),
    expiryReminderDays: int("expiry_reminder_days"),
    welcomeBonusPoints: int("welcome_bonus_points"),
    birthdayBonusPoints: int("birthday_bonus_points"),
    birthdayDaysBefore: int("birthday_days_before"),
    birthdayDaysAfter: int("birthday_days_after"),
    minCheckMinor: BigInt(String(row.min_check_minor)),
    levelWindowDays: optionalInt("level_window_days"),
    levelDowngradeGraceDays: int("level_downgrade_grace_days"),
  };
}
