// Where YooKassa sends the owner back after its payment page (#/billing/return?payment=<id>).
// YooKassa's notification may not have arrived yet, so the page asks the API about the payment
// (which asks YooKassa again while it is open) every few seconds until it has succeeded or been
// cancelled. After about a minute it stops and says to look at the history later: the payment
// settles anyway when YooKassa's notification arrives.
import { useEffect, useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { hrefOf } from "../app/routes.ts";
import { ErrorState } from "../components/states.tsx";
import { useLocale, useT } from "../i18n/locale.ts";
import { declineText, formatDate, PENDING_PAYMENT_KEY } from "./billing-common.ts";

const loadPayment = (api: AdminClient, paymentId: string) =>
  call(api.api.v1.billing.payments[":paymentId"].$get({ param: { paymentId } }));
type Payment = Awaited<ReturnType<typeof loadPayment>>;

type Outcome =
  | { kind: "checking" }
  | { kind: "slow" }
  | { kind: "done"; payment: Payment }
  | { kind: "failed"; error: ApiError }
  | { kind: "unknown" };

export default function BillingReturnPage({
  paymentId,
  pollMs = 2_000,
  giveUpMs = 60_000,
}: {
  /** from the return URL; else the payment this browser sent the owner to pay */
  paymentId: string | null;
  pollMs?: number;
  giveUpMs?: number;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const id = paymentId ?? window.sessionStorage.getItem(PENDING_PAYMENT_KEY);
  const [outcome, setOutcome] = useState<Outcome>(id ? { kind: "checking" } : { kind: "unknown" });
  const [round, setRound] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` is the "try again" button: it starts polling anew
  useEffect(() => {
    if (!id) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    setOutcome({ kind: "checking" });
    const poll = async () => {
      try {
        const payment = await loadPayment(api, id);
        if (!live) return;
        if (payment.status === "succeeded" || payment.status === "canceled") {
          if (window.sessionStorage.getItem(PENDING_PAYMENT_KEY) === id) {
            window.sessionStorage.removeItem(PENDING_PAYMENT_KEY);
          }
          setOutcome({ kind: "done", payment });
          return;
        }
      } catch (error) {
        if (!live) return;
        // A network hiccup is worth another try; a refusal (404, 403) will not change.
        if ((error as ApiError).status !== 0 && (error as ApiError).status < 500) {
          setOutcome({ kind: "failed", error: error as ApiError });
          return;
        }
      }
      if (Date.now() - started >= giveUpMs) {
        setOutcome({ kind: "slow" });
        return;
      }
      timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [api, id, pollMs, giveUpMs, round]);

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.billing.returnTitle}</h1>
      </header>
      <div className="panel" aria-live="polite">
        {outcome.kind === "checking" && (
          <div className="state" role="status">
            <span className="spinner" aria-hidden="true" />
            <p>{t.billing.checking}</p>
          </div>
        )}
        {outcome.kind === "slow" && (
          <>
            <p className="notice">{t.billing.slow}</p>
            <p>
              <button type="button" className="button secondary" onClick={() => setRound((n) => n + 1)}>
                {t.common.retry}
              </button>{" "}
              <a href={`${hrefOf("/billing")}`}>{t.billing.toHistory}</a>
            </p>
          </>
        )}
        {outcome.kind === "unknown" && (
          <p className="notice">
            {t.billing.noPayment} <a href={hrefOf("/billing")}>{t.billing.toHistory}</a>
          </p>
        )}
        {outcome.kind === "failed" && <ErrorState error={outcome.error} />}
        {outcome.kind === "done" && outcome.payment.status === "succeeded" && (
          <p className="notice success" role="status" data-testid="payment-outcome">
            {t.billing.succeeded(outcome.payment.plan.name, formatDate(outcome.payment.period.end, locale))}
          </p>
        )}
        {outcome.kind === "done" && outcome.payment.status === "canceled" && (
          <div role="status" data-testid="payment-outcome">
            <p className="notice">{t.billing.failed}</p>
            {outcome.payment.cancellationReason && (
              <p className="muted small" data-testid="payment-reason">
                {t.billing.failedReason(declineText(outcome.payment.cancellationReason, t) ?? "")}
              </p>
            )}
          </div>
        )}
        {(outcome.kind === "done" || outcome.kind === "failed") && (
          <p>
            <a className="button primary" href={hrefOf("/billing")}>
              {t.billing.toBilling}
            </a>
          </p>
        )}
      </div>
    </section>
  );
}
