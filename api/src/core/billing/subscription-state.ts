// The subscription row and the tenant status it drives, inside a tenant's unit of work. A tenant
// without a row is on the trial that started when the tenant was created; the row is written the
// first time anything reads or changes it (lazily, rather than in every place that creates a
// tenant: the seed, the tests' createTestTenant, a future sign-up), so no tenant can be without one.
import type { SubscriptionModel, TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";

/** The only plan code names: where every tenant starts. */
export const TRIAL_PLAN_ID = "trial";

export function addMonths(from: Date, months: number): Date {
  const next = new Date(from.getTime());
  const day = next.getUTCDate();
  next.setUTCMonth(next.getUTCMonth() + months, 1);
  // 31 January + 1 month is the last day of February, not 3 March
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

export const addDays = (from: Date, days: number) => new Date(from.getTime() + days * 86_400_000);
export const addHours = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000);

/** The tenant's subscription, locked for the rest of the unit of work; created as the trial if missing. */
export async function lockSubscription(tx: TenantTx, tenantId: string): Promise<SubscriptionModel> {
  const locked = await tx.$queryRaw<{ tenant_id: string }[]>`
    SELECT tenant_id FROM subscriptions WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  if (locked.length === 0) {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { createdAt: true } });
    if (!tenant) throw new ServiceError("NOT_FOUND", "No such business.", { key: "business-unknown" });
    const trial = await tx.plan.findUniqueOrThrow({ where: { id: TRIAL_PLAN_ID } });
    await tx.$executeRaw`
      INSERT INTO subscriptions (tenant_id, plan_id, status, current_period_start, current_period_end, updated_at)
      VALUES (${tenantId}::uuid, ${trial.id}, 'trialing', ${tenant.createdAt},
              ${addDays(tenant.createdAt, trial.trialDays ?? 14)}, now())
      ON CONFLICT (tenant_id) DO NOTHING`;
    await tx.$queryRaw`SELECT tenant_id FROM subscriptions WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  }
  return tx.subscription.findUniqueOrThrow({ where: { tenantId } });
}

/**
 * tenants.status follows the subscription: `restricted` once grace is over or a cancelled period
 * has ended, `active` again once paid. A `suspended` tenant (the platform's own decision) is left
 * as it is: billing never lifts a suspension.
 */
export async function setTenantStatusFor(tx: TenantTx, tenantId: string, restricted: boolean): Promise<void> {
  await tx.tenant.updateMany({
    where: { id: tenantId, status: { not: "suspended" } },
    data: { status: restricted ? "restricted" : "active" },
  });
}
