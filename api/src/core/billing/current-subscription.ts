// What the owner's billing page shows: the subscription, its plan and limits, what the business
// uses of them, and the state the admin view turns into a banner (past due, grace, restricted).
import type { SubscriptionModel, TenantTx } from "@maxl/db";
import { COUNTED_AT_SQL } from "../broadcasts/allowance.ts";
import type { EngineDeps } from "../context.ts";
import { TRIAL_NOTICE_DAYS } from "./advance-subscription.ts";
import { type PlanView, planView } from "./plans.ts";
import { lockSubscription } from "./subscription-state.ts";

export interface SubscriptionView {
  status: SubscriptionModel["status"];
  tenantStatus: "active" | "restricted" | "suspended";
  plan: PlanView;
  nextPlan: PlanView | null;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  paymentMethod: { title: string | null } | null;
  graceUntil: string | null;
  renewal: { failedAttempts: number; nextAttemptAt: string | null };
  usage: { restaurants: number; activeStaff: number; guests: number; broadcastsThisMonth: number };
  /** what the admin view should warn about, if anything */
  notice: "trial_ending" | "payment_failed" | "past_due" | "restricted" | "canceled" | "cancel_scheduled" | null;
}

function noticeFor(sub: SubscriptionModel, now: Date): SubscriptionView["notice"] {
  if (sub.status === "restricted") return "restricted";
  if (sub.status === "canceled") return "canceled";
  if (sub.status === "past_due") return "past_due";
  if (sub.renewalAttempts > 0) return "payment_failed";
  if (sub.cancelAtPeriodEnd) return "cancel_scheduled";
  if (sub.status === "trialing" && sub.currentPeriodEnd.getTime() - now.getTime() < TRIAL_NOTICE_DAYS * 86_400_000) {
    return "trial_ending";
  }
  return null;
}

async function viewIn(tx: TenantTx, tenantId: string, now: Date): Promise<SubscriptionView> {
  const sub = await lockSubscription(tx, tenantId);
  // One after another: a transaction's connection runs one query at a time anyway.
  const plan = await tx.plan.findUniqueOrThrow({ where: { id: sub.planId } });
  const nextPlan = sub.nextPlanId ? await tx.plan.findUnique({ where: { id: sub.nextPlanId } }) : null;
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { status: true } });
  const restaurants = await tx.restaurant.count({ where: { tenantId, isActive: true } });
  const activeStaff = await tx.staffUser.count({ where: { tenantId, isActive: true } });
  const guests = await tx.guest.count({ where: { tenantId } });
  return {
    status: sub.status,
    tenantStatus: tenant.status,
    plan: planView(plan),
    nextPlan: nextPlan ? planView(nextPlan) : null,
    currentPeriodStart: sub.currentPeriodStart.toISOString(),
    currentPeriodEnd: sub.currentPeriodEnd.toISOString(),
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    paymentMethod: sub.paymentMethodId ? { title: sub.paymentMethodTitle } : null,
    graceUntil: sub.graceUntil?.toISOString() ?? null,
    renewal: { failedAttempts: sub.renewalAttempts, nextAttemptAt: sub.nextRenewalAt?.toISOString() ?? null },
    usage: { restaurants, activeStaff, guests, broadcastsThisMonth: await broadcastsThisMonth(tx, now) },
    notice: noticeFor(sub, now),
  };
}

/** Broadcasts counted against this month in the tenant's time zone (core/broadcasts/allowance.ts). */
async function broadcastsThisMonth(tx: TenantTx, now: Date): Promise<number> {
  const [row] = await tx.$queryRawUnsafe<{ used: number }[]>(COUNTED_AT_SQL, now);
  return row?.used ?? 0;
}

/** The billing page's data; creates the trial subscription row the first time (see subscription-state.ts). */
export async function currentSubscription(deps: EngineDeps, tenantId: string): Promise<SubscriptionView> {
  return deps.db.withTenant(tenantId, (tx) => viewIn(tx, tenantId, deps.clock()));
}
