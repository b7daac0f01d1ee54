// Form fields with their messages beside them: a 422's errors[].path names the field, anything
// else is the form's own error line.
import { type ReactNode, useId, useState } from "react";
import { type ApiError, ProblemError } from "../api/client.ts";
import { fieldText } from "../i18n/field-texts.ts";
import { errorText, useT } from "../i18n/locale.ts";
import type { Messages } from "../i18n/messages.ts";
import { isPlanLimit, PlanLimitLink } from "./PlanLimitLink.tsx";

export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
  /** the plan is full: the form's error offers the billing page */
  upgrade?: boolean;
}

export const noErrors: FormErrors = { fields: {}, form: null };

/** Where a failed call's messages go: onto the named fields, the rest onto the form. */
export function formErrorsOf(error: ApiError, t: Messages, known: readonly string[]): FormErrors {
  const fields: Record<string, string> = {};
  const loose: string[] = [];
  if (error instanceof ProblemError) {
    for (const field of error.fields) {
      const name = known.find((one) => field.path === one || field.path.startsWith(`${one}.`));
      if (name) fields[name] ??= fieldText(field, t.errors.fields);
      else loose.push(`${field.path}: ${fieldText(field, t.errors.fields)}`);
    }
  }
  const named = Object.keys(fields).length > 0;
  const form =
    loose.length > 0
      ? loose.join("; ")
      : named
        ? error.messageKey
          ? errorText(error, t)
          : t.errors.fix
        : errorText(error, t);
  return { fields, form, upgrade: isPlanLimit(error) };
}

/** A form's submit: busy while it runs, errors from its failure. */
export function useSubmit(known: readonly string[]) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setErrors(noErrors);
    try {
      await action();
    } catch (error) {
      setErrors(formErrorsOf(error as ApiError, t, known));
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, setErrors, run };
}

export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": !!error, ...(error || hint ? { "aria-describedby": messageId } : {}) })}
      {error ? (
        <p className="field-error" id={messageId}>
          {error}
        </p>
      ) : (
        hint && (
          <p className="field-hint" id={messageId}>
            {hint}
          </p>
        )
      )}
    </div>
  );
}

export function FormError({ errors }: { errors: FormErrors }) {
  if (!errors.form) return null;
  return (
    <p className="form-error" role="alert">
      {errors.form}
      {errors.upgrade && <PlanLimitLink />}
    </p>
  );
}
