// The scheduled level re-evaluation (daily per tenant): starts the grace period for guests whose
// spend fell below their level, downgrades those whose grace ended, ends manual levels past
// their date, and clears a pending downgrade when the spend recovered. Guests whose level already
// matches their spend, with nothing pending, are not touched.
import type { EngineDeps } from "../context.ts";
import { lockGuest } from "./guest-state.ts";
import { levelFields, levelOnReevaluation } from "./level-decisions.ts";
import { sameLevelFields, writeLevel } from "./write-level.ts";

export interface ReevaluationRun {
  examined: number;
  changed: number;
  graceStarted: number;
}

export async function reevaluateLevels(deps: EngineDeps, tenantId: string): Promise<ReevaluationRun> {
  const at = deps.clock();
  const candidates = await deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `WITH spend AS (
         SELECT c.guest_id, sum(CASE WHEN c.kind = 'sale' THEN c.amount_minor ELSE -c.amount_minor END) AS minor
           FROM checks c
           LEFT JOIN checks o ON o.tenant_id = c.tenant_id AND o.id = c.refund_of_id
           JOIN loyalty_programs p ON p.tenant_id = c.tenant_id
          WHERE c.tenant_id = app_current_tenant() AND c.guest_id IS NOT NULL
            AND (p.level_window_days IS NULL
                 OR coalesce(o.closed_at, c.closed_at) > $1::timestamptz - make_interval(days => p.level_window_days))
          GROUP BY c.guest_id
       )
       SELECT g.id FROM guests g LEFT JOIN spend s ON s.guest_id = g.id
        WHERE g.tenant_id = app_current_tenant()
          AND (g.manual_level_id IS NOT NULL OR g.level_downgrade_due_at IS NOT NULL
               OR g.level_id IS DISTINCT FROM (
                 SELECT l.id FROM levels l
                  WHERE l.tenant_id = g.tenant_id AND l.threshold_minor <= coalesce(s.minor, 0)
                  ORDER BY l.rank DESC LIMIT 1))`,
      [at],
    );
    return rows.map((row) => row.id);
  });

  const run: ReevaluationRun = { examined: candidates.length, changed: 0, graceStarted: 0 };
  for (const guestId of candidates) {
    await deps.db.withTenantClient(tenantId, async (client) => {
      const state = await lockGuest(client, deps.rules, tenantId, guestId, at);
      const outcome = levelOnReevaluation(state, state.windowSpendMinor, at);
      const before = { ...levelFields(state), change: null };
      if (sameLevelFields(before, outcome)) return;
      if (outcome.change) run.changed += 1;
      else if (outcome.levelDowngradeDueAt && !state.levelDowngradeDueAt) run.graceStarted += 1;
      await writeLevel(client, guestId, outcome, at);
    });
  }
  return run;
}
