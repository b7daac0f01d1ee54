// Everything a points verb decides on, read in one round trip while locking the guest's row.
// The row lock serialises every change to one guest's balance and lots, which is what makes
// parallel redemptions unable to overspend; other guests are not affected.
import { type LevelRule, type RoundingMode, ServiceError } from "@maxl/shared";
import type pg from "pg";

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

export interface GuestState {
  tenantId: string;
  guestId: string;
  balance: number;
  levelId: string | null;
  levelChangedAt: Date | null;
  manualLevelId: string | null;
  manualLevelUntil: Date | null;
  levelDowngradeDueAt: Date | null;
  currency: string;
  timeZone: string;
  program: ProgramRules;
  levels: LevelRule[];
  /** points reserved by open quotes */
  heldPoints: number;
  /** spend within the program's level window, refunds deducted, minor units */
  windowSpendMinor: bigint;
}

interface StateRow {
  balance: number;
  level_id: string | null;
  level_changed_at: Date | null;
  manual_level_id: string | null;
  manual_level_until: Date | null;
  level_downgrade_due_at: Date | null;
  currency: string;
  time_zone: string;
  program: Record<string, unknown> | null;
  levels: { id: string; name: string; rank: number; thresholdMinor: string; earnRateBps: number }[];
  held_points: string;
  window_spend: string;
  stored: { request_hash: string; result: unknown } | null;
}

const LOCK_GUEST = `
  SELECT g.balance, g.level_id, g.level_changed_at, g.manual_level_id, g.manual_level_until, g.level_downgrade_due_at,
         t.currency, t.time_zone,
         CASE WHEN p.tenant_id IS NULL THEN NULL ELSE to_jsonb(p) END AS program,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name, 'rank', l.rank,
                    'thresholdMinor', l.threshold_minor::text, 'earnRateBps', l.earn_rate_bps) ORDER BY l.rank), '[]'::jsonb)
            FROM levels l WHERE l.tenant_id = g.tenant_id) AS levels,
         (SELECT coalesce(sum(h.max_points), 0) FROM redemption_holds h
           WHERE h.tenant_id = g.tenant_id AND h.guest_id = g.id AND h.status = 'held' AND h.expires_at > $3) AS held_points,
         (SELECT coalesce(sum(CASE WHEN c.kind = 'sale' THEN c.amount_minor ELSE -c.amount_minor END), 0)
            FROM checks c LEFT JOIN checks o ON o.tenant_id = c.tenant_id AND o.id = c.refund_of_id
           WHERE c.tenant_id = g.tenant_id AND c.guest_id = g.id
             AND (p.level_window_days IS NULL
                  OR coalesce(o.closed_at, c.closed_at) > $3::timestamptz - make_interval(days => p.level_window_days))
         ) AS window_spend,
         CASE WHEN $4::text IS NULL THEN NULL ELSE (
           SELECT jsonb_build_object('request_hash', o.request_hash, 'result', o.result) FROM loyalty_operations o
            WHERE o.tenant_id = g.tenant_id AND o.idempotency_key = $4) END AS stored
    FROM guests g
    JOIN tenants t ON t.id = g.tenant_id
    LEFT JOIN loyalty_programs p ON p.tenant_id = g.tenant_id
   WHERE g.tenant_id = $1 AND g.id = $2
     FOR UPDATE OF g`;

export async function lockGuest(
  client: pg.PoolClient,
  tenantId: string,
  guestId: string,
  at: Date,
): Promise<GuestState> {
  return (await lockGuestAndFind(client, tenantId, guestId, at, null)).state;
}

/**
 * Locks the guest and, in the same round trip, looks up an earlier answer to an operation's
 * idempotency key (read after the lock, so a racing duplicate finds the winner's result).
 */
export async function lockGuestAndFind(
  client: pg.PoolClient,
  tenantId: string,
  guestId: string,
  at: Date,
  operationKey: string | null,
): Promise<{ state: GuestState; stored: { request_hash: string; result: unknown } | null }> {
  // Named, so each connection plans it once: planning this query costs more than running it.
  const { rows } = await client.query<StateRow>({
    name: "loyalty.lock-guest",
    text: LOCK_GUEST,
    values: [tenantId, guestId, at, operationKey],
  });
  const row = rows[0];
  if (!row) throw new ServiceError("NOT_FOUND", "There is no such guest in this program.");
  return {
    stored: row.stored,
    state: {
      tenantId,
      guestId,
      balance: row.balance,
      levelId: row.level_id,
      levelChangedAt: row.level_changed_at,
      manualLevelId: row.manual_level_id,
      manualLevelUntil: row.manual_level_until,
      levelDowngradeDueAt: row.level_downgrade_due_at,
      currency: row.currency,
      timeZone: row.time_zone,
      program: row.program ? programFromRow(row.program) : defaultProgram,
      levels: row.levels.map((level) => ({ ...level, thresholdMinor: BigInt(level.thresholdMinor) })),
      heldPoints: Number(row.held_points),
      windowSpendMinor: BigInt(row.window_spend),
    },
  };
}

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

/** The guest's level rule, if any. */
export function currentLevel(state: GuestState): LevelRule | null {
  return state.levels.find((level) => level.id === state.levelId) ?? null;
}

/** The earn rate for the guest's next purchase: their level's, or the program's base rate. */
export function earnRate(state: GuestState): number {
  return currentLevel(state)?.earnRateBps ?? state.program.earnRateBps;
}

/** Points the guest can spend now: the balance less what open quotes reserve. */
export function availablePoints(state: GuestState, excludingHeld = 0): number {
  return Math.max(0, state.balance - Math.max(0, state.heldPoints - excludingHeld));
}
