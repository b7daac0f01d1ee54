// Level changes that move no points (re-evaluation, an admin's manual level) are written on their
// own: the guest's level fields and, when the level itself changes, a level.changed event.
import type pg from "pg";
import type { LevelOutcome } from "./level-decisions.ts";

export async function writeLevel(
  client: pg.PoolClient,
  guestId: string,
  outcome: LevelOutcome,
  at: Date,
): Promise<void> {
  await client.query(
    `WITH event AS (
       INSERT INTO outbox_events (tenant_id, type, payload, created_at)
       SELECT app_current_tenant(), 'level.changed', $7::jsonb, $8 WHERE $7::jsonb IS NOT NULL
     )
     UPDATE guests SET level_id = $2, level_changed_at = $3, manual_level_id = $4, manual_level_until = $5,
                       level_downgrade_due_at = $6, updated_at = $8
      WHERE tenant_id = app_current_tenant() AND id = $1`,
    [
      guestId,
      outcome.levelId,
      outcome.levelChangedAt,
      outcome.manualLevelId,
      outcome.manualLevelUntil,
      outcome.levelDowngradeDueAt,
      outcome.change ? JSON.stringify({ guestId, ...outcome.change, at: at.toISOString() }) : null,
      at,
    ],
  );
}

export function sameLevelFields(a: LevelOutcome, b: LevelOutcome): boolean {
  const time = (value: Date | null) => value?.getTime() ?? null;
  return (
    a.levelId === b.levelId &&
    a.manualLevelId === b.manualLevelId &&
    time(a.manualLevelUntil) === time(b.manualLevelUntil) &&
    time(a.levelDowngradeDueAt) === time(b.levelDowngradeDueAt)
  );
}
