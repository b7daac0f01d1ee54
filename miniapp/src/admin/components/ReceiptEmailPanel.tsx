// Where YooKassa sends the business's receipts (54-FZ), on the billing page, for the owner: the
// address (or that none is set yet, before the first payment) and a form to change it. The API
// checks the address; its refusal lands under the field in the owner's language.
import { useState } from "react";
import { type AdminClient, type ApiError, call, ProblemError } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { errorText, useT } from "../i18n/locale.ts";
import { Field } from "./Field.tsx";
import { EmptyState, ErrorState, Loading } from "./states.tsx";
import { toast } from "./toast.tsx";

const loadEmail = (api: AdminClient) => call(api.api.v1.billing.email.$get());

export function ReceiptEmailPanel() {
  const t = useT();
  const { api } = useServices();
  const current = useLoad(() => loadEmail(api), [api]);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; form: string | null }>({ field: null, form: null });

  const edit = (from: string | null) => {
    setDraft(from ?? "");
    setError({ field: null, form: null });
  };

  const save = async (email: string) => {
    setBusy(true);
    setError({ field: null, form: null });
    try {
      const saved = await call(api.api.v1.billing.email.$put({ json: { email } }));
      setDraft(null);
      current.reload();
      toast(t.billing.receipts.savedToast(saved.email ?? email));
    } catch (caught) {
      const failure = caught as ApiError;
      const onField = failure instanceof ProblemError && failure.fields.some((field) => field.path === "email");
      const text = errorText(failure, t);
      setError(onField ? { field: text, form: null } : { field: null, form: text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="receipts-title" data-testid="receipt-email">
      <h2 id="receipts-title">{t.billing.receipts.title}</h2>
      {current.status === "loading" && <Loading />}
      {current.status === "failed" && <ErrorState error={current.error} onRetry={current.reload} />}
      {current.status === "ready" && draft === null && (
        <>
          {current.data.email ? (
            <p>
              {t.billing.receipts.sentTo} <strong data-testid="receipt-email-address">{current.data.email}</strong>
            </p>
          ) : (
            <EmptyState>{t.billing.receipts.none}</EmptyState>
          )}
          <button type="button" className="button secondary" onClick={() => edit(current.data.email)}>
            {current.data.email ? t.billing.receipts.change : t.billing.receipts.set}
          </button>
        </>
      )}
      {draft !== null && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void save(draft);
          }}
        >
          <Field label={t.billing.receipts.email} error={error.field ?? undefined}>
            {(props) => (
              <input
                {...props}
                type="email"
                name="email"
                autoComplete="email"
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
              />
            )}
          </Field>
          {error.form && (
            <p className="form-error" role="alert">
              {error.form}
            </p>
          )}
          <div className="row-actions">
            <button type="button" className="button secondary" onClick={() => setDraft(null)}>
              {t.common.cancel}
            </button>
            <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
              {t.common.save}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
