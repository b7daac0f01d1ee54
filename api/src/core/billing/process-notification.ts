// A stored YooKassa notification, settled: the object it names is fetched from YooKassa's API and
// only what the API says counts (a forged or stale notification can at most cause a fetch). The
// tenant comes from the fetched payment's metadata, which only we set when creating it.
import { ServiceError } from "@maxl/shared";
import { type BillingDeps, requireYooKassa } from "./billing-deps.ts";
import { settleRefund } from "./refund-payment.ts";
import { settlePayment } from "./settle-payment.ts";
import { YooKassaError, type YooKassaPayment } from "./yookassa-client.ts";

export type NotificationOutcome =
  | { status: "processed"; tenantId: string; outcome: string }
  | { status: "ignored"; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tenantOf(payment: YooKassaPayment): string | null {
  const tenantId = payment.metadata?.tenantId;
  return typeof tenantId === "string" && UUID.test(tenantId) ? tenantId : null;
}

async function fetchOrNull<T>(fetch: () => Promise<T>): Promise<T | null> {
  try {
    return await fetch();
  } catch (error) {
    if (error instanceof YooKassaError && error.code === "not_found") return null;
    throw error;
  }
}

export async function settleBillingNotification(
  deps: BillingDeps,
  notification: { event: string; objectId: string },
): Promise<NotificationOutcome> {
  const yookassa = requireYooKassa(deps);
  const [object] = notification.event.split(".");
  if (object === "payment") {
    const payment = await fetchOrNull(() => yookassa.getPayment(notification.objectId));
    if (!payment) return { status: "ignored", reason: "YooKassa has no such payment" };
    const tenantId = tenantOf(payment);
    if (!tenantId) return { status: "ignored", reason: "not a payment of this platform (no tenant in metadata)" };
    const settled = await settlePayment(deps, tenantId, payment);
    if (settled.outcome === "unknown") return { status: "ignored", reason: settled.reason };
    return { status: "processed", tenantId, outcome: settled.outcome };
  }
  if (object === "refund") {
    const refund = await fetchOrNull(() => yookassa.getRefund(notification.objectId));
    if (!refund) return { status: "ignored", reason: "YooKassa has no such refund" };
    const payment = await fetchOrNull(() => yookassa.getPayment(refund.payment_id));
    const tenantId = payment ? tenantOf(payment) : null;
    if (!tenantId) return { status: "ignored", reason: "the refund's payment is not one of this platform's" };
    const outcome = await settleRefund(deps, tenantId, refund);
    if (outcome === "unknown") return { status: "ignored", reason: "no refund of ours matches" };
    return { status: "processed", tenantId, outcome };
  }
  throw new ServiceError("VALIDATION", `Billing does not handle ${notification.event} notifications.`, {
    key: "billing-notification-unsupported",
  });
}
