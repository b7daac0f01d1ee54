// Refunds. Who: an owner through `billing.manage` — in practice platform support asks the owner
// (or acts with the owner's consent) after a dispute, since a self-service refund of a period
// already used is unusual; there is no platform-operator console yet, so the owner's permission
// is the guard, every refund is audited, and the amount cannot exceed what was paid. The refund
// row, its Idempotence-Key (a UUID derived from refund:<tenant>:<payment>:<client key>) and the
// body are written first, so a retry sends the same request; YooKassa's refund.succeeded
// (re-fetched by the workers) settles it. Every refund carries a 54-FZ receipt: the refunded
// amount as its one line, to the e-mail the payment's receipt went to. A refund does not end the
// subscription by itself: support cancels it if that is what was agreed.
import type { Prisma } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { recordAction } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
import { keyFromLabel, refundLabel } from "./idempotence-keys.ts";
import { type PaymentView, paymentById } from "./payments.ts";
import { noReceiptContact, receiptEmail, receiptFor, subscriptionDescription } from "./receipts.ts";
import {
  type CreatePaymentRequest,
  type CreateRefundRequest,
  minorFromYookassa,
  YooKassaError,
  type YooKassaRefund,
  yookassaAmount,
} from "./yookassa-client.ts";

export async function refundPayment(
  deps: BillingDeps,
  command: {
    tenantId: string;
    actor: Actor;
    paymentId: string;
    amountMinor?: number | undefined;
    reason: string;
    idempotencyKey?: string | undefined;
  },
): Promise<PaymentView> {
  const yookassa = requireYooKassa(deps);
  const { tenantId, actor, paymentId } = command;
  const label = refundLabel(tenantId, paymentId, command.idempotencyKey ?? uuidv7());
  const refundKey = keyFromLabel(label);
  const prepared = await deps.db.withTenant(tenantId, async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM billing_payments WHERE tenant_id = ${tenantId}::uuid AND id = ${paymentId}::uuid FOR UPDATE`;
    const payment = locked.length
      ? await tx.billingPayment.findUnique({ where: { tenantId_id: { tenantId, id: paymentId } } })
      : null;
    if (!payment) throw new ServiceError("NOT_FOUND", "No such payment.", { key: "billing-payment-unknown" });
    const again = await tx.billingRefund.findUnique({ where: { idempotenceKey: refundKey } });
    if (again) return { refund: again, payment };
    if (payment.status !== "succeeded" || !payment.yookassaPaymentId) {
      throw new ServiceError("CONFLICT", "Only a completed payment can be refunded.", {
        key: "billing-refund-unpaid",
      });
    }
    const open = await tx.billingRefund.aggregate({
      where: { tenantId, paymentId, status: "pending" },
      _sum: { amountMinor: true },
    });
    const refundable = payment.amountMinor - payment.refundedMinor - (open._sum.amountMinor ?? 0n);
    const amount = command.amountMinor === undefined ? refundable : BigInt(command.amountMinor);
    if (refundable <= 0n) {
      throw new ServiceError("CONFLICT", "This payment has been refunded in full.", {
        key: "billing-refunded-in-full",
      });
    }
    if (amount > refundable) {
      throw new ServiceError("VALIDATION", `At most ${refundable} can be refunded.`, {
        fields: [{ path: "amountMinor", message: `must be at most ${refundable}` }],
        details: { refundableMinor: refundable.toString() },
        key: "billing-refund-too-much",
        vars: { refundable: yookassaAmount(refundable), currency: payment.currency },
      });
    }
    // The receipt goes where the payment's went; the line is called what the payment's was.
    const sent = payment.requestBody as CreatePaymentRequest | null;
    const email = sent?.receipt?.customer?.email ?? (await receiptEmail(tx, tenantId));
    if (!email) throw noReceiptContact();
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: payment.planId } });
    const amountSent = { value: yookassaAmount(amount), currency: payment.currency };
    const body: CreateRefundRequest = {
      payment_id: payment.yookassaPaymentId,
      amount: amountSent,
      description: command.reason.slice(0, 250),
      receipt: receiptFor(
        email,
        sent?.receipt?.items?.[0]?.description ?? subscriptionDescription(plan.name),
        amountSent,
        sent?.receipt?.items?.[0]?.vat_code ?? deps.billing.vatCode,
      ),
    };
    const refund = await tx.billingRefund.create({
      data: {
        tenantId,
        paymentId,
        amountMinor: amount,
        idempotenceKey: refundKey,
        idempotenceLabel: label,
        requestBody: body as unknown as Prisma.InputJsonValue,
        reason: command.reason,
      },
    });
    await recordAction(
      tx,
      tenantId,
      actor,
      "billing.refund",
      "billing_payment",
      paymentId,
      { refundId: refund.id, amountMinor: amount.toString(), currency: payment.currency },
      { reason: command.reason },
    );
    return { refund, payment };
  });

  const { refund, payment } = prepared;
  if (refund.yookassaRefundId === null && refund.status === "pending") {
    let created: YooKassaRefund;
    try {
      created = await yookassa.createRefund(
        await refundBody(deps, tenantId, refund, payment, command.reason),
        refund.idempotenceKey,
      );
    } catch (error) {
      if (!(error instanceof YooKassaError)) throw error;
      if (!error.retryable) {
        await deps.db.withTenant(tenantId, (tx) =>
          tx.billingRefund.updateMany({
            where: { tenantId, id: refund.id, status: "pending" },
            data: { status: "canceled" },
          }),
        );
      }
      throw new ServiceError(
        "UNAVAILABLE",
        error.retryable
          ? "YooKassa did not answer. Try again with the same Idempotency-Key."
          : "YooKassa refused the refund.",
        { cause: error, key: error.retryable ? "billing-yookassa-unreachable" : "billing-yookassa-refused-refund" },
      );
    }
    // this refund is ours by its row, whatever else was refunded for the same amount meanwhile
    await settleRefund(deps, tenantId, created, refund.id);
  }
  return paymentById(deps, tenantId, paymentId);
}

/** The body stored with the refund (sent unchanged on a retry); rows from before bodies were stored are rebuilt. */
async function refundBody(
  deps: BillingDeps,
  tenantId: string,
  refund: { requestBody: unknown; amountMinor: bigint },
  payment: { yookassaPaymentId: string | null; currency: string; planId: string },
  reason: string,
): Promise<CreateRefundRequest> {
  if (refund.requestBody) return refund.requestBody as CreateRefundRequest;
  return deps.db.withTenant(tenantId, async (tx) => {
    const email = await receiptEmail(tx, tenantId);
    if (!email) throw noReceiptContact();
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: payment.planId } });
    const amount = { value: yookassaAmount(refund.amountMinor), currency: payment.currency };
    return {
      payment_id: payment.yookassaPaymentId as string, // only succeeded payments get refunds
      amount,
      description: reason.slice(0, 250),
      receipt: receiptFor(email, subscriptionDescription(plan.name), amount, deps.billing.vatCode),
    };
  });
}

/** A refund as YooKassa reports it (fetched, never from a notification's body); final states are kept. */
export async function settleRefund(
  deps: BillingDeps,
  tenantId: string,
  refund: YooKassaRefund,
  ourRefundId?: string,
): Promise<"succeeded" | "canceled" | "unchanged" | "unknown"> {
  return deps.db.withTenant(tenantId, async (tx) => {
    // By YooKassa's refund id first; by our row when we just created it; only for a refund whose
    // create we never heard back from, by payment and amount (the oldest such row).
    const rows = await tx.$queryRaw<{ id: string; payment_id: string }[]>`
      SELECT r.id::text, r.payment_id::text FROM billing_refunds r
        JOIN billing_payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
       WHERE r.tenant_id = ${tenantId}::uuid
         AND (r.yookassa_refund_id = ${refund.id}
              OR (r.yookassa_refund_id IS NULL AND r.id::text = ${ourRefundId ?? ""})
              OR (${ourRefundId === undefined} AND r.yookassa_refund_id IS NULL
                  AND p.yookassa_payment_id = ${refund.payment_id}
                  AND r.amount_minor = ${minorFromYookassa(refund.amount.value)}))
       ORDER BY (r.yookassa_refund_id IS NOT DISTINCT FROM ${refund.id}) DESC, r.created_at, r.id
       LIMIT 1
       FOR UPDATE OF r, p`;
    const row = rows[0];
    if (!row) return "unknown";
    const ours = await tx.billingRefund.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: row.id } } });
    if (ours.yookassaRefundId === null) {
      await tx.billingRefund.update({
        where: { tenantId_id: { tenantId, id: ours.id } },
        data: { yookassaRefundId: refund.id },
      });
    }
    if (ours.status !== "pending" || refund.status === "pending") return "unchanged";
    await tx.billingRefund.update({
      where: { tenantId_id: { tenantId, id: ours.id } },
      data: { status: refund.status },
    });
    if (refund.status === "succeeded") {
      await tx.billingPayment.update({
        where: { tenantId_id: { tenantId, id: row.payment_id } },
        data: { refundedMinor: { increment: ours.amountMinor } },
      });
    }
    return refund.status;
  });
}
