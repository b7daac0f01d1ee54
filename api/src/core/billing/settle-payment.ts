// What a payment's state at YooKassa means for our books and the subscription. Called with a
// payment object fetched from YooKassa's API (never with a notification's body, which anyone can
// forge: notifications carry no signature). Idempotent and order-independent: a payment's
// succeeded/canceled is final, so only the first change from pending is acted on; a repeat, or
// a "canceled" arriving after "succeeded", finds the row settled and changes nothing.
import type { BillingPaymentModel, TenantTx } from "@maxl/db";
import type { BillingDeps } from "./billing-deps.ts";
import { addHours, lockSubscription, setTenantStatusFor } from "./subscription-state.ts";
import { minorFromYookassa, type YooKassaPayment } from "./yookassa-client.ts";

export const BILLING_PAYMENT_SUCCEEDED = "billing.payment_succeeded";
export const BILLING_RENEWAL_FAILED = "billing.renewal_failed";

export type SettleOutcome =
  | { outcome: "succeeded" | "canceled" | "updated" | "unchanged"; paymentId: string }
  | { outcome: "unknown"; reason: string };

const FINAL = new Set(["succeeded", "canceled"]);

/** Our payment for a YooKassa payment: by its id, or (if the create's answer was lost) by our metadata. */
async function lockOurPayment(
  tx: TenantTx,
  tenantId: string,
  payment: YooKassaPayment,
): Promise<BillingPaymentModel | null> {
  const ourId = typeof payment.metadata?.paymentId === "string" ? payment.metadata.paymentId : null;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM billing_payments
     WHERE tenant_id = ${tenantId}::uuid
       AND (yookassa_payment_id = ${payment.id}
            OR (yookassa_payment_id IS NULL AND id::text = ${ourId ?? ""}))
     FOR UPDATE`;
  const id = rows[0]?.id;
  return id ? tx.billingPayment.findUnique({ where: { tenantId_id: { tenantId, id } } }) : null;
}

export async function settlePaymentIn(
  tx: TenantTx,
  deps: BillingDeps,
  tenantId: string,
  payment: YooKassaPayment,
): Promise<SettleOutcome> {
  const ours = await lockOurPayment(tx, tenantId, payment);
  if (!ours) return { outcome: "unknown", reason: "no payment of ours has this YooKassa id" };
  if (ours.yookassaPaymentId === null) {
    await tx.billingPayment.update({
      where: { tenantId_id: { tenantId, id: ours.id } },
      data: { yookassaPaymentId: payment.id },
    });
  }
  if (FINAL.has(ours.status)) return { outcome: "unchanged", paymentId: ours.id };
  if (minorFromYookassa(payment.amount.value) !== ours.amountMinor || payment.amount.currency !== ours.currency) {
    // Not what we asked for: nothing is granted on it; support looks at it.
    return { outcome: "unknown", reason: `amount ${payment.amount.value} ${payment.amount.currency} is not ours` };
  }
  const now = deps.clock();
  const where = { tenantId_id: { tenantId, id: ours.id } };

  if (payment.status === "succeeded") {
    const paidAt = payment.captured_at ? new Date(payment.captured_at) : now;
    await tx.billingPayment.update({ where, data: { status: "succeeded", paidAt } });
    const sub = await lockSubscription(tx, tenantId);
    // A renewal only ever moves the period forward. A checkout starts the period it paid for,
    // unless the period now running was paid (by a renewal, while the owner sat on YooKassa's
    // page) and ends later than this one would: a late checkout never shortens a paid period.
    const extends_ =
      ours.kind === "checkout"
        ? ours.periodEnd > sub.currentPeriodEnd || !(await paidFurther(tx, tenantId, ours.id, sub.currentPeriodEnd))
        : ours.periodEnd > sub.currentPeriodEnd;
    const method = payment.payment_method?.saved ? payment.payment_method : null;
    await tx.subscription.update({
      where: { tenantId },
      data: {
        status: "active",
        ...(extends_
          ? { planId: ours.planId, currentPeriodStart: ours.periodStart, currentPeriodEnd: ours.periodEnd }
          : {}),
        ...(extends_ && ours.kind === "renewal" ? { nextPlanId: null } : {}),
        ...(ours.kind === "checkout" ? { cancelAtPeriodEnd: false, nextPlanId: null } : {}),
        ...(method ? { paymentMethodId: method.id, paymentMethodTitle: method.title ?? method.type ?? null } : {}),
        graceUntil: null,
        renewalAttempts: 0,
        nextRenewalAt: null,
      },
    });
    await setTenantStatusFor(tx, tenantId, false);
    await tx.outboxEvent.create({
      data: {
        tenantId,
        type: BILLING_PAYMENT_SUCCEEDED,
        payload: { paymentId: ours.id, kind: ours.kind, planId: ours.planId, periodEnd: ours.periodEnd.toISOString() },
        dedupeKey: `billing.payment_succeeded:${ours.id}`,
      },
    });
    return { outcome: "succeeded", paymentId: ours.id };
  }

  if (payment.status === "canceled") {
    const reason = payment.cancellation_details?.reason ?? null;
    await tx.billingPayment.update({ where, data: { status: "canceled", cancellationReason: reason } });
    if (ours.kind === "renewal") await scheduleRetry(tx, deps, tenantId, ours, reason, now);
    return { outcome: "canceled", paymentId: ours.id };
  }

  const confirmationUrl = payment.confirmation?.confirmation_url ?? ours.confirmationUrl;
  if (payment.status === ours.status && confirmationUrl === ours.confirmationUrl) {
    return { outcome: "unchanged", paymentId: ours.id };
  }
  await tx.billingPayment.update({ where, data: { status: payment.status, confirmationUrl } });
  return { outcome: "updated", paymentId: ours.id };
}

/** Whether another payment that succeeded paid for the period ending at `periodEnd`. */
async function paidFurther(tx: TenantTx, tenantId: string, exceptId: string, periodEnd: Date): Promise<boolean> {
  const paid = await tx.billingPayment.count({
    where: { tenantId, id: { not: exceptId }, status: "succeeded", periodEnd },
  });
  return paid > 0;
}

/** A renewal for the current period failed: the next try per BILLING_RETRY_HOURS, and the owner told. */
export async function scheduleRetry(
  tx: TenantTx,
  deps: BillingDeps,
  tenantId: string,
  payment: BillingPaymentModel,
  reason: string | null,
  now: Date,
): Promise<void> {
  const sub = await lockSubscription(tx, tenantId);
  // a renewal for a period the subscription has already left behind (paid otherwise) is history
  if (payment.periodStart.getTime() !== sub.currentPeriodEnd.getTime()) return;
  const failed = sub.renewalAttempts + 1;
  const waitHours = deps.billing.retryHours[failed - 1];
  const nextRenewalAt = waitHours === undefined ? null : addHours(now, waitHours);
  await tx.subscription.update({ where: { tenantId }, data: { renewalAttempts: failed, nextRenewalAt } });
  await tx.outboxEvent.create({
    data: {
      tenantId,
      type: BILLING_RENEWAL_FAILED,
      payload: {
        paymentId: payment.id,
        attempt: failed,
        reason,
        nextAttemptAt: nextRenewalAt?.toISOString() ?? null,
        periodEnd: sub.currentPeriodEnd.toISOString(),
      },
      dedupeKey: `billing.renewal_failed:${payment.id}`,
    },
  });
}

/** settlePaymentIn in its own unit of work. */
export function settlePayment(deps: BillingDeps, tenantId: string, payment: YooKassaPayment): Promise<SettleOutcome> {
  return deps.db.withTenant(tenantId, (tx) => settlePaymentIn(tx, deps, tenantId, payment));
}
