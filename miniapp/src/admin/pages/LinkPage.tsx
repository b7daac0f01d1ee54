// An invitation or password link (#/link/<token>): says whom and what it is for, takes the new
// password twice, and signs the member in. The token goes to the API in a body, not a URL.
import { useState } from "react";
import { call } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { LanguageSwitch } from "../app/Layout.tsx";
import { navigate } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { formatDateTime, useLocale, useT } from "../i18n/locale.ts";

const minLength = 10;

export function LinkPage({ token }: { token: string }) {
  const t = useT();
  const locale = useLocale();
  const { session, api } = useServices();
  const link = useLoad(() => call(api.api.v1.auth.links.inspect.$post({ json: { token } })), [token]);
  const [name, setName] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const submit = useSubmit(["password", "name"]);

  if (link.status === "loading") {
    return (
      <main className="centered">
        <Loading />
      </main>
    );
  }
  if (link.status === "failed") {
    return (
      <main className="centered">
        <div className="auth-card" data-testid="link-unusable">
          {link.error.status === 404 ? (
            <p className="notice" role="alert">
              {t.link.unusable}
            </p>
          ) : (
            <ErrorState error={link.error} onRetry={link.reload} />
          )}
          <a className="button secondary wide" href="#/sign-in">
            {t.link.toSignIn}
          </a>
        </div>
      </main>
    );
  }
  const info = link.data;
  const accept = () =>
    submit.run(async () => {
      const fields: Record<string, string> = {};
      if (password.length < minLength) fields.password = t.link.tooShort;
      else if (password !== repeat) fields.repeat = t.link.mismatch;
      if (Object.keys(fields).length > 0) {
        submit.setErrors({ fields, form: null });
        return;
      }
      const trimmed = name?.trim();
      await session.getState().acceptLink({
        token,
        password,
        ...(info.purpose === "invite" && trimmed && trimmed !== info.name ? { name: trimmed } : {}),
      });
      navigate("/", { replace: true });
    });
  return (
    <main className="centered">
      <div className="auth-card">
        <div className="auth-head">
          <h1>{info.purpose === "invite" ? t.link.inviteTitle : t.link.resetTitle}</h1>
          <LanguageSwitch />
        </div>
        <p data-testid="link-who">
          {info.purpose === "invite"
            ? t.link.invite(info.name, info.tenant.name, t.roles[info.role])
            : t.link.reset(info.name, info.tenant.name)}
        </p>
        <p className="muted">
          {t.link.account(info.email)} · {t.common.expires(formatDateTime(info.expiresAt, locale))}
        </p>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void accept();
          }}
        >
          <input type="email" name="username" autoComplete="username" value={info.email} readOnly hidden />
          {info.purpose === "invite" && (
            <Field label={t.link.name} error={submit.errors.fields.name}>
              {(props) => (
                <input
                  {...props}
                  name="name"
                  autoComplete="name"
                  value={name ?? info.name}
                  onChange={(event) => setName(event.target.value)}
                />
              )}
            </Field>
          )}
          <Field label={t.link.password} error={submit.errors.fields.password} hint={t.link.passwordHint}>
            {(props) => (
              <input
                {...props}
                type="password"
                name="password"
                autoComplete="new-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label={t.link.repeat} error={submit.errors.fields.repeat}>
            {(props) => (
              <input
                {...props}
                type="password"
                name="repeat"
                autoComplete="new-password"
                value={repeat}
                onChange={(event) => setRepeat(event.target.value)}
              />
            )}
          </Field>
          <FormError errors={submit.errors} />
          <button type="submit" className="button primary wide" disabled={submit.busy}>
            {t.link.submit}
          </button>
        </form>
      </div>
    </main>
  );
}
