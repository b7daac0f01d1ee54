// The subscription's clock, run by the workers' scheduler for each tenant with something due:
//
//   trialing/active --period end, unpaid--> past_due (grace_until = end + BILLING_GRACE_DAYS)
//   past_due --grace over--> restricted            active/past_due --cancelled, period end--> canceled
//   any --a payment succeeds (settle-payment.ts)--> active
//
// and the renewal charge: from BILLING_RENEW_BEFORE_HOURS before the period's end, the saved
// payment method is charged with a STABLE Idempotence-Key, renewal:<tenant>:<period end>:<attempt>,
// so a crashed or repeated job sends the same key and YooKassa answers with the same payment; a
// failed attempt (settle-payment.ts) schedules the next per BILLING_RETRY_HOURS.
//
// restricted and canceled both set tenants.status = 'restricted': guests keep their points and
// still see them (Mini App, bot), staff still sign in, look and pay; accruals beyond the plan's
// limits stop (enforced where points are written, from subscriptions/plans/tenants.status).
import type { BillingPaymentModel, TenantTx } from "@maxl/db";
import type { BillingDeps } from "./billing-deps.ts";
import { scheduleRetry, settlePayment } from "./settle-payment.ts";
import { addDays, addHours, addMonths, lockSubscription, setTenantStatusFor } from "./subscription-state.ts";
import { type CreatePaymentRequest, YooKassaError, yookassaAmount } from "./yookassa-client.ts";

export interface AdvanceOutcome {
  /** the state change made, if any */
  transition: `${string}->${string}` | null;
  /** what the renewal charge did, if one was due */
  renewal: "none" | "created" | "succeeded" | "canceled" | "pending" | "refused";
}

export function renewalKey(tenantId: string, periodEnd: Date, attempt: number): string {
  return `renewal:${tenantId}:${periodEnd.toISOString()}:${attempt}`;
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
      if (to !== "past_due") await setTenantStatusFor(tx, tenantId, true);
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

    const due =
      deps.yookassa !== null &&
      (sub.status === "active" || sub.status === "past_due") &&
      !sub.cancelAtPeriodEnd &&
      sub.paymentMethodId !== null &&
      addHours(sub.currentPeriodEnd, -billing.renewBeforeHours) <= now &&
      (sub.nextRenewalAt === null || sub.nextRenewalAt <= now) &&
      sub.renewalAttempts <= billing.retryHours.length;
    if (!due) return { transition, charge: null as Charge };

    const key = renewalKey(tenantId, sub.currentPeriodEnd, sub.renewalAttempts + 1);
    const existing = await tx.billingPayment.findUnique({ where: { idempotenceKey: key } });
    if (existing) {
      // sent before: again with the same key if its answer was lost, else only look it up
      return { transition, charge: { payment: existing, body: null } as Charge };
    }
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: sub.nextPlanId ?? sub.planId } });
    const payment = await tx.billingPayment.create({
      data: {
        tenantId,
        kind: "renewal",
        planId: plan.id,
        amountMinor: plan.priceMinor,
        currency: plan.currency,
        idempotenceKey: key,
        periodStart: sub.currentPeriodEnd,
        periodEnd: addMonths(sub.currentPeriodEnd, plan.periodMonths),
      },
    });
    const body = await renewalRequest(tx, deps, tenantId, payment, sub.paymentMethodId as string); // `due` checked it
    return { transition, charge: { payment, body } as Charge };
  });

  const charge = step.charge;
  if (!charge || !deps.yookassa) return { transition: step.transition, renewal: "none" };
  const { payment } = charge;
  if (payment.status !== "pending") return { transition: step.transition, renewal: "none" };

  let body = charge.body;
  if (!body && payment.yookassaPaymentId) {
    const settled = await settlePayment(deps, tenantId, await deps.yookassa.getPayment(payment.yookassaPaymentId));
    return {
      transition: step.transition,
      renewal: settled.outcome === "succeeded" || settled.outcome === "canceled" ? settled.outcome : "pending",
    };
  }
  if (!body) body = await rebuildBody(deps, tenantId, payment);
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

/** What a renewal asks YooKassa for; built again the same way if the first send got no answer. */
async function renewalRequest(
  tx: TenantTx,
  deps: BillingDeps,
  tenantId: string,
  payment: BillingPaymentModel,
  paymentMethodId: string,
): Promise<CreatePaymentRequest> {
  const plan = await tx.plan.findUniqueOrThrow({ where: { id: payment.planId } });
  const owner = await tx.staffUser.findFirst({
    where: { tenantId, role: "owner", isActive: true },
    orderBy: { createdAt: "asc" },
    select: { email: true },
  });
  const amount = { value: yookassaAmount(payment.amountMinor), currency: payment.currency };
  const description = `MAX Loyalty: ${plan.name}`;
  return {
    amount,
    capture: true,
    payment_method_id: paymentMethodId,
    description,
    metadata: { tenantId, paymentId: payment.id },
    ...(owner
      ? {
          receipt: {
            customer: { email: owner.email },
            items: [
              {
                description,
                quantity: "1.00",
                amount,
                vat_code: deps.billing.vatCode,
                payment_mode: "full_payment" as const,
                payment_subject: "service" as const,
              },
            ],
          },
        }
      : {}),
  };
}

async function rebuildBody(
  deps: BillingDeps,
  tenantId: string,
  payment: BillingPaymentModel,
): Promise<CreatePaymentRequest> {
  return deps.db.withTenant(tenantId, async (tx) => {
    const sub = await lockSubscription(tx, tenantId);
    return renewalRequest(tx, deps, tenantId, payment, sub.paymentMethodId ?? "");
  });
}
