// The business's Telegram bot: which one answers guests, connect or replace it with a token from
// @BotFather (the API checks it with Telegram; its complaints land under the field), disconnect,
// and its webhook as Telegram sees it.
import { useState } from "react";
import { type AdminClient, call, ProblemError } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { BotWebhookPanel } from "../components/BotWebhookPanel.tsx";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { ConfirmDialog } from "../components/Modal.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { toast } from "../components/toast.tsx";
import { formatDateTime, useLocale, useT } from "../i18n/locale.ts";

/** The connected bot, or null when there is none (the API's 404). */
async function loadBot(api: AdminClient) {
  try {
    return await call(api.api.v1.bot.$get());
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) return null;
    throw error;
  }
}

export default function BotPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const bot = useLoad(() => loadBot(api), [api]);
  const [token, setToken] = useState("");
  const [replacing, setReplacing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const submit = useSubmit(["token"]);

  if (bot.status === "loading") return <Loading />;
  if (bot.status === "failed") return <ErrorState error={bot.error} onRetry={bot.reload} />;
  const connected = bot.data;

  const connect = () =>
    submit.run(async () => {
      const identity = await call(api.api.v1.bot.$put({ json: { token: token.trim() } }));
      setToken("");
      setReplacing(false);
      bot.reload();
      toast(t.bot.connectedToast(identity.username));
    });

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.bot.title}</h1>
      </header>
      {connected ? (
        <div className="panel" data-testid="bot-status">
          <dl className="facts">
            <div>
              <dt>{t.bot.username}</dt>
              <dd>
                <a href={`https://t.me/${connected.username}`} target="_blank" rel="noreferrer">
                  @{connected.username}
                </a>{" "}
                <span className="badge ok">{t.bot.connected}</span>
              </dd>
            </div>
            <div>
              <dt>{t.bot.botId}</dt>
              <dd>{connected.botId}</dd>
            </div>
            <div>
              <dt>{t.bot.connectedAt}</dt>
              <dd>{formatDateTime(connected.connectedAt, locale)}</dd>
            </div>
          </dl>
          <div className="row-actions">
            {!replacing && (
              <button type="button" className="button secondary" onClick={() => setReplacing(true)}>
                {t.bot.replace}
              </button>
            )}
            <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
              {t.bot.disconnect}
            </button>
          </div>
        </div>
      ) : (
        <p className="notice">{t.bot.notConnected}</p>
      )}
      {connected && <BotWebhookPanel key={connected.connectedAt} />}
      {(!connected || replacing) && (
        <form
          className="panel"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void connect();
          }}
        >
          <Field label={t.bot.token} error={submit.errors.fields.token} hint={t.bot.tokenHint}>
            {(props) => (
              <input
                {...props}
                name="token"
                autoComplete="off"
                spellCheck={false}
                placeholder="123456789:AA…"
                value={token}
                onChange={(event) => setToken(event.target.value)}
              />
            )}
          </Field>
          <FormError errors={submit.errors} />
          <div className="row-actions">
            {replacing && (
              <button type="button" className="button secondary" onClick={() => setReplacing(false)}>
                {t.common.cancel}
              </button>
            )}
            <button type="submit" className="button primary" disabled={submit.busy || token.trim() === ""}>
              {t.bot.connect}
            </button>
          </div>
        </form>
      )}
      {confirming && connected && (
        <ConfirmDialog
          title={t.bot.disconnect}
          confirmLabel={t.bot.disconnect}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await call(api.api.v1.bot.$delete());
            setConfirming(false);
            bot.reload();
            toast(t.bot.disconnectedToast);
          }}
        >
          {t.bot.disconnectConfirm(connected.username)}
        </ConfirmDialog>
      )}
    </section>
  );
}
