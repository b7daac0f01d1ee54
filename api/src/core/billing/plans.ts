// The plans on offer: rows of `plans`, changed by the platform's operators with SQL (docs/billing.md).
import type { PlanModel } from "@maxl/db";
import type { EngineDeps } from "../context.ts";

export interface PlanView {
  id: string;
  name: string;
  priceMinor: string;
  currency: string;
  periodMonths: number;
  trialDays: number | null;
  /** null means unlimited */
  limits: {
    restaurants: number | null;
    staff: number | null;
    guests: number | null;
    broadcastsPerMonth: number | null;
  };
}

export function planView(plan: PlanModel): PlanView {
  return {
    id: plan.id,
    name: plan.name,
    priceMinor: plan.priceMinor.toString(),
    currency: plan.currency,
    periodMonths: plan.periodMonths,
    trialDays: plan.trialDays,
    limits: {
      restaurants: plan.maxRestaurants,
      staff: plan.maxStaff,
      guests: plan.maxGuests,
      broadcastsPerMonth: plan.maxBroadcastsPerMonth,
    },
  };
}

/** The plans an owner may buy, in the order the platform shows them. */
export async function listPlans(deps: EngineDeps, tenantId: string): Promise<PlanView[]> {
  // plans is platform data without RLS; read in the tenant's unit of work like everything else here
  const plans = await deps.db.withTenant(tenantId, (tx) =>
    tx.plan.findMany({ where: { isPublic: true }, orderBy: [{ sortOrder: "asc" }, { id: "asc" }] }),
  );
  return plans.map(planView);
}
