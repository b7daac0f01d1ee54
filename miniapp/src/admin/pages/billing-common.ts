// What the billing page, its return page and the layout's banner share, kept out of the pages so
// the banner does not pull the billing page into every screen's bundle.
import type { Locale } from "../i18n/messages.ts";

/** Where the return page finds the payment when YooKassa's return URL does not name it. */
export const PENDING_PAYMENT_KEY = "maxl.admin.billing.pendingPayment";

export function formatDate(iso: string | null, locale: Locale): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "medium" }).format(new Date(iso));
}
