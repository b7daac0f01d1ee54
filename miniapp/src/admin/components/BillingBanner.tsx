// The banner over every page while something about the plan needs the owner: a renewal payment
// that failed (with the next automatic attempt), a trial about to end, overdue (with the date
// grace ends), restricted or ended. Owners get a button to the billing page, where they pay now
// or choose a plan; administrators see the state. Staff without billing.read see nothing, and a
// billing API that is away (not configured) shows nothing.
import { call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { hrefOf } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { formatDateTime, useLocale, useT } from "../i18n/locale.ts";
import { formatDate } from "../pages/billing-common.ts";
import { can } from "../state/session-store.ts";

export function BillingBanner() {
  const profile = useProfile();
  if (!can(profile, "billing.read")) return null;
  return <Banner mayPay={can(profile, "billing.manage")} />;
}

function Banner({ mayPay }: { mayPay: boolean }) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const subscription = useLoad(() => call(api.api.v1.billing.$get()), [api]);
  if (subscription.status !== "ready") return null;
  const sub = subscription.data;
  const next = sub.renewal.nextAttemptAt ? formatDateTime(sub.renewal.nextAttemptAt, locale) : null;
  const text =
    sub.status === "past_due"
      ? t.billing.banner.past_due(formatDate(sub.graceUntil, locale))
      : sub.status === "restricted"
        ? t.billing.banner.restricted
        : sub.status === "canceled"
          ? t.billing.banner.canceled
          : sub.notice === "payment_failed"
            ? t.billing.banner.payment_failed(next)
            : sub.notice === "trial_ending"
              ? t.billing.banner.trial_ending(formatDate(sub.currentPeriodEnd, locale))
              : null;
  if (!text) return null;
  const action =
    sub.notice === "payment_failed"
      ? t.billing.payNow
      : sub.notice === "trial_ending"
        ? t.billing.banner.choose
        : t.billing.banner.pay;
  return (
    <div className="notice billing-banner" role="alert" data-testid="billing-banner">
      <span>{text}</span>{" "}
      <a className={mayPay ? "button small primary" : "button small secondary"} href={hrefOf("/billing")}>
        {mayPay ? action : t.billing.banner.open}
      </a>
    </div>
  );
}
