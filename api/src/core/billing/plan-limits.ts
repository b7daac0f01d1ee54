// What a tenant's plan allows and how much of it is used (issue #8). The plan is the
// subscription's; a tenant without a subscription row is on the trial that started with the
// tenant, exactly the row lockSubscription (subscription-state.ts) would write for it. The
// subscription's clock (advance-subscription.ts) moves the status and tenants.status; this file
// only reads them.
//
// Limits (null = unlimited) are checked by the verbs that create the limited things, inside their
// own transaction and under a tenant-level advisory lock per resource, so two creates at once
// cannot both see "one slot left". Guests are the exception: a guest arriving at the bot or the
// Mini App is always registered (losing a guest because of the restaurant's bill helps nobody),
// and a full plan shows as usage over the limit in the admin view. What a full plan does to
// guests is in accrual-gate.ts: once the tenant is restricted, guests beyond the limit (the
// latest to join) stop earning until the plan is upgraded or paid.
import type { TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type pg from "pg";

export type PlanResource = "restaurants" | "staff" | "guests";
export type SubscriptionStatus = "trialing" | "active" | "past_due" | "restricted" | "canceled";

export interface PlanLimits {
  restaurants: number | null;
  staff: number | null;
  guests: number | null;
  broadcastsPerMonth: number | null;
}

export interface EffectivePlan {
  planId: string;
  planName: string;
  status: SubscriptionStatus;
  /** true when there is no subscription row: the trial every tenant starts on */
  implicitTrial: boolean;
  periodStart: Date;
  periodEnd: Date;
  graceUntil: Date | null;
  /**
   * The restricted state of the issue: past grace, or cancelled and over (both also set
   * tenants.status), or a tenant the platform suspended. Guests beyond the plan stop earning.
   */
  restricted: boolean;
  limits: PlanLimits;
}

/** One row: the tenant, its subscription if any, and the plan that applies. */
export const EFFECTIVE_PLAN_SQL = `
  SELECT t.status::text AS tenant_status, t.created_at AS tenant_created_at,
         s.status::text AS status, s.current_period_start, s.current_period_end, s.grace_until,
         p.id AS plan_id, p.name AS plan_name, p.trial_days, p.max_restaurants, p.max_staff,
         p.max_guests, p.max_broadcasts_per_month
    FROM tenants t
    LEFT JOIN subscriptions s ON s.tenant_id = t.id
    JOIN plans p ON p.id = coalesce(s.plan_id, 'trial')
   WHERE t.id = app_current_tenant()`;

export interface EffectivePlanRow {
  tenant_status: string;
  tenant_created_at: Date;
  status: SubscriptionStatus | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  grace_until: Date | null;
  plan_id: string;
  plan_name: string;
  trial_days: number | null;
  max_restaurants: number | null;
  max_staff: number | null;
  max_guests: number | null;
  max_broadcasts_per_month: number | null;
}

const DAY_MS = 86_400_000;

export function effectivePlanFromRow(row: EffectivePlanRow): EffectivePlan {
  const implicitTrial = row.status === null;
  const periodStart = row.current_period_start ?? row.tenant_created_at;
  const periodEnd = row.current_period_end ?? new Date(periodStart.getTime() + (row.trial_days ?? 14) * DAY_MS);
  const status: SubscriptionStatus = row.status ?? "trialing";
  return {
    planId: row.plan_id,
    planName: row.plan_name,
    status,
    implicitTrial,
    periodStart,
    periodEnd,
    graceUntil: row.grace_until,
    restricted: status === "restricted" || status === "canceled" || row.tenant_status !== "active",
    limits: {
      restaurants: row.max_restaurants,
      staff: row.max_staff,
      guests: row.max_guests,
      broadcastsPerMonth: row.max_broadcasts_per_month,
    },
  };
}

export async function loadEffectivePlan(tx: TenantTx): Promise<EffectivePlan> {
  const [row] = await tx.$queryRawUnsafe<EffectivePlanRow[]>(EFFECTIVE_PLAN_SQL);
  if (!row) throw new ServiceError("NOT_FOUND", "There is no such business.", { key: "business-unknown" });
  return effectivePlanFromRow(row);
}

const USAGE_SQL: Record<PlanResource, string> = {
  restaurants: "SELECT count(*)::int AS used FROM restaurants WHERE tenant_id = app_current_tenant() AND is_active",
  staff: "SELECT count(*)::int AS used FROM staff_users WHERE tenant_id = app_current_tenant() AND is_active",
  guests: "SELECT count(*)::int AS used FROM guests WHERE tenant_id = app_current_tenant()",
};

export async function countUsage(tx: TenantTx, resource: PlanResource): Promise<number> {
  const [row] = await tx.$queryRawUnsafe<{ used: number }[]>(USAGE_SQL[resource]);
  return row?.used ?? 0;
}

const nouns: Record<PlanResource | "broadcasts", [string, string]> = {
  restaurants: ["restaurant", "restaurants"],
  staff: ["active staff member", "active staff members"],
  guests: ["guest", "guests"],
  broadcasts: ["broadcast a month", "broadcasts a month"],
};

export function limitExceeded(
  plan: Pick<EffectivePlan, "planId" | "planName">,
  resource: PlanResource | "broadcasts",
  limit: number,
  used: number,
): ServiceError {
  const [one, many] = nouns[resource];
  return new ServiceError(
    "LIMIT_EXCEEDED",
    `The ${plan.planName} plan allows ${limit} ${limit === 1 ? one : many} and ${used} ${used === 1 ? "is" : "are"} in use. Upgrade the plan on the billing page to add more.`,
    {
      key: "plan-limit",
      vars: { limit, used, plan: plan.planName },
      details: { limit, used, resource, planId: plan.planId, upgrade: true },
    },
  );
}

/**
 * Refuses to add `adding` more of `resource` beyond the plan. Call it in the transaction that
 * creates them, before the insert: it holds the tenant's lock for this resource until that
 * transaction ends, so concurrent creates queue and each counts what the one before committed
 * (read committed: every statement sees the latest commits).
 */
export async function assertWithinPlan(
  tx: TenantTx,
  tenantId: string,
  resource: PlanResource,
  options: { adding?: number } = {},
): Promise<void> {
  await lockPlanResource(tx, tenantId, resource);
  const plan = await loadEffectivePlan(tx);
  const limit = plan.limits[resource];
  if (limit === null) return;
  const used = await countUsage(tx, resource);
  if (used + (options.adding ?? 1) > limit) throw limitExceeded(plan, resource, limit, used);
}

/**
 * How many more of `resource` the plan has room for (null: unlimited), holding the same lock as
 * assertWithinPlan. For bulk creates (a guest import) that take what fits and report the rest.
 */
export async function roomInPlan(
  tx: TenantTx,
  tenantId: string,
  resource: PlanResource,
): Promise<{ room: number | null; plan: EffectivePlan; used: number }> {
  await lockPlanResource(tx, tenantId, resource);
  const plan = await loadEffectivePlan(tx);
  const limit = plan.limits[resource];
  const used = limit === null ? 0 : await countUsage(tx, resource);
  return { room: limit === null ? null : Math.max(0, limit - used), plan, used };
}

async function lockPlanResource(tx: TenantTx, tenantId: string, resource: PlanResource): Promise<void> {
  // An advisory lock rather than the subscription row: a tenant on its implicit trial has none.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`plan-limit:${tenantId}:${resource}`}, 0))`;
}

/**
 * Refuses a broadcast beyond the plan's monthly allowance (core/broadcasts/send-broadcast.ts).
 * The caller counts the broadcasts of the month it will count against, in the tenant's time zone,
 * under its own lock, since only it knows where they are stored. Takes the broadcast verbs' pg
 * client as well as a Prisma transaction.
 */
export async function assertBroadcastAllowed(
  tx: TenantTx | pg.PoolClient,
  request: { sentThisMonth: number },
): Promise<void> {
  let plan: EffectivePlan;
  if ("$queryRawUnsafe" in tx) plan = await loadEffectivePlan(tx);
  else {
    const [row] = (await tx.query<EffectivePlanRow>(EFFECTIVE_PLAN_SQL)).rows;
    if (!row) throw new ServiceError("NOT_FOUND", "There is no such business.", { key: "business-unknown" });
    plan = effectivePlanFromRow(row);
  }
  const limit = plan.limits.broadcastsPerMonth;
  if (limit !== null && request.sentThisMonth + 1 > limit) {
    throw limitExceeded(plan, "broadcasts", limit, request.sentThisMonth);
  }
}
