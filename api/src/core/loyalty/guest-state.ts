// Everything a points verb decides on, read right after locking the guest's row. The row lock
// serialises every change to one guest's balance and lots, which is what makes parallel
// redemptions unable to overspend; other guests are not affected.
//
// The lock and the read are two statements on purpose. In READ COMMITTED a statement reads as of
// its start: a single SELECT ... FOR UPDATE that waits for another operation on the guest gets
// the guest's row as that operation left it, but its sub-selects (checks in the level window,
// open holds, the stored answer) as they were before, so a check closed a moment earlier by the
// operation it waited for would be missing from the level decision. The read after the lock
// starts after the wait, and sees everything the lock waited for.
import { type LevelRule, pointsEarned, ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { ProgramRules } from "./program-row.ts";
import type { RulesCache } from "./program-rules.ts";

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
  program_version: number | null;
  held_points: string;
  window_spend: string;
  stored: { request_hash: string; result: unknown } | null;
}

const LOCK_GUEST = "SELECT 1 FROM guests WHERE tenant_id = $1 AND id = $2 FOR UPDATE";

const READ_GUEST = `
  SELECT g.balance, g.level_id, g.level_changed_at, g.manual_level_id, g.manual_level_until, g.level_downgrade_due_at,
         t.currency, t.time_zone,
         p.version AS program_version,
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
   WHERE g.tenant_id = $1 AND g.id = $2`;

export async function lockGuest(
  client: pg.PoolClient,
  rules: RulesCache,
  tenantId: string,
  guestId: string,
  at: Date,
): Promise<GuestState> {
  return (await lockGuestAndFind(client, rules, tenantId, guestId, at, null)).state;
}

/**
 * Locks the guest and then reads their state together with an earlier answer to an operation's
 * idempotency key (read after the lock, so a racing duplicate finds the winner's result).
 */
export async function lockGuestAndFind(
  client: pg.PoolClient,
  rules: RulesCache,
  tenantId: string,
  guestId: string,
  at: Date,
  operationKey: string | null,
): Promise<{ state: GuestState; stored: { request_hash: string; result: unknown } | null }> {
  // Named, so each connection plans them once: planning the read costs more than running it.
  const lock = await client.query({ name: "loyalty.lock-guest", text: LOCK_GUEST, values: [tenantId, guestId] });
  const { rows } = lock.rowCount
    ? await client.query<StateRow>({
        name: "loyalty.read-guest",
        text: READ_GUEST,
        values: [tenantId, guestId, at, operationKey],
      })
    : { rows: [] };
  const row = rows[0];
  if (!row)
    throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
  return { stored: row.stored, state: await stateFromRow(client, rules, tenantId, guestId, row) };
}

async function stateFromRow(
  client: pg.PoolClient,
  rules: RulesCache,
  tenantId: string,
  guestId: string,
  row: StateRow,
): Promise<GuestState> {
  const { program, levels } = await rules.get(client, tenantId, row.program_version);
  return {
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
    program,
    levels,
    heldPoints: Number(row.held_points),
    windowSpendMinor: BigInt(row.window_spend),
  };
}

// The batch form of LOCK_GUEST and READ_GUEST for several guests of one tenant: the locks first,
// in id order (so two batches cannot deadlock), then the reads under them.
const LOCK_GUESTS = `
  SELECT g.id FROM guests g WHERE g.tenant_id = $1 AND g.id = ANY($2::uuid[]) ORDER BY g.id FOR UPDATE OF g`;

const READ_LOCKED_GUESTS = `
  SELECT g.id AS guest_id, g.balance, g.level_id, g.level_changed_at, g.manual_level_id, g.manual_level_until,
         g.level_downgrade_due_at, t.currency, t.time_zone,
         p.version AS program_version,
         (SELECT coalesce(sum(h.max_points), 0) FROM redemption_holds h
           WHERE h.tenant_id = g.tenant_id AND h.guest_id = g.id AND h.status = 'held' AND h.expires_at > $3) AS held_points,
         (SELECT coalesce(sum(CASE WHEN c.kind = 'sale' THEN c.amount_minor ELSE -c.amount_minor END), 0)
            FROM checks c LEFT JOIN checks o ON o.tenant_id = c.tenant_id AND o.id = c.refund_of_id
           WHERE c.tenant_id = g.tenant_id AND c.guest_id = g.id
             AND (p.level_window_days IS NULL
                  OR coalesce(o.closed_at, c.closed_at) > $3::timestamptz - make_interval(days => p.level_window_days))
         ) AS window_spend,
         (SELECT jsonb_build_object('request_hash', o.request_hash, 'result', o.result) FROM loyalty_operations o
           WHERE o.tenant_id = g.tenant_id AND o.idempotency_key = k.key) AS stored
    FROM unnest($2::uuid[], $4::text[]) AS k(guest_id, key)
    JOIN guests g ON g.tenant_id = $1 AND g.id = k.guest_id
    JOIN tenants t ON t.id = g.tenant_id
    LEFT JOIN loyalty_programs p ON p.tenant_id = g.tenant_id`;

export interface LockedGuest {
  state: GuestState;
  stored: { request_hash: string; result: unknown } | null;
}

/**
 * lockGuestAndFind for several guests at once, each with one operation's idempotency key (each
 * guest at most once): two round trips whatever their number. A guest that does not exist is
 * absent from the answer.
 */
export async function lockGuestsAndFind(
  client: pg.PoolClient,
  rules: RulesCache,
  tenantId: string,
  wanted: readonly { guestId: string; operationKey: string }[],
  at: Date,
): Promise<Map<string, LockedGuest>> {
  const guestIds = wanted.map((item) => item.guestId);
  if (new Set(guestIds).size !== guestIds.length) throw new Error("lockGuestsAndFind: each guest at most once");
  await client.query({ name: "loyalty.lock-guests", text: LOCK_GUESTS, values: [tenantId, guestIds] });
  const { rows } = await client.query<StateRow & { guest_id: string }>({
    name: "loyalty.read-locked-guests",
    text: READ_LOCKED_GUESTS,
    values: [tenantId, guestIds, at, wanted.map((item) => item.operationKey)],
  });
  const locked = new Map<string, LockedGuest>();
  for (const row of rows) {
    locked.set(row.guest_id, {
      stored: row.stored,
      state: await stateFromRow(client, rules, tenantId, row.guest_id, row),
    });
  }
  return locked;
}

/** The guest's level rule, if any. */
export function currentLevel(state: GuestState): LevelRule | null {
  return state.levels.find((level) => level.id === state.levelId) ?? null;
}

/** The earn rate for the guest's next purchase: their level's, or the program's base rate. */
export function earnRate(state: GuestState): number {
  return currentLevel(state)?.earnRateBps ?? state.program.earnRateBps;
}

/** Points a purchase paid `paidMinor` in money earns the guest: none below the program's minimum check. */
export function pointsEarnedOn(state: GuestState, paidMinor: bigint): number {
  const { program } = state;
  if (paidMinor < program.minCheckMinor) return 0;
  return pointsEarned({
    paidMinor,
    earnRateBps: earnRate(state),
    pointValueMinor: program.pointValueMinor,
    rounding: program.roundingMode,
  });
}

/** Points the guest can spend now: the balance less what open quotes reserve. */
export function availablePoints(state: GuestState, excludingHeld = 0): number {
  return Math.max(0, state.balance - Math.max(0, state.heldPoints - excludingHeld));
}
