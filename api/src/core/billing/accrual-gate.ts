// The restricted state on the accrual path: once a tenant is restricted (grace over, cancelled,
// trial run out), guests beyond its plan's guest limit stop earning points. Which guests are
// "beyond" is by joining order (guest ids are UUIDv7, so ordered by creation): the first
// max_guests keep earning, the latest arrivals do not. Balances, redemptions and refunds are not
// touched: the points are the guests'.
//
// Accruals are the hot path (bench/ accruals), so the answer is cached per process and tenant for
// a few seconds: a tenant that is not restricted costs one map lookup, and a restricted one a
// string comparison against the first guest beyond the limit. A payment or an upgrade therefore
// takes up to GATE_TTL_MS to reach every process.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { EFFECTIVE_PLAN_SQL, type EffectivePlanRow, effectivePlanFromRow } from "./plan-limits.ts";

export const GATE_TTL_MS = 5_000;

interface Gate {
  loadedAt: number;
  /** null: every guest may earn */
  firstGuestBeyond: string | null;
  planId: string;
  planName: string;
  limit: number;
}

// Per engine (keyed by its rules cache, which every copy of the deps shares: the POS batch path
// wraps `db` in a new object per batch but keeps `rules`), so each app and each test's app has
// its own and nothing leaks between them, while one engine's copies share one cache.
const gates = new WeakMap<object, Map<string, Gate>>();

function gatesOf(deps: EngineDeps): Map<string, Gate> {
  let map = gates.get(deps.rules);
  if (!map) {
    map = new Map();
    gates.set(deps.rules, map);
  }
  return map;
}

/** Forgets a tenant's cached answer in this process, e.g. right after a payment lifts a restriction. */
export function forgetAccrualGate(deps: EngineDeps, tenantId: string): void {
  gatesOf(deps).delete(tenantId);
}

/** Refuses an accrual for a guest beyond the plan's limit of a restricted tenant. */
export async function assertAccrualAllowed(
  deps: EngineDeps,
  client: pg.PoolClient,
  tenantId: string,
  guestId: string,
): Promise<void> {
  const map = gatesOf(deps);
  const now = performance.now();
  let gate = map.get(tenantId);
  if (!gate || now - gate.loadedAt > GATE_TTL_MS) {
    gate = await loadGate(client, now);
    if (map.size > 10_000) map.clear();
    map.set(tenantId, gate);
  }
  // UUIDs in canonical lower-case form sort as strings the way PostgreSQL sorts them.
  if (gate.firstGuestBeyond !== null && guestId.toLowerCase() >= gate.firstGuestBeyond) {
    throw new ServiceError(
      "LIMIT_EXCEEDED",
      `This guest joined beyond the ${gate.limit} guests of the ${gate.planName} plan, and the plan is restricted (unpaid or expired), so they cannot earn points now. Their balance can still be spent. The owner can pay or upgrade on the billing page.`,
      {
        key: "error-plan-guest-limit",
        vars: { limit: gate.limit, plan: gate.planName },
        details: { limit: gate.limit, resource: "guests", planId: gate.planId, upgrade: true, restricted: true },
      },
    );
  }
}

async function loadGate(client: pg.PoolClient, loadedAt: number): Promise<Gate> {
  const { rows } = await client.query<EffectivePlanRow>({ name: "billing.effective-plan", text: EFFECTIVE_PLAN_SQL });
  const row = rows[0];
  const plan = row ? effectivePlanFromRow(row) : null;
  const limit = plan?.limits.guests ?? null;
  if (!plan?.restricted || limit === null) {
    return { loadedAt, firstGuestBeyond: null, planId: plan?.planId ?? "", planName: plan?.planName ?? "", limit: 0 };
  }
  const beyond = await client.query<{ id: string }>({
    name: "billing.first-guest-beyond",
    text: "SELECT id::text FROM guests WHERE tenant_id = app_current_tenant() ORDER BY id OFFSET $1 LIMIT 1",
    values: [limit],
  });
  return {
    loadedAt,
    firstGuestBeyond: beyond.rows[0]?.id ?? null,
    planId: plan.planId,
    planName: plan.planName,
    limit,
  };
}
