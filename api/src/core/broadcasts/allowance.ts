// The plan's monthly allowance of broadcasts. A broadcast counts against the month it is sent in,
// in the tenant's time zone: its counted_month is set when it is sent or scheduled (the month of
// its scheduled time). One cancelled before it started does not count; one cancelled while sending
// does, since guests have had it.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import {
  assertBroadcastAllowed,
  EFFECTIVE_PLAN_SQL,
  type EffectivePlanRow,
  effectivePlanFromRow,
} from "../billing/plan-limits.ts";
import type { EngineDeps } from "../context.ts";

/** "YYYY-MM" of an instant in the tenant's time zone; $1 is the instant. */
export const MONTH_SQL = `SELECT to_char($1::timestamptz AT TIME ZONE t.time_zone, 'YYYY-MM') AS month
  FROM tenants t WHERE t.id = app_current_tenant()`;

/** Broadcasts counted in a month ("YYYY-MM", $1). */
export const COUNTED_SQL = `SELECT count(*)::int AS used FROM broadcasts b
  WHERE b.tenant_id = app_current_tenant() AND b.counted_month = $1
    AND (b.status IN ('scheduled', 'sending', 'sent') OR (b.status = 'cancelled' AND b.started_at IS NOT NULL))`;

/** Broadcasts counted in the tenant-local month of an instant ($1): the billing page's usage. */
export const COUNTED_AT_SQL = COUNTED_SQL.replace(
  "b.counted_month = $1",
  `b.counted_month = (SELECT to_char($1::timestamptz AT TIME ZONE t.time_zone, 'YYYY-MM')
                        FROM tenants t WHERE t.id = app_current_tenant())`,
);

export async function tenantMonth(client: pg.PoolClient, at: Date): Promise<string> {
  const { rows } = await client.query<{ month: string }>(MONTH_SQL, [at]);
  return rows[0]?.month ?? at.toISOString().slice(0, 7);
}

export async function broadcastsCounted(client: pg.PoolClient, month: string): Promise<number> {
  const { rows } = await client.query<{ used: number }>(COUNTED_SQL, [month]);
  return rows[0]?.used ?? 0;
}

/**
 * Holds the tenant's broadcast lock until the transaction ends, so two sends at once cannot both
 * take the month's last broadcast; then refuses one beyond the plan (402, messageKey plan-limit).
 */
export async function reserveBroadcast(client: pg.PoolClient, tenantId: string, month: string) {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`plan-limit:${tenantId}:broadcasts`]);
  const [row] = (await client.query<EffectivePlanRow>(EFFECTIVE_PLAN_SQL)).rows;
  if (!row) throw new ServiceError("NOT_FOUND", "There is no such business.", { key: "business-unknown" });
  const plan = effectivePlanFromRow(row);
  // Decided (see docs/broadcasts.md): a restricted business pays first; its guests' points stay
  // safe, but marketing through the platform waits.
  if (plan.restricted) {
    throw new ServiceError(
      "FORBIDDEN",
      "Broadcasts are paused while the subscription is unpaid or cancelled. Pay or choose a plan on the billing page.",
      { key: "error-broadcast-restricted", details: { upgrade: true } },
    );
  }
  const used = await broadcastsCounted(client, month);
  await assertBroadcastAllowed(client, { sentThisMonth: used });
  return { used, plan };
}

export interface Allowance {
  /** "YYYY-MM" in the tenant's time zone */
  month: string;
  /** null: unlimited */
  limit: number | null;
  used: number;
  planName: string;
  /** broadcasts are refused while the business is restricted (unpaid or cancelled) */
  restricted: boolean;
}

/** What the confirmation names: "broadcast 3 of 4 this month". `at` picks the month (a schedule's). */
export async function broadcastAllowance(deps: EngineDeps, tenantId: string, at?: Date): Promise<Allowance> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const month = await tenantMonth(client, at ?? deps.clock());
    const [row] = (await client.query<EffectivePlanRow>(EFFECTIVE_PLAN_SQL)).rows;
    const plan = row ? effectivePlanFromRow(row) : null;
    return {
      month,
      limit: plan?.limits.broadcastsPerMonth ?? null,
      used: await broadcastsCounted(client, month),
      planName: plan?.planName ?? "",
      restricted: plan?.restricted ?? false,
    };
  });
}
