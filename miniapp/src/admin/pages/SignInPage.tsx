// Sign in with e-mail and password. One e-mail may work for several businesses: the API then
// lists them (409) and the member picks one. Too many wrong passwords lock the e-mail for a while
// (429 with Retry-After), which the page says in minutes.
import { useState } from "react";
import { ProblemError } from "../api/client.ts";
import { useServices, useSession } from "../app/context.tsx";
import { LanguageSwitch } from "../app/Layout.tsx";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { errorText, formatWait, useT } from "../i18n/locale.ts";

interface TenantChoice {
  slug: string;
  name: string;
}

function tenantsOf(error: ProblemError): TenantChoice[] {
  const listed = error.extensions.tenants;
  return Array.isArray(listed) ? (listed as TenantChoice[]) : [];
}

export function SignInPage() {
  const t = useT();
  const { session } = useServices();
  const reason = useSession((s) => s.reason);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [tenants, setTenants] = useState<TenantChoice[] | null>(null);
  const [tenant, setTenant] = useState<string | null>(null);
  const submit = useSubmit(["email", "password"]);

  const signIn = () =>
    submit.run(async () => {
      try {
        await session.getState().signIn({ email, password, ...(tenant ? { tenant } : {}) });
      } catch (error) {
        if (error instanceof ProblemError && error.status === 409 && tenantsOf(error).length > 0) {
          setTenants(tenantsOf(error));
          setTenant(null);
          return;
        }
        if (error instanceof ProblemError && error.status === 429 && error.retryAfterSeconds !== null) {
          submit.setErrors({ fields: {}, form: t.signIn.locked(formatWait(error.retryAfterSeconds, t)) });
          return;
        }
        if (error instanceof ProblemError && error.status === 401) {
          submit.setErrors({ fields: {}, form: t.signIn.wrong });
          return;
        }
        throw error;
      }
    });

  return (
    <main className="centered">
      <div className="auth-card">
        <div className="auth-head">
          <h1>{t.signIn.title}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t.signIn.subtitle}</p>
        {reason && (
          <p className="notice" role="alert">
            {errorText({ messageKey: reason.messageKey, message: reason.detail, status: 401 }, t)}
          </p>
        )}
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void signIn();
          }}
        >
          <Field label={t.signIn.email} error={submit.errors.fields.email}>
            {(props) => (
              <input
                {...props}
                type="email"
                name="email"
                autoComplete="username"
                value={email}
                onChange={(event) => {
                  setEmail(event.target.value);
                  setTenants(null);
                  setTenant(null);
                }}
              />
            )}
          </Field>
          <Field label={t.signIn.password} error={submit.errors.fields.password}>
            {(props) => (
              <input
                {...props}
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          {tenants && (
            <fieldset className="choices">
              <legend>{t.signIn.chooseTenant}</legend>
              {tenants.map((one) => (
                <label key={one.slug} className="choice">
                  <input
                    type="radio"
                    name="tenant"
                    value={one.slug}
                    checked={tenant === one.slug}
                    onChange={() => setTenant(one.slug)}
                  />
                  {one.name}
                </label>
              ))}
            </fieldset>
          )}
          <FormError errors={submit.errors} />
          <button
            type="submit"
            className="button primary wide"
            disabled={submit.busy || (tenants !== null && tenant === null)}
          >
            {t.signIn.submit}
          </button>
        </form>
      </div>
    </main>
  );
}
