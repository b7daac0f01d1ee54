// Cancelling stops renewals; what is paid stays paid until the period's end, when the scheduler
// ends the subscription (see advance-subscription.ts). Resuming before then undoes it.
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
import { currentSubscription, type SubscriptionView } from "./current-subscription.ts";
import { lockSubscription } from "./subscription-state.ts";

export async function cancelAtPeriodEnd(
  deps: BillingDeps,
  command: { tenantId: string; actor: Actor; reason?: string | undefined },
): Promise<SubscriptionView> {
  requireYooKassa(deps);
  const { tenantId, actor } = command;
  await deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    if (sub.status !== "active" && sub.status !== "past_due") {
      throw new ServiceError("CONFLICT", "Only a paid subscription can be cancelled.", {
        key: "billing-nothing-to-cancel",
      });
    }
    if (sub.cancelAtPeriodEnd) return;
    await tx.subscription.update({
      where: { tenantId },
      data: { cancelAtPeriodEnd: true, nextPlanId: null, nextRenewalAt: null },
    });
    await recordAction(
      tx,
      tenantId,
      actor,
      "billing.cancel",
      "subscription",
      tenantId,
      { cancelAtPeriodEnd: { from: false, to: true }, endsAt: sub.currentPeriodEnd.toISOString() },
      { reason: command.reason ?? null },
    );
  });
  return currentSubscription(deps, tenantId);
}

export async function resumeSubscription(
  deps: BillingDeps,
  command: { tenantId: string; actor: Actor },
): Promise<SubscriptionView> {
  requireYooKassa(deps);
  const { tenantId, actor } = command;
  await deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    if (!sub.cancelAtPeriodEnd) return;
    if (sub.status === "canceled" || sub.currentPeriodEnd <= deps.clock()) {
      throw new ServiceError("CONFLICT", "The subscription has ended; choose a plan to subscribe again.", {
        key: "billing-subscription-ended",
      });
    }
    await tx.subscription.update({ where: { tenantId }, data: { cancelAtPeriodEnd: false } });
    await recordAction(tx, tenantId, actor, "billing.resume", "subscription", tenantId, {
      cancelAtPeriodEnd: { from: true, to: false },
    });
  });
  return currentSubscription(deps, tenantId);
}
