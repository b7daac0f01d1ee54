// A tenant's program and levels, cached per process by their version (loyalty_programs.version,
// bumped by a trigger on any change to the program or its levels). Building them from the rows
// on every operation was a quarter of the database's work per accrual (bench/).
import type { LevelRule } from "@maxl/shared";
import type pg from "pg";
import { defaultProgram, type ProgramRules, programFromRow } from "./program-row.ts";

export interface TenantRules {
  version: number | null;
  program: ProgramRules;
  levels: LevelRule[];
}

export interface RulesCache {
  /** The rules at `version`, loading them when this process has not seen that version yet. */
  get(client: pg.PoolClient, tenantId: string, version: number | null): Promise<TenantRules>;
}

const LOAD_RULES = `
  SELECT p.version,
         CASE WHEN p.tenant_id IS NULL THEN NULL ELSE to_jsonb(p) END AS program,
         (SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'name', l.name, 'rank', l.rank,
                    'thresholdMinor', l.threshold_minor::text, 'earnRateBps', l.earn_rate_bps) ORDER BY l.rank), '[]'::jsonb)
            FROM levels l WHERE l.tenant_id = app_current_tenant()) AS levels
    FROM (SELECT 1) AS one
    LEFT JOIN loyalty_programs p ON p.tenant_id = app_current_tenant()`;

interface RulesRow {
  version: number | null;
  program: Record<string, unknown> | null;
  levels: { id: string; name: string; rank: number; thresholdMinor: string; earnRateBps: number }[];
}

export function createRulesCache(maxTenants = 10_000): RulesCache {
  const cache = new Map<string, TenantRules>();
  return {
    async get(client, tenantId, version) {
      const cached = cache.get(tenantId);
      if (cached && version !== null && cached.version === version) return cached;
      const { rows } = await client.query<RulesRow>({ name: "loyalty.load-rules", text: LOAD_RULES });
      const row = rows[0];
      const rules: TenantRules = {
        version: row?.version ?? null,
        program: row?.program ? programFromRow(row.program) : defaultProgram,
        levels: (row?.levels ?? []).map((level) => ({ ...level, thresholdMinor: BigInt(level.thresholdMinor) })),
      };
      // Only a versioned program can be cached: without the row there is no version to watch.
      if (rules.version !== null && rules.version === version) {
        if (cache.size >= maxTenants) cache.delete(cache.keys().next().value ?? "");
        cache.set(tenantId, rules);
      }
      return rules;
    },
  };
}
