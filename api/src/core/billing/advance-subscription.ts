// The subscription's clock, run by the workers' scheduler for each tenant with something due:
//
//   trialing/active --period end, unpaid--> past_due (grace_until = end + BILLING_GRACE_DAYS)
//   past_due --grace over--> restricted            active/past_due --cancelled, period end--> canceled
//   any --a payment succeeds (settle-payment.ts)--> active
//
// and the renewal charge: from BILLING_RENEW_BEFORE_HOURS before the period's end, the saved
// payment method is charged with a STABLE Idempotence-Key (a UUID derived from
// renewal:<tenant>:<period end>:<attempt>, see idempotence-keys.ts) and the body stored with the
// row, so a crashed or repeated job sends the same key and the same body and YooKassa answers
// with the same payment; a failed attempt (settle-payment.ts) schedules the next per
// BILLING_RETRY_HOURS. A renewal needs a receipt contact (54-FZ): without an active owner or a
// billing e-mail the attempt fails at once, as a declined one would, and the owner is told.
//
// The owner is also told, once each, when the trial is about to end (TRIAL_NOTICE_DAYS before)
// and when the business becomes restricted (outbox events for the workers' owner notifications).
//
// restricted and canceled both set tenants.status = 'restricted': guests keep their points and
// still see them (Mini App, bot), staff still sign in, look and pay; accruals beyond the plan's
// limits stop (enforced where points are written, from subscriptions/plans/tenants.status).
import type { BillingPaymentModel, Prisma } from "@maxl/db";
import type { BillingDeps } from "./billing-deps.ts";
import { keyFromLabel, renewalLabel } from "./idempotence-keys.ts";
import { receiptEmail, receiptFor, subscriptionDescription } from "./receipts.ts";
import { scheduleRetry, settlePayment } from "./settle-payment.ts";
import { addDays, addHours, addMonths, lockSubscription, setTenantStatusFor } from "./subscription-state.ts";
import { type CreatePaymentRequest, YooKassaError, yookassaAmount } from "./yookassa-client.ts";

export const BILLING_TRIAL_ENDING = "billing.trial_ending";
export const BILLING_RESTRICTED = "billing.restricted";
/** How long before the trial's end the owner is told (and the admin view warns). */
export const TRIAL_NOTICE_DAYS = 3;
/** Why a renewal failed before it was sent: nobody to send its receipt to. */
export const NO_RECEIPT_CONTACT = "no_receipt_contact";

export interface AdvanceOutcome {
  /** the state change made, if any */
  transition: `${string}->${string}` | null;
  /** what the renewal charge did, if one was due */
  renewal: "none" | "created" | "succeeded" | "canceled" | "pending" | "refused";
}

/** The Idempotence-Key of a renewal attempt: a UUID derived from renewalLabel(). */
export function renewalKey(tenantId: string, periodEnd: Date, attempt: number): string {
  return keyFromLabel(renewalLabel(tenantId, periodEnd, attempt));
}

type Charge = { payment: BillingPaymentModel; body: CreatePaymentRequest | null } | null;

