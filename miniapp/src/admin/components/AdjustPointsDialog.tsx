// Adding or taking points by hand: the points and a reason (both checked here as the API checks
// them), then a confirmation with the balance it leaves. One Idempotency-Key per dialog: a double
// click or a retry after a lost answer sends the same key, so the points move once.
import { useState } from "react";
import { type ApiError, call, ProblemError } from "../api/client.ts";
import { newIdempotencyKey } from "../api/download.ts";
import { useServices } from "../app/context.tsx";
import { errorText, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import { Field, type FormErrors, formErrorsOf, noErrors } from "./Field.tsx";
import { Modal } from "./Modal.tsx";

const MAX_POINTS = 10_000_000;

export function AdjustPointsDialog({
  guest,
  onClose,
  onDone,
}: {
  guest: { id: string; name: string; balance: number };
  onClose: () => void;
  /** after the points moved: the balance now */
  onDone: (result: { points: number; balance: number }) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const [key] = useState(newIdempotencyKey);
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [step, setStep] = useState<"form" | "confirm">("form");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const amount = Number(points.trim());
  const signed = (value: number) => `${value > 0 ? "+" : ""}${formatNumber(value, locale)}`;

  const check = (): FormErrors => {
    const fields: Record<string, string> = {};
    if (!/^[+-]?\d+$/.test(points.trim()) || amount === 0 || Math.abs(amount) > MAX_POINTS) {
      fields.points = t.guest.pointsRequired;
    }
    if (reason.trim().length < 3) fields.reason = t.guest.reasonRequired;
    return { fields, form: null };
  };

  const next = () => {
    const found = check();
    setErrors(found);
    if (Object.keys(found.fields).length === 0) setStep("confirm");
  };

  const confirm = async () => {
    setBusy(true);
    setErrors(noErrors);
    try {
      const result = await call(
        api.api.v1.guests[":guestId"].adjustments.$post({
          param: { guestId: guest.id },
          header: { "idempotency-key": key },
          json: { points: amount, reason: reason.trim() },
        }),
      );
      onDone({ points: amount, balance: result.balance });
    } catch (failure) {
      const error = failure as ApiError;
      const found = formErrorsOf(error, t, ["points", "reason"]);
      // A field the API refused goes back to the form, beside the field.
      if (error instanceof ProblemError && Object.keys(found.fields).length > 0) setStep("form");
      setErrors(found.form || Object.keys(found.fields).length > 0 ? found : { fields: {}, form: errorText(error, t) });
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t.guest.adjustTitle}
      onClose={onClose}
      footer={
        step === "form" ? (
          <>
            <button type="button" className="button secondary" onClick={onClose}>
              {t.common.cancel}
            </button>
            <button type="submit" form="adjust-form" className="button primary">
              {t.guest.continue}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button secondary" onClick={() => setStep("form")} disabled={busy}>
              {t.guest.back2}
            </button>
            <button
              type="button"
              className="button primary"
              onClick={() => void confirm()}
              disabled={busy}
              aria-busy={busy}
            >
              {t.common.confirm}
            </button>
          </>
        )
      }
    >
      {step === "form" ? (
        <form
          id="adjust-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            next();
          }}
        >
          <Field label={t.guest.adjustPoints} error={errors.fields.points} hint={t.guest.adjustPointsHint}>
            {(props) => (
              <input
                {...props}
                name="points"
                inputMode="numeric"
                value={points}
                onChange={(event) => setPoints(event.target.value)}
              />
            )}
          </Field>
          <Field label={t.guest.adjustReason} error={errors.fields.reason} hint={t.guest.adjustReasonHint}>
            {(props) => (
              <textarea
                {...props}
                name="reason"
                rows={3}
                maxLength={500}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
              />
            )}
          </Field>
        </form>
      ) : (
        <p data-testid="adjust-confirm">
          {t.guest.confirmAdjust(
            signed(amount),
            guest.name,
            formatNumber(guest.balance, locale),
            formatNumber(guest.balance + amount, locale),
          )}
        </p>
      )}
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
    </Modal>
  );
}
