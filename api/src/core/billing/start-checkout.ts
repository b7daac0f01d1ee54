// An owner picks a plan. A dearer plan (or any plan while not paid up) is bought now: a payment
// at YooKassa that saves the card for renewals and carries the receipt a Russian online payment
// needs; the owner confirms on YooKassa's page. A cheaper plan while paid up is a downgrade: it
// takes effect at the period's end (next_plan_id), with nothing to pay now.
//
// Idempotent: the client's Idempotency-Key names our payment (its id is derived from the key), and
// our payment's id is the Idempotence-Key we send YooKassa, so a retried request, or a retry after
// YooKassa's answer was lost, returns the same payment and creates one payment at YooKassa.
import { createHash } from "node:crypto";
import { isUniqueViolation, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
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

/** A UUID (version 8, RFC 9562) derived from the tenant and the client's key. */
export function checkoutPaymentId(tenantId: string, idempotencyKey: string): string {
  const hex = createHash("sha256").update(`checkout:${tenantId}:${idempotencyKey}`).digest("hex");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
  const description = `MAX Loyalty: ${plan.name}`;
  return {
    amount,
    capture: true,
    // The payment's id rides along, so the return page knows what to ask about in any browser.
    confirmation: { type: "redirect", return_url: withPaymentId(deps.billing.returnUrl, payment.id) },
    save_payment_method: true,
    description,
    metadata: { tenantId, paymentId: payment.id },
    receipt: {
      customer: { email },
      items: [
        {
          description: description.slice(0, 128),
          quantity: "1.00",
          amount,
          vat_code: deps.billing.vatCode,
          payment_mode: "full_payment",
          payment_subject: "service",
        },
      ],
    },
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
          throw new ServiceError("CONFLICT", "This Idempotency-Key was used for a checkout of another plan.");
        }
        if (existing.yookassaPaymentId || existing.status !== "pending") {
          return { kind: "done", result: resultOf(existing) };
        }
        const email = await ownerEmail(tx, tenantId, existing.createdByStaffId ?? actor.staffId);
        return { kind: "send", paymentId, body: checkoutRequest(deps, existing, existing.plan, tenantId, email) };
      }

      const plan = await tx.plan.findUnique({ where: { id: planId } });
      if (!plan?.isPublic || plan.trialDays !== null || plan.priceMinor <= 0n) {
        throw new ServiceError("VALIDATION", "Choose one of the plans on offer.", {
          fields: [{ path: "planId", message: "is not a plan on offer" }],
        });
      }
      const now = deps.clock();
      const paidUp = (sub.status === "active" || sub.status === "past_due") && sub.currentPeriodEnd > now;
      const current = await tx.plan.findUniqueOrThrow({ where: { id: sub.planId } });
      if (paidUp && sub.planId === planId) {
        throw new ServiceError(
          "CONFLICT",
          sub.cancelAtPeriodEnd
            ? "This plan is paid until the period's end; resume the subscription instead of buying it again."
            : "This plan is already paid for the current period; it renews by itself.",
        );
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

      const email = await ownerEmail(tx, tenantId, actor.staffId ?? null);
      const created = await tx.billingPayment.create({
        data: {
          tenantId,
          id: paymentId,
          kind: "checkout",
          planId: plan.id,
          amountMinor: plan.priceMinor,
          currency: plan.currency,
          idempotenceKey: paymentId,
          periodStart: now,
          periodEnd: addMonths(now, plan.periodMonths),
          createdByStaffId: actor.staffId ?? null,
        },
      });
      await recordAction(tx, tenantId, actor, "billing.checkout", "billing_payment", paymentId, {
        planId: plan.id,
        amountMinor: plan.priceMinor.toString(),
        currency: plan.currency,
      });
      return { kind: "send", paymentId, body: checkoutRequest(deps, created, plan, tenantId, email) };
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
      { cause: error },
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

/** The receipt goes to the owner who pays (54-FZ needs a customer e-mail or phone). */
async function ownerEmail(tx: TenantTx, tenantId: string, staffId: string | null | undefined): Promise<string> {
  const staff = staffId
    ? await tx.staffUser.findUnique({ where: { tenantId_id: { tenantId, id: staffId } }, select: { email: true } })
    : null;
  if (staff) return staff.email;
  const owner = await tx.staffUser.findFirst({
    where: { tenantId, role: "owner", isActive: true },
    orderBy: { createdAt: "asc" },
    select: { email: true },
  });
  if (!owner) throw new ServiceError("CONFLICT", "The business has no active owner to send the receipt to.");
  return owner.email;
}
