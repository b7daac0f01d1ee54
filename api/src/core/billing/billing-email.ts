// The business's billing e-mail: where YooKassa sends the receipts (54-FZ) of its payments and
// refunds. The first checkout fills it with the paying owner's address; the owner reads and
// changes it here. Renewals read it each time they build a request (receipts.ts), so a change
// reaches the next charge.
import { ServiceError } from "@maxl/shared";
import { z } from "zod";
import { recordAction } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
import { lockSubscription } from "./subscription-state.ts";

/** As long as a staff member's e-mail may be: the owner's own address always fits. */
export const BILLING_EMAIL_MAX = 200;

export interface BillingEmailView {
  /** null until the first checkout or the owner names one */
  email: string | null;
}

const address = z.email().max(BILLING_EMAIL_MAX);

export async function billingEmail(deps: BillingDeps, tenantId: string): Promise<BillingEmailView> {
  requireYooKassa(deps);
  // A read: no subscription row is written for a business that has none yet.
  const sub = await deps.db.withTenant(tenantId, (tx) =>
    tx.subscription.findUnique({ where: { tenantId }, select: { billingEmail: true } }),
  );
  return { email: sub?.billingEmail ?? null };
}

export async function changeBillingEmail(
  deps: BillingDeps,
  command: { tenantId: string; actor: Actor; email: string },
): Promise<BillingEmailView> {
  requireYooKassa(deps);
  const { tenantId, actor } = command;
  const email = command.email.trim();
  if (!address.safeParse(email).success) {
    // YooKassa would refuse a receipt to it, and the renewals built with it would fail.
    throw new ServiceError("VALIDATION", "Enter an e-mail address for the receipts, like name@example.com.", {
      key: "billing-email-invalid",
      fields: [{ path: "email", message: "is not an e-mail address" }],
    });
  }
  return deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    if (sub.billingEmail === email) return { email };
    await tx.subscription.update({ where: { tenantId }, data: { billingEmail: email } });
    await recordAction(tx, tenantId, actor, "billing.email_changed", "subscription", tenantId, {
      billingEmail: { from: sub.billingEmail, to: email },
    });
    return { email };
  });
}
