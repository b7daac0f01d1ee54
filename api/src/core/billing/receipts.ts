// The 54-FZ receipt data every payment and refund carries (YooKassa's "receipt" object): the
// customer's e-mail and one line for the subscription, with the VAT code, payment subject and
// mode the online cash register needs. A refund's line is the refunded amount (YooKassa wants the
// data for a partial refund, and takes it for a full one). YooKassa cuts nothing: an item's
// description longer than 128 characters is refused, so it is cut here.
import type { TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";

export const RECEIPT_DESCRIPTION_MAX = 128;

export interface ReceiptItem {
  description: string;
  quantity: string;
  amount: { value: string; currency: string };
  vat_code: number;
  payment_mode: "full_payment";
  payment_subject: "service";
}

export interface Receipt {
  customer: { email: string };
  items: ReceiptItem[];
}

/** What a payment or refund for a plan is called, on the receipt and in YooKassa's dashboard. */
export function subscriptionDescription(planName: string): string {
  return `MAX Loyalty: ${planName}`.slice(0, RECEIPT_DESCRIPTION_MAX);
}

export function receiptFor(
  email: string,
  description: string,
  amount: { value: string; currency: string },
  vatCode: number,
): Receipt {
  return {
    customer: { email },
    items: [
      {
        description: description.slice(0, RECEIPT_DESCRIPTION_MAX),
        quantity: "1.00",
        amount,
        vat_code: vatCode,
        payment_mode: "full_payment",
        payment_subject: "service",
      },
    ],
  };
}

/**
 * Where a renewal's or a refund's receipt goes: the business's billing e-mail (the owner sets it
 * on the billing page; the first checkout fills it with the paying owner's), else the first
 * active owner, else nobody (null): the caller fails clearly instead of sending a payment without
 * a receipt. Read when each request is built, so a change reaches the next renewal attempt; a
 * request already sent keeps its body (YooKassa refuses the same key with another body).
 */
export async function receiptEmail(tx: TenantTx, tenantId: string): Promise<string | null> {
  const sub = await tx.subscription.findUnique({ where: { tenantId }, select: { billingEmail: true } });
  return sub?.billingEmail ?? firstOwnerEmail(tx, tenantId);
}

/** The first active owner's e-mail, where no billing e-mail is set; null when there is none. */
export async function firstOwnerEmail(tx: TenantTx, tenantId: string): Promise<string | null> {
  const owner = await tx.staffUser.findFirst({
    where: { tenantId, role: "owner", isActive: true },
    orderBy: { createdAt: "asc" },
    select: { email: true },
  });
  return owner?.email ?? null;
}

export function noReceiptContact(): ServiceError {
  return new ServiceError(
    "CONFLICT",
    "The business has no active owner and no billing e-mail to send the receipt to. Make someone an owner first.",
    { key: "billing-no-receipt-contact" },
  );
}
