// The owner's payment history, and one payment as the return page polls it: while YooKassa has
// not settled it (the owner just came back from its page), it is fetched from YooKassa again and
// settled here, so the page does not wait for the notification.
import type { BillingPaymentModel, BillingRefundModel, PlanModel } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { BillingDeps } from "./billing-deps.ts";
import { settlePayment } from "./settle-payment.ts";
import { YooKassaError } from "./yookassa-client.ts";

export interface PaymentView {
  id: string;
  kind: "checkout" | "renewal";
  plan: { id: string; name: string };
  amountMinor: string;
  currency: string;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled";
  /** where the owner confirms the payment, while it waits for that */
  confirmationUrl: string | null;
  period: { start: string; end: string };
  paidAt: string | null;
  cancellationReason: string | null;
  refundedMinor: string;
  refunds: { id: string; amountMinor: string; status: string; reason: string | null; createdAt: string }[];
  createdAt: string;
}

type Row = BillingPaymentModel & { plan: PlanModel; refunds: BillingRefundModel[] };

export function paymentView(row: Row): PaymentView {
  return {
    id: row.id,
    kind: row.kind,
    plan: { id: row.plan.id, name: row.plan.name },
    amountMinor: row.amountMinor.toString(),
    currency: row.currency,
    status: row.status,
    confirmationUrl: row.status === "pending" ? row.confirmationUrl : null,
    period: { start: row.periodStart.toISOString(), end: row.periodEnd.toISOString() },
    paidAt: row.paidAt?.toISOString() ?? null,
    cancellationReason: row.cancellationReason,
    refundedMinor: row.refundedMinor.toString(),
    refunds: row.refunds.map((refund) => ({
      id: refund.id,
      amountMinor: refund.amountMinor.toString(),
      status: refund.status,
      reason: refund.reason,
      createdAt: refund.createdAt.toISOString(),
    })),
    createdAt: row.createdAt.toISOString(),
  };
}

const withParts = { plan: true, refunds: { orderBy: { createdAt: "asc" } } } as const;

/** Newest first, a page at a time. */
export async function listPayments(
  deps: BillingDeps,
  tenantId: string,
  page: { limit: number; before?: string | undefined },
): Promise<{ payments: PaymentView[]; nextBefore: string | null }> {
  const rows = await deps.db.withTenant(tenantId, (tx) =>
    tx.billingPayment.findMany({
      where: { tenantId, ...(page.before ? { createdAt: { lt: new Date(page.before) } } : {}) },
      // by time: a checkout's id derives from its key, so ids are not in time order
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: page.limit + 1,
      include: withParts,
    }),
  );
  const payments = rows.slice(0, page.limit).map(paymentView);
  return { payments, nextBefore: rows.length > page.limit ? (payments.at(-1)?.createdAt ?? null) : null };
}

export async function paymentById(deps: BillingDeps, tenantId: string, paymentId: string): Promise<PaymentView> {
  const row = await deps.db.withTenant(tenantId, (tx) =>
    tx.billingPayment.findUnique({ where: { tenantId_id: { tenantId, id: paymentId } }, include: withParts }),
  );
  if (!row) throw new ServiceError("NOT_FOUND", "No such payment.", { key: "billing-payment-unknown" });
  return paymentView(row);
}

/** The payment, asked of YooKassa again first if it is still open there. */
export async function refreshPayment(deps: BillingDeps, tenantId: string, paymentId: string): Promise<PaymentView> {
  const view = await paymentById(deps, tenantId, paymentId);
  if (view.status !== "pending" && view.status !== "waiting_for_capture") return view;
  const row = await deps.db.withTenant(tenantId, (tx) =>
    tx.billingPayment.findUnique({
      where: { tenantId_id: { tenantId, id: paymentId } },
      select: { yookassaPaymentId: true },
    }),
  );
  if (!deps.yookassa || !row?.yookassaPaymentId) return view;
  try {
    const fetched = await deps.yookassa.getPayment(row.yookassaPaymentId);
    await settlePayment(deps, tenantId, fetched);
  } catch (error) {
    // YooKassa away: the page shows what we know, and polls again
    if (!(error instanceof YooKassaError)) throw error;
    return view;
  }
  return paymentById(deps, tenantId, paymentId);
}
