// The connected bot's webhook as Telegram reports it: whether Telegram calls our address, how many
// updates wait, and the last delivery error (Telegram's own English words, with its date in the
// owner's language), with "set the webhook again" for when it was lost or points elsewhere.
import { useState } from "react";
import { type ApiError, call } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { errorText, formatDateTime, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import { ErrorState, Loading } from "./states.tsx";
import { toast } from "./toast.tsx";

const badgeClass = { set: "ok", missing: "off", other: "off", polling: "pending" } as const;

export function BotWebhookPanel() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const webhook = useLoad(() => call(api.api.v1.bot.webhook.$get()), [api]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (webhook.status === "loading") return <Loading />;
  if (webhook.status === "failed") return <ErrorState error={webhook.error} onRetry={webhook.reload} />;
  const state = webhook.data;

  const setAgain = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await call(api.api.v1.bot.webhook.$post());
      webhook.reload();
      toast(t.bot.webhook.setToast);
    } catch (error) {
      setFailure(errorText(error as ApiError, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="bot-webhook-title" data-testid="bot-webhook">
      <h2 id="bot-webhook-title">{t.bot.webhook.title}</h2>
      <dl className="facts">
        <div>
          <dt>{t.bot.webhook.state}</dt>
          <dd>
            <span className={`badge ${badgeClass[state.status]}`}>{t.bot.webhook.statuses[state.status]}</span>
          </dd>
        </div>
        {state.url && (
          <div>
            <dt>{t.bot.webhook.url}</dt>
            <dd>{state.url}</dd>
          </div>
        )}
        {state.status !== "set" && state.expectedUrl && (
          <div>
            <dt>{t.bot.webhook.expectedUrl}</dt>
            <dd>{state.expectedUrl}</dd>
          </div>
        )}
        <div>
          <dt>{t.bot.webhook.pending}</dt>
          <dd>{formatNumber(state.pendingUpdateCount, locale)}</dd>
        </div>
        <div>
          <dt>{t.bot.webhook.lastError}</dt>
          <dd>
            {state.lastErrorAt
              ? t.bot.webhook.errorLine(formatDateTime(state.lastErrorAt, locale), state.lastErrorMessage ?? "")
              : t.bot.webhook.noErrors}
          </dd>
        </div>
      </dl>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {state.status !== "polling" && (
        <div className="row-actions">
          <button type="button" className="button secondary" disabled={busy} onClick={() => void setAgain()}>
            {t.bot.webhook.setAgain}
          </button>
        </div>
      )}
    </section>
  );
}
