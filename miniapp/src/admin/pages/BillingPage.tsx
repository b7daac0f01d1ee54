// Billing: the plan the business is on and its state (trial, paid until, overdue with its grace
// date, restricted, cancelled), the saved payment method, what it uses of the plan's limits, the
// plans on offer, and the payment history. An owner buys a plan here: the API creates a YooKassa
// payment and the browser goes to YooKassa's page, which sends the owner back to
// #/billing/return (BillingReturnPage). A renewal that failed is shown with the next automatic
// attempt and a "pay now" button (a checkout of the current plan, on a card entered on YooKassa's
// page, which becomes the saved one). The history pages back with "load more" and shows each
// payment's refunds, why a payment did not go through, and YooKassa's page for one still open.
// The owner also sees and changes where the receipts go (ReceiptEmailPanel). Administrators see
// the rest but change nothing.
import { useRef, useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { newIdempotencyKey } from "../api/download.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { navigate } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { ConfirmDialog } from "../components/Modal.tsx";
import { ReceiptEmailPanel } from "../components/ReceiptEmailPanel.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { errorText, formatDateTime, formatMoneyMinor, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import type { Locale, Messages } from "../i18n/messages.ts";
import { can } from "../state/session-store.ts";
import { declineText, formatDate, PENDING_PAYMENT_KEY } from "./billing-common.ts";

const loadSubscription = (api: AdminClient) => call(api.api.v1.billing.$get());
const loadPlans = (api: AdminClient) => call(api.api.v1.billing.plans.$get());
const loadPayments = (api: AdminClient, before?: string) =>
  call(api.api.v1.billing.payments.$get({ query: before ? { before } : {} }));

export type Subscription = Awaited<ReturnType<typeof loadSubscription>>;
type Plan = Pick<Awaited<ReturnType<typeof loadPlans>>["plans"][number], "id" | "name">;
type Payment = Awaited<ReturnType<typeof loadPayments>>["payments"][number];

const DAY_MS = 86_400_000;

/** The subscription's state in one sentence. */
export function statusText(sub: Subscription, t: Messages, locale: Locale, now: Date = new Date()): string {
  const end = formatDate(sub.currentPeriodEnd, locale);
  if (sub.cancelAtPeriodEnd && (sub.status === "active" || sub.status === "trialing")) {
    return t.billing.statuses.cancelScheduled(end);
  }
  switch (sub.status) {
    case "trialing":
      return t.billing.statuses.trialing(
        Math.max(0, Math.ceil((new Date(sub.currentPeriodEnd).getTime() - now.getTime()) / DAY_MS)),
      );
    case "active":
      return t.billing.statuses.active(end);
    case "past_due":
      return t.billing.statuses.past_due(formatDate(sub.graceUntil, locale));
    case "restricted":
      return t.billing.statuses.restricted;
    case "canceled":
      return t.billing.statuses.canceled;
  }
}

type Dialog = { kind: "cancel" } | { kind: "resume" };

export default function BillingPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const mayManage = can(profile, "billing.manage");
  const subscription = useLoad(() => loadSubscription(api), [api]);
  const plans = useLoad(() => loadPlans(api), [api]);
  const payments = useLoad(() => loadPayments(api), [api]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // pages after the first, as "load more" fetched them; null again whenever the first reloads
  const [older, setOlder] = useState<{ payments: Payment[]; nextBefore: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [choosing, setChoosing] = useState<string | null>(null);
  const [checkoutError, setCheckoutError] = useState<string | null>(null);
  // One key per plan for the page's life: a double click or a retry after a timeout is the same
  // purchase, and the API answers it with the same payment.
  const keys = useRef(new Map<string, string>());

  const choose = async (plan: Plan) => {
    const key = keys.current.get(plan.id) ?? newIdempotencyKey();
    keys.current.set(plan.id, key);
    setChoosing(plan.id);
    setCheckoutError(null);
    try {
      const result = await call(
        api.api.v1.billing.checkout.$post({ json: { planId: plan.id }, header: { "idempotency-key": key } }),
      );
      if (result.paymentId) window.sessionStorage.setItem(PENDING_PAYMENT_KEY, result.paymentId);
      if (result.confirmationUrl) {
        toast(t.billing.redirecting);
        window.location.assign(result.confirmationUrl);
        return;
      }
      keys.current.delete(plan.id);
      setChoosing(null);
      if (result.status === "scheduled") {
        toast(t.billing.downgradeScheduled(plan.name, formatDate(result.effectiveAt, locale)));
        subscription.reload();
      } else if (result.paymentId) {
        navigate(`/billing/return?payment=${encodeURIComponent(result.paymentId)}`);
      }
    } catch (error) {
      setChoosing(null);
      setCheckoutError(errorText(error as ApiError, t));
    }
  };

  const reloadAll = () => {
    subscription.reload();
    payments.reload();
    setOlder(null);
  };

  const nextBefore = older ? older.nextBefore : payments.status === "ready" ? payments.data.nextBefore : null;
  const loadMore = async () => {
    if (!nextBefore) return;
    setLoadingMore(true);
    try {
      const page = await loadPayments(api, nextBefore);
      setOlder((was) => ({ payments: [...(was?.payments ?? []), ...page.payments], nextBefore: page.nextBefore }));
    } catch (error) {
      toast(errorText(error as ApiError, t));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.billing.title}</h1>
      </header>
      {subscription.status === "loading" && <Loading />}
      {subscription.status === "failed" && <ErrorState error={subscription.error} onRetry={subscription.reload} />}
      {subscription.status === "ready" && (
        <>
          <CurrentPlan
            sub={subscription.data}
            mayManage={mayManage}
            onCancel={() => setDialog({ kind: "cancel" })}
            onResume={() => setDialog({ kind: "resume" })}
            onPayNow={() => void choose(subscription.data.plan)}
            paying={choosing !== null}
          />
          {checkoutError && (
            <p className="form-error" role="alert">
              {checkoutError}
            </p>
          )}
          <Usage sub={subscription.data} />
        </>
      )}
      {mayManage && <ReceiptEmailPanel />}

      <section className="panel" aria-labelledby="plans-title">
        <h2 id="plans-title">{t.billing.plans}</h2>
        {checkoutError && (
          <p className="form-error" role="alert">
            {checkoutError}
          </p>
        )}
        {plans.status === "loading" && <Loading />}
        {plans.status === "failed" && <ErrorState error={plans.error} onRetry={plans.reload} />}
        {plans.status === "ready" && (
          <ul className="plans" aria-label={t.billing.plans}>
            {plans.data.plans.map((plan) => {
              const sub = subscription.status === "ready" ? subscription.data : null;
              const current = sub?.plan.id === plan.id;
              // Paid up on this plan: nothing to buy. Overdue, restricted or ended: buying it pays.
              const paidUp = current && sub?.status === "active";
              return (
                <li key={plan.id} className={current ? "plan current" : "plan"} aria-label={plan.name}>
                  <h3>{plan.name}</h3>
                  <div className="plan-price">
                    <span className="big">{formatMoneyMinor(plan.priceMinor, plan.currency, locale)}</span>{" "}
                    <span className="muted">{t.billing.perMonths(plan.periodMonths)}</span>
                  </div>
                  <ul className="plan-limits">
                    <li>
                      {t.billing.limitLine(
                        t.billing.resources.restaurants,
                        limitText(plan.limits.restaurants, t, locale),
                      )}
                    </li>
                    <li>{t.billing.limitLine(t.billing.resources.staff, limitText(plan.limits.staff, t, locale))}</li>
                    <li>{t.billing.limitLine(t.billing.resources.guests, limitText(plan.limits.guests, t, locale))}</li>
                    <li>
                      {t.billing.limitLine(
                        t.billing.resources.broadcasts,
                        limitText(plan.limits.broadcastsPerMonth, t, locale),
                      )}
                    </li>
                  </ul>
                  {current && <span className="badge ok">{t.billing.current}</span>}
                  {mayManage && !paidUp && (
                    <button
                      type="button"
                      className="button primary"
                      disabled={choosing !== null}
                      aria-busy={choosing === plan.id}
                      onClick={() => void choose(plan)}
                    >
                      {t.billing.choose}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="payments-title" id="payments">
        <h2 id="payments-title">{t.billing.payments}</h2>
        {payments.status === "loading" && <Loading />}
        {payments.status === "failed" && <ErrorState error={payments.error} onRetry={payments.reload} />}
        {payments.status === "ready" &&
          (payments.data.payments.length === 0 ? (
            <EmptyState>{t.billing.noPayments}</EmptyState>
          ) : (
            <>
              <Table
                label={t.billing.payments}
                columns={paymentColumns(t, locale)}
                rows={[...payments.data.payments, ...(older?.payments ?? [])]}
                rowKey={(payment) => payment.id}
              />
              {nextBefore && (
                <p>
                  <button
                    type="button"
                    className="button secondary"
                    disabled={loadingMore}
                    aria-busy={loadingMore}
                    onClick={() => void loadMore()}
                  >
                    {t.billing.loadMore}
                  </button>
                </p>
              )}
            </>
          ))}
      </section>

      {dialog?.kind === "cancel" && subscription.status === "ready" && (
        <ConfirmDialog
          title={t.billing.cancel}
          confirmLabel={t.billing.cancel}
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await call(api.api.v1.billing.cancel.$post({ json: {} }));
            setDialog(null);
            reloadAll();
            toast(t.billing.canceledToast);
          }}
        >
          {t.billing.cancelConfirm(formatDate(subscription.data.currentPeriodEnd, locale))}
        </ConfirmDialog>
      )}
      {dialog?.kind === "resume" && (
        <ConfirmDialog
          title={t.billing.resume}
          confirmLabel={t.billing.resume}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await call(api.api.v1.billing.resume.$post());
            setDialog(null);
            reloadAll();
            toast(t.billing.resumedToast);
          }}
        >
          {t.billing.resumeConfirm}
        </ConfirmDialog>
      )}
    </section>
  );
}

function limitText(limit: number | null, t: Messages, locale: Locale): string {
  return limit === null ? t.billing.unlimited : formatNumber(limit, locale);
}

function CurrentPlan({
  sub,
  mayManage,
  onCancel,
  onResume,
  onPayNow,
  paying,
}: {
  sub: Subscription;
  mayManage: boolean;
  onCancel: () => void;
  onResume: () => void;
  onPayNow: () => void;
  paying: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const running = sub.status === "active" || sub.status === "past_due";
  const next = sub.renewal.nextAttemptAt ? formatDateTime(sub.renewal.nextAttemptAt, locale) : null;
  return (
    <section className="panel" aria-labelledby="current-plan-title">
      <h2 id="current-plan-title">{t.billing.currentPlan}</h2>
      <dl className="facts">
        <div>
          <dt>{t.billing.plan}</dt>
          <dd data-testid="current-plan">{sub.plan.name}</dd>
        </div>
        <div>
          <dt>{t.billing.status}</dt>
          <dd data-testid="subscription-status">{statusText(sub, t, locale)}</dd>
        </div>
        <div>
          <dt>{t.billing.paymentMethod}</dt>
          <dd>{sub.paymentMethod ? (sub.paymentMethod.title ?? "—") : t.billing.noPaymentMethod}</dd>
        </div>
        {sub.nextPlan && (
          <div>
            <dt>{t.billing.period}</dt>
            <dd>{t.billing.nextPlan(sub.nextPlan.name, formatDate(sub.currentPeriodEnd, locale))}</dd>
          </div>
        )}
      </dl>
      {sub.notice === "payment_failed" && (
        <div className="notice" role="status" data-testid="renewal-failed">
          <p>{t.billing.renewalFailed(sub.renewal.failedAttempts, next)}</p>
          {mayManage && (
            <button type="button" className="button primary" disabled={paying} aria-busy={paying} onClick={onPayNow}>
              {t.billing.payNow}
            </button>
          )}
        </div>
      )}
      {sub.notice === "trial_ending" && (
        <p className="notice" role="status" data-testid="trial-ending">
          {t.billing.trialEnding(formatDate(sub.currentPeriodEnd, locale))}
        </p>
      )}
      {mayManage && running && !sub.cancelAtPeriodEnd && (
        <button type="button" className="button danger-outline" onClick={onCancel}>
          {t.billing.cancel}
        </button>
      )}
      {mayManage && sub.cancelAtPeriodEnd && sub.status !== "canceled" && (
        <button type="button" className="button secondary" onClick={onResume}>
          {t.billing.resume}
        </button>
      )}
    </section>
  );
}

function Usage({ sub }: { sub: Subscription }) {
  const t = useT();
  const locale = useLocale();
  const rows = [
    { key: "restaurants", used: sub.usage.restaurants, limit: sub.plan.limits.restaurants },
    { key: "staff", used: sub.usage.activeStaff, limit: sub.plan.limits.staff },
    { key: "guests", used: sub.usage.guests, limit: sub.plan.limits.guests },
    { key: "broadcasts", used: sub.usage.broadcastsThisMonth, limit: sub.plan.limits.broadcastsPerMonth },
  ] as const;
  return (
    <section className="panel" aria-labelledby="usage-title">
      <h2 id="usage-title">{t.billing.usage}</h2>
      <ul className="bars usage" aria-label={t.billing.usage}>
        {rows.map((row) => {
          const share = row.limit === null ? 0 : row.limit === 0 ? 1 : Math.min(1, row.used / row.limit);
          const full = row.limit !== null && row.used >= row.limit;
          return (
            <li key={row.key} className={full ? "bar-row full" : "bar-row"} data-testid={`usage-${row.key}`}>
              <span className="bar-label">{t.billing.resources[row.key]}</span>
              <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect className="bar" x={0} y={0} height={10} width={share * 100} />
              </svg>
              <span className="bar-value">
                {t.billing.usedOf(
                  formatNumber(row.used, locale),
                  row.limit === null ? null : formatNumber(row.limit, locale),
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function paymentColumns(t: Messages, locale: Locale): Column<Payment>[] {
  return [
    { header: t.billing.date, className: "main", cell: (p) => formatDateTime(p.paidAt ?? p.createdAt, locale) },
    { header: t.billing.plan, cell: (p) => `${p.plan.name} · ${t.billing.kinds[p.kind]}` },
    {
      header: t.billing.period,
      cell: (p) => `${formatDate(p.period.start, locale)} – ${formatDate(p.period.end, locale)}`,
    },
    { header: t.billing.amount, cell: (p) => formatMoneyMinor(p.amountMinor, p.currency, locale) },
    {
      header: t.billing.status,
      cell: (p) => (
        <>
          <span
            className={p.status === "succeeded" ? "badge ok" : p.status === "canceled" ? "badge off" : "badge pending"}
          >
            {t.billing.paymentStatuses[p.status]}
          </span>
          {p.status === "canceled" && p.cancellationReason && (
            <span className="muted small block" data-testid="payment-reason">
              {declineText(p.cancellationReason, t)}
            </span>
          )}
          {p.confirmationUrl && (
            <a className="small block" href={p.confirmationUrl} rel="noopener">
              {t.billing.continuePayment}
            </a>
          )}
        </>
      ),
    },
    {
      header: t.billing.refunds,
      cell: (p) =>
        p.refunds.length === 0 ? (
          "—"
        ) : (
          <ul className="plain" data-testid="payment-refunds">
            {p.refunds.map((refund) => (
              <li key={refund.id}>
                {t.billing.refundLine(
                  formatMoneyMinor(refund.amountMinor, p.currency, locale),
                  t.billing.refundStatuses[refund.status] ?? refund.status,
                  formatDate(refund.createdAt, locale),
                )}
              </li>
            ))}
          </ul>
        ),
    },
  ];
}
