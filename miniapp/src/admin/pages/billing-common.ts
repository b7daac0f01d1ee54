// What the billing page, its return page and the layout's banner share, kept out of the pages so
// the banner does not pull the billing page into every screen's bundle.
import type { Locale, Messages } from "../i18n/messages.ts";

/** Where the return page finds the payment when YooKassa's return URL does not name it. */
export const PENDING_PAYMENT_KEY = "maxl.admin.billing.pendingPayment";

export function formatDate(iso: string | null, locale: Locale): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "medium" }).format(new Date(iso));
}

/**
 * Why a payment did not go through, as a sentence: YooKassa's cancellation_details.reason codes,
 * our own "no_receipt_contact", and "refused: <YooKassa error code>" for a request YooKassa
 * refused outright. Null when there is no reason.
 */
export function declineText(reason: string | null, t: Messages): string | null {
  if (!reason) return null;
  const code = reason.startsWith("refused:") ? "refused" : reason;
  return t.billing.declined[code] ?? t.billing.declinedOther(reason);
}
