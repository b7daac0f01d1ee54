// Cancelling an event: the reason is required (every guest reads it), and the dialog says who
// will be told and how many points go back, before anything happens. Cancelling twice changes
// nothing, so a retry after a lost answer is safe without a key.
import { useState } from "react";
import type { ApiError } from "../api/client.ts";
import { useServices } from "../app/context.tsx";
import { Field, FormError, type FormErrors, formErrorsOf, noErrors } from "../components/Field.tsx";
import { Modal } from "../components/Modal.tsx";
import { formatNumber, useLocale, useT } from "../i18n/locale.ts";
import { cancelEvent, type Registration, type StaffEvent } from "./event-api.ts";

/** The points the restaurant's cancellation returns: what registered guests paid and still have out. */
export function pointsToReturn(registrations: readonly Registration[]): number {
  return registrations
    .filter((one) => one.status === "registered" && !one.refunded)
    .reduce((sum, one) => sum + one.paidPoints, 0);
}

export function CancelEventDialog({
  event,
  registrations,
  onClose,
  onCancelled,
}: {
  event: StaffEvent;
  registrations: readonly Registration[];
  onClose: () => void;
  onCancelled: (event: StaffEvent) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const guests = event.registeredCount + event.waitlistedCount;
  const points = pointsToReturn(registrations);

  const confirm = async () => {
    if (!reason.trim()) {
      setErrors({ fields: { reason: t.events.reasonRequired }, form: null });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      onCancelled(await cancelEvent(api, event.id, reason.trim()));
    } catch (failure) {
      setErrors(formErrorsOf(failure as ApiError, t, ["reason"]));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t.events.cancelTitle(event.title)}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose} disabled={busy}>
            {t.events.keep}
          </button>
          <button type="submit" form="cancel-event-form" className="button danger" disabled={busy} aria-busy={busy}>
            {t.events.cancelConfirm}
          </button>
        </>
      }
    >
      <form
        id="cancel-event-form"
        noValidate
        onSubmit={(submitted) => {
          submitted.preventDefault();
          void confirm();
        }}
      >
        <p className="notice" data-testid="cancel-consequences">
          {guests === 0
            ? t.events.cancelNobody
            : t.events.cancelWho(event.registeredCount, event.waitlistedCount, formatNumber(points, locale))}
        </p>
        <Field label={t.events.cancelReason} error={errors.fields.reason} hint={t.events.cancelReasonHint}>
          {(props) => (
            <textarea
              {...props}
              name="reason"
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
        <FormError errors={errors} />
      </form>
    </Modal>
  );
}