export async function advanceSubscription(deps: BillingDeps, tenantId: string): Promise<AdvanceOutcome> {
  const now = deps.clock();
  const { billing } = deps;
  const step = await deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    let transition: AdvanceOutcome["transition"] = null;
    const move = async (to: "past_due" | "restricted" | "canceled", data: { graceUntil?: Date } = {}) => {
      transition = `${sub.status}->${to}`;
      await tx.subscription.update({
        where: { tenantId },
        data: { status: to, ...data, ...(to === "past_due" ? {} : { nextRenewalAt: null }) },
      });
      if (to !== "past_due") {
        await setTenantStatusFor(tx, tenantId, true);
        await tx.outboxEvent.create({
          data: {
            tenantId,
            type: BILLING_RESTRICTED,
            payload: {
              reason: to === "canceled" ? "canceled" : "unpaid",
              periodEnd: sub.currentPeriodEnd.toISOString(),
            },
            dedupeKey: `${BILLING_RESTRICTED}:${sub.currentPeriodEnd.toISOString()}`,
          },
        });
      }
      sub.status = to;
    };
    const ended = sub.currentPeriodEnd <= now;
    if ((sub.status === "trialing" || sub.status === "active") && ended) {
      if (sub.cancelAtPeriodEnd) await move("canceled");
      else await move("past_due", { graceUntil: addDays(sub.currentPeriodEnd, billing.graceDays) });
    }
    if (sub.status === "past_due") {
      const graceUntil = sub.graceUntil ?? addDays(sub.currentPeriodEnd, billing.graceDays);
      if (sub.cancelAtPeriodEnd) await move("canceled");
      else if (graceUntil <= now) await move("restricted");
    }
    if (
      sub.status === "trialing" &&
      sub.trialNoticeAt === null &&
      !ended &&
      addDays(sub.currentPeriodEnd, -TRIAL_NOTICE_DAYS) <= now
    ) {
      await tx.subscription.update({ where: { tenantId }, data: { trialNoticeAt: now } });
      await tx.outboxEvent.create({
        data: {
          tenantId,
          type: BILLING_TRIAL_ENDING,
          payload: { endsAt: sub.currentPeriodEnd.toISOString() },
          dedupeKey: `${BILLING_TRIAL_ENDING}:${sub.currentPeriodEnd.toISOString()}`,
        },
      });
    }

    const due =
      deps.yookassa !== null &&
      (sub.status === "active" || sub.status === "past_due") &&
      !sub.cancelAtPeriodEnd &&
      sub.paymentMethodId !== null &&
      addHours(sub.currentPeriodEnd, -billing.renewBeforeHours) <= now &&
      (sub.nextRenewalAt === null || sub.nextRenewalAt <= now) &&
      sub.renewalAttempts <= billing.retryHours.length;
    if (!due) return { transition, charge: null as Charge };

    const attempt = sub.renewalAttempts + 1;
    const key = renewalKey(tenantId, sub.currentPeriodEnd, attempt);
    const existing = await tx.billingPayment.findUnique({ where: { idempotenceKey: key } });
    if (existing) {
      // sent before: again with the same key and body if its answer was lost, else only look it up
      return { transition, charge: { payment: existing, body: storedBody(existing) } as Charge };
    }
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: sub.nextPlanId ?? sub.planId } });
    const email = await receiptEmail(tx, tenantId);
    const payment = await tx.billingPayment.create({
      data: {
        tenantId,
        kind: "renewal",
        planId: plan.id,
        amountMinor: plan.priceMinor,
        currency: plan.currency,
        idempotenceKey: key,
        idempotenceLabel: renewalLabel(tenantId, sub.currentPeriodEnd, attempt),
        periodStart: sub.currentPeriodEnd,
        periodEnd: addMonths(sub.currentPeriodEnd, plan.periodMonths),
        ...(email ? {} : { status: "canceled" as const, cancellationReason: NO_RECEIPT_CONTACT }),
      },
    });
    if (!email) {
      // Never charged without a receipt: a failed attempt now, retried on schedule, owner told.
      await scheduleRetry(tx, deps, tenantId, payment, NO_RECEIPT_CONTACT, now);
      return { transition, charge: { payment, body: null } as Charge };
    }
    const body = renewalRequest(deps, tenantId, payment, plan.name, sub.paymentMethodId as string, email); // `due` checked the method
    await tx.billingPayment.update({
      where: { tenantId_id: { tenantId, id: payment.id } },
      data: { requestBody: body as unknown as Prisma.InputJsonValue },
    });
    return { transition, charge: { payment, body } as Charge };
  });

  const charge = step.charge;
  if (!charge || !deps.yookassa) return { transition: step.transition, renewal: "none" };
  const { payment } = charge;
  if (payment.cancellationReason === NO_RECEIPT_CONTACT && payment.status === "canceled") {
    return { transition: step.transition, renewal: "refused" };
  }
  if (payment.status !== "pending") return { transition: step.transition, renewal: "none" };

  let body = charge.body;
  if (payment.yookassaPaymentId) {
    const settled = await settlePayment(deps, tenantId, await deps.yookassa.getPayment(payment.yookassaPaymentId));
    return {
      transition: step.transition,
      renewal: settled.outcome === "succeeded" || settled.outcome === "canceled" ? settled.outcome : "pending",
    };
  }
  if (!body) body = await rebuildBody(deps, tenantId, payment);
  if (!body) {
    // a row from before bodies were stored, and nobody to send its receipt to now
    return { transition: step.transition, renewal: "none" };
  }
  try {
    const created = await deps.yookassa.createPayment(body, payment.idempotenceKey);
    const settled = await settlePayment(deps, tenantId, created);
    const renewal =
      settled.outcome === "succeeded" || settled.outcome === "canceled" ? settled.outcome : ("created" as const);
    return { transition: step.transition, renewal };
  } catch (error) {
    if (!(error instanceof YooKassaError) || error.retryable) throw error;
    // refused outright (e.g. the saved method was removed): a failed attempt like a declined one
    await deps.db.withTenant(tenantId, async (tx) => {
      const updated = await tx.billingPayment.updateMany({
        where: { tenantId, id: payment.id, status: "pending" },
        data: { status: "canceled", cancellationReason: `refused: ${error.code}` },
      });
      if (updated.count > 0) await scheduleRetry(tx, deps, tenantId, payment, `refused: ${error.code}`, deps.clock());
    });
    return { transition: step.transition, renewal: "refused" };
  }
}

/** What a renewal asks YooKassa for; stored with the row, and sent unchanged on a retry. */
function renewalRequest(
  deps: BillingDeps,
  tenantId: string,
  payment: BillingPaymentModel,
  planName: string,
  paymentMethodId: string,
  email: string,
): CreatePaymentRequest {
  const amount = { value: yookassaAmount(payment.amountMinor), currency: payment.currency };
  const description = subscriptionDescription(planName);
  return {
    amount,
    capture: true,
    payment_method_id: paymentMethodId,
    description,
    metadata: { tenantId, paymentId: payment.id },
    receipt: receiptFor(email, description, amount, deps.billing.vatCode),
  };
}

function storedBody(payment: BillingPaymentModel): CreatePaymentRequest | null {
  return (payment.requestBody as CreatePaymentRequest | null) ?? null;
}

/** A pending renewal written before bodies were stored (idempotence_label without request_body). */
async function rebuildBody(
  deps: BillingDeps,
  tenantId: string,
  payment: BillingPaymentModel,
): Promise<CreatePaymentRequest | null> {
  return deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: payment.planId } });
    const email = await receiptEmail(tx, tenantId);
    if (!email || !sub.paymentMethodId) return null;
    return renewalRequest(deps, tenantId, payment, plan.name, sub.paymentMethodId, email);
  });
}
