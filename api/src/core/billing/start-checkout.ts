// An owner picks a plan. A dearer plan (or any plan while not paid up) is bought now: a payment
// at YooKassa that saves the card for renewals and carries the receipt a Russian online payment
// needs; the owner confirms on YooKassa's page. A cheaper plan while paid up is a downgrade: it
// takes effect at the period's end (next_plan_id), with nothing to pay now.
//
// A renewal that failed can be paid now the same way (the owner "pays now" or changes the card):
// a checkout of the current plan while its renewal is failing pays the next period.
//
// Idempotent: the client's Idempotency-Key names our payment (its id is derived from the key), and
// our payment's id is the Idempotence-Key we send YooKassa, so a retried request, or a retry after
// YooKassa's answer was lost, returns the same payment and creates one payment at YooKassa. The
// body is stored with the row and a retry sends it unchanged (a plan renamed in between, or
// another owner retrying, cannot change what YooKassa sees under the key).
import type { Prisma } from "@maxl/db";
import { isUniqueViolation, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
import { checkoutLabel, keyFromLabel } from "./idempotence-keys.ts";
import { firstOwnerEmail, noReceiptContact, receiptFor, subscriptionDescription } from "./receipts.ts";
import { settlePaymentIn } from "./settle-payment.ts";
import { addMonths, lockSubscription } from "./subscription-state.ts";
import { type CreatePaymentRequest, YooKassaError, yookassaAmount } from "./yookassa-client.ts";

export interface CheckoutResult {
  /** null for a downgrade, which needs no payment */
  paymentId: string | null;
  confirmationUrl: string | null;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled" | "scheduled";
  /** a downgrade: the plan the next renewal switches to, and when */
  scheduledPlanId: string | null;
  effectiveAt: string | null;
}

/** A UUID derived from the tenant and the client's key: our payment's id and its Idempotence-Key. */
export function checkoutPaymentId(tenantId: string, idempotencyKey: string): string {
  return keyFromLabel(checkoutLabel(tenantId, idempotencyKey));
}

/** The return address with `payment=<id>` added to the query of its hash route (or of the URL). */
export function withPaymentId(returnUrl: string, paymentId: string): string {
  const separator = (returnUrl.split("#")[1] ?? returnUrl).includes("?") ? "&" : "?";
  return `${returnUrl}${separator}payment=${encodeURIComponent(paymentId)}`;
}

export function checkoutRequest(
  deps: BillingDeps,
  payment: { id: string; amountMinor: bigint; currency: string },
  plan: { name: string },
  tenantId: string,
  email: string,
): CreatePaymentRequest {
  const amount = { value: yookassaAmount(payment.amountMinor), currency: payment.currency };
  const description = subscriptionDescription(plan.name);
  return {
    amount,
    capture: true,
    // The payment's id rides along, so the return page knows what to ask about in any browser.
    confirmation: { type: "redirect", return_url: withPaymentId(deps.billing.returnUrl, payment.id) },
    save_payment_method: true,
    description,
    metadata: { tenantId, paymentId: payment.id },
    receipt: receiptFor(email, description, amount, deps.billing.vatCode),
  };
}

type Prepared =
  | { kind: "done"; result: CheckoutResult }
  | { kind: "send"; paymentId: string; body: CreatePaymentRequest };

export async function startCheckout(
  deps: BillingDeps,
  command: { tenantId: string; actor: Actor; planId: string; idempotencyKey: string },
): Promise<CheckoutResult> {
  const yookassa = requireYooKassa(deps);
  const { tenantId, actor, planId } = command;
  const paymentId = checkoutPaymentId(tenantId, command.idempotencyKey);

  const prepare = () =>
    deps.db.withTenant(tenantId, async (tx): Promise<Prepared> => {
      const sub = await lockSubscription(tx, tenantId);
      const existing = await tx.billingPayment.findUnique({
        where: { tenantId_id: { tenantId, id: paymentId } },
        include: { plan: true },
      });
      if (existing) {
        if (existing.planId !== planId) {
          throw new ServiceError("CONFLICT", "This Idempotency-Key was used for a checkout of another plan.", {
            key: "billing-key-reused",
          });
        }
        if (existing.yookassaPaymentId || existing.status !== "pending") {
          return { kind: "done", result: resultOf(existing) };
        }
        // sent before, and the answer lost: the very same request again
        if (existing.requestBody) {
          return { kind: "send", paymentId, body: existing.requestBody as unknown as CreatePaymentRequest };
        }
        const email = await checkoutEmail(tx, tenantId, sub.billingEmail, existing.createdByStaffId ?? actor.staffId);
        return { kind: "send", paymentId, body: checkoutRequest(deps, existing, existing.plan, tenantId, email) };
      }

      const plan = await tx.plan.findUnique({ where: { id: planId } });
      if (!plan?.isPublic || plan.trialDays !== null || plan.priceMinor <= 0n) {
        throw new ServiceError("VALIDATION", "Choose one of the plans on offer.", {
          key: "billing-plan-unknown",
          fields: [{ path: "planId", message: "is not a plan on offer" }],
        });
      }
      const now = deps.clock();
      const paidUp = (sub.status === "active" || sub.status === "past_due") && sub.currentPeriodEnd > now;
      const current = await tx.plan.findUniqueOrThrow({ where: { id: sub.planId } });
      // the renewal of this plan is failing: paying it now pays the next period, on a new card
      const payingRenewal = paidUp && sub.planId === planId && sub.renewalAttempts > 0 && !sub.cancelAtPeriodEnd;
      if (paidUp && sub.planId === planId && !payingRenewal) {
        throw sub.cancelAtPeriodEnd
          ? new ServiceError(
              "CONFLICT",
              "This plan is paid until the period's end; resume the subscription instead of buying it again.",
              { key: "billing-resume-instead" },
            )
          : new ServiceError("CONFLICT", "This plan is already paid for the current period; it renews by itself.", {
              key: "billing-plan-paid",
            });
      }
      if (sub.status === "active" && sub.currentPeriodEnd > now && plan.priceMinor < current.priceMinor) {
        await tx.subscription.update({ where: { tenantId }, data: { nextPlanId: plan.id } });
        await recordAction(tx, tenantId, actor, "billing.downgrade", "subscription", tenantId, {
          planId: { from: sub.planId, to: plan.id },
          effectiveAt: sub.currentPeriodEnd.toISOString(),
        });
        return {
          kind: "done",
          result: {
            paymentId: null,
            confirmationUrl: null,
            status: "scheduled",
            scheduledPlanId: plan.id,
            effectiveAt: sub.currentPeriodEnd.toISOString(),
          },
        };
      }

      const email = await checkoutEmail(tx, tenantId, sub.billingEmail, actor.staffId ?? null);
      const periodStart = payingRenewal ? sub.currentPeriodEnd : now;
      const row = {
        id: paymentId,
        amountMinor: plan.priceMinor,
        currency: plan.currency,
      };
      const body = checkoutRequest(deps, row, plan, tenantId, email);
      await tx.billingPayment.create({
        data: {
          tenantId,
          ...row,
          kind: "checkout",
          planId: plan.id,
          idempotenceKey: paymentId,
          idempotenceLabel: checkoutLabel(tenantId, command.idempotencyKey),
          requestBody: body as unknown as Prisma.InputJsonValue,
          periodStart,
          periodEnd: addMonths(periodStart, plan.periodMonths),
          createdByStaffId: actor.staffId ?? null,
        },
      });
      // The first checkout names the billing e-mail; after that only the owner changes it (on the
      // billing page, audited), so another owner paying does not silently redirect the receipts.
      if (!sub.billingEmail) await tx.subscription.update({ where: { tenantId }, data: { billingEmail: email } });
      await recordAction(tx, tenantId, actor, "billing.checkout", "billing_payment", paymentId, {
        planId: plan.id,
        amountMinor: plan.priceMinor.toString(),
        currency: plan.currency,
      });
      return { kind: "send", paymentId, body };
    });

  let prepared: Prepared;
  try {
    prepared = await prepare();
  } catch (error) {
    // the same key, twice at once: the other request created the row; answer as its retry
    if (!isUniqueViolation(error)) throw error;
    prepared = await prepare();
  }
  if (prepared.kind === "done") return prepared.result;

  let payment: Awaited<ReturnType<typeof yookassa.createPayment>>;
  try {
    payment = await yookassa.createPayment(prepared.body, prepared.paymentId);
  } catch (error) {
    if (!(error instanceof YooKassaError)) throw error;
    if (!error.retryable) {
      // refused for good: the row says so, and a retry with this key gets the same answer
      await deps.db.withTenant(tenantId, (tx) =>
        tx.billingPayment.updateMany({
          where: { tenantId, id: prepared.paymentId, status: "pending", yookassaPaymentId: null },
          data: { status: "canceled", cancellationReason: `refused: ${error.code}` },
        }),
      );
    }
    throw new ServiceError(
      "UNAVAILABLE",
      error.retryable
        ? "YooKassa did not answer. Try again with the same Idempotency-Key."
        : "YooKassa refused the payment. Please contact support.",
      { cause: error, key: error.retryable ? "billing-yookassa-unreachable" : "billing-yookassa-refused-payment" },
    );
  }
  return deps.db.withTenant(tenantId, async (tx) => {
    await settlePaymentIn(tx, deps, tenantId, payment);
    const row = await tx.billingPayment.findUniqueOrThrow({
      where: { tenantId_id: { tenantId, id: prepared.paymentId } },
    });
    return resultOf(row);
  });
}

function resultOf(row: {
  id: string;
  confirmationUrl: string | null;
  status: CheckoutResult["status"];
}): CheckoutResult {
  return {
    paymentId: row.id,
    confirmationUrl: row.status === "pending" ? row.confirmationUrl : null,
    status: row.status,
    scheduledPlanId: null,
    effectiveAt: null,
  };
}

/**
 * Where a checkout's receipt goes (54-FZ needs a customer e-mail or phone): the billing e-mail
 * once there is one, so every receipt goes where the billing page says; before that, the owner
 * who pays.
 */
async function checkoutEmail(
  tx: TenantTx,
  tenantId: string,
  billingEmail: string | null,
  staffId: string | null | undefined,
): Promise<string> {
  // billingEmail: from the subscription row the checkout has already locked
  if (billingEmail) return billingEmail;
  const staff = staffId
    ? await tx.staffUser.findUnique({ where: { tenantId_id: { tenantId, id: staffId } }, select: { email: true } })
    : null;
  if (staff) return staff.email;
  const email = await firstOwnerEmail(tx, tenantId);
  if (!email) throw noReceiptContact();
  return email;
}
