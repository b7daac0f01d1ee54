// Creating an event (a draft) or changing a draft or published one, with its cover. Times are the
// business's wall clock whatever the browser's zone, and say so. The cover is uploaded after the
// event is saved; if only the upload fails, the form stays open on the saved event, so trying
// again changes that event rather than creating a second one.
import { useState } from "react";
import { type ApiError, ProblemError } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { Field, FormError, type FormErrors, formErrorsOf, noErrors } from "../components/Field.tsx";
import { Modal } from "../components/Modal.tsx";
import { errorText, useT } from "../i18n/locale.ts";
import { CoverPicker } from "./CoverPicker.tsx";
import { createEvent, loadLevels, type Restaurant, type StaffEvent, updateEvent, uploadCover } from "./event-api.ts";
import {
  changedFields,
  checkEventForm,
  type EventFormValues,
  eventBody,
  eventFieldMessage,
  eventFieldNames,
  formValuesOf,
  threeHoursAfter,
} from "./event-form-values.ts";
import { useCoverUrl } from "./use-cover.ts";
import { zoneLabel } from "./zoned-time.ts";

export function EventForm({
  event,
  restaurants,
  onClose,
  onSaved,
}: {
  /** absent: a new event */
  event?: StaffEvent;
  /** the restaurants the staff member works for */
  restaurants: readonly Restaurant[];
  onClose: () => void;
  onSaved: (event: StaffEvent) => void;
}) {
  const t = useT();
  const { api } = useServices();
  const profile = useProfile();
  const zone = profile.tenant.timeZone;
  const wholeBusiness = profile.restaurantIds === null;
  const choices = restaurants.filter((one) => one.isActive || one.id === event?.restaurantId);
  const levels = useLoad(() => loadLevels(api), [api]);
  const [saved, setSaved] = useState<StaffEvent | undefined>(event);
  // A business with one restaurant holds its events there (so the dashboard's restaurant view
  // counts them); with several, an event is for all of them until one is chosen.
  const activeChoices = choices.filter((one) => one.isActive);
  const firstChoice = wholeBusiness && activeChoices.length !== 1 ? "" : (activeChoices[0]?.id ?? "");
  const [values, setValues] = useState<EventFormValues>(() => formValuesOf(event, zone, firstChoice));
  const [cover, setCover] = useState<File | null>(null);
  const [coverError, setCoverError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof EventFormValues>(key: K, value: EventFormValues[K]) =>
    setValues((was) => ({ ...was, [key]: value }));
  const fieldError = (key: keyof EventFormValues) => errors.fields[key];

  const save = async () => {
    const found = checkEventForm(values, zone, t);
    if (Object.keys(found).length > 0) {
      setErrors({ fields: found, form: t.errors.fix });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    let stored = saved;
    try {
      const body = eventBody(values, zone);
      if (!stored) stored = await createEvent(api, body);
      else {
        const changes = changedFields(stored, body);
        if (Object.keys(changes).length > 0) stored = await updateEvent(api, stored.id, changes);
      }
      setSaved(stored);
    } catch (failure) {
      const found = formErrorsOf(failure as ApiError, t, eventFieldNames);
      const fields = Object.fromEntries(
        Object.entries(found.fields).map(([path, message]) => [path, eventFieldMessage(path, message, t)]),
      );
      setErrors({ ...found, fields });
      setBusy(false);
      return;
    }
    if (cover) {
      try {
        await uploadCover(api, stored.id, cover);
      } catch (failure) {
        const error = failure as ApiError;
        const why = error instanceof ProblemError && error.status === 413 ? t.events.invalid.coverSize : null;
        setErrors({ fields: { cover: why ?? errorText(error, t) }, form: t.events.coverFailed });
        setBusy(false);
        return;
      }
    }
    onSaved(stored);
  };

  const storedCover = useCoverUrl(api, saved);
  const levelList = levels.status === "ready" ? [...levels.data].sort((a, b) => a.rank - b.rank) : [];
  const zoneHint = t.events.hints.zone(zoneLabel(zone));

  return (
    <Modal
      title={event ? t.events.editTitle(event.title) : t.events.createTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="submit" form="event-form" className="button primary" disabled={busy} aria-busy={busy}>
            {event ? t.common.save : t.events.saveDraft}
          </button>
        </>
      }
    >
      <form
        id="event-form"
        className="event-form"
        noValidate
        onSubmit={(submitted) => {
          submitted.preventDefault();
          void save();
        }}
      >
        {event?.status === "published" && <p className="notice">{t.events.publishedEditNotice}</p>}
        <Field label={t.events.fields.title} error={fieldError("title")}>
          {(props) => (
            <input
              {...props}
              name="title"
              maxLength={200}
              value={values.title}
              onChange={(e) => set("title", e.target.value)}
            />
          )}
        </Field>
        <Field label={t.events.fields.description} error={fieldError("description")} hint={t.events.hints.description}>
          {(props) => (
            <textarea
              {...props}
              name="description"
              rows={4}
              maxLength={5000}
              value={values.description}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>
        <Field label={t.events.fields.restaurant} error={fieldError("restaurantId")}>
          {(props) => (
            <select
              {...props}
              name="restaurantId"
              value={values.restaurantId}
              onChange={(e) => set("restaurantId", e.target.value)}
            >
              {wholeBusiness && <option value="">{t.events.wholeBusiness}</option>}
              {choices.map((one) => (
                <option key={one.id} value={one.id}>
                  {one.isActive ? one.name : `${one.name} (${t.restaurants.closed.toLowerCase()})`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-pair">
          <Field label={t.events.fields.startsAt} error={fieldError("startsAt")} hint={zoneHint}>
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                name="startsAt"
                value={values.startsAt}
                onChange={(e) => {
                  const startsAt = e.target.value;
                  setValues((was) => ({
                    ...was,
                    startsAt,
                    endsAt: was.endsAt || threeHoursAfter(startsAt),
                  }));
                }}
              />
            )}
          </Field>
          <Field label={t.events.fields.endsAt} error={fieldError("endsAt")}>
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                name="endsAt"
                value={values.endsAt}
                onChange={(e) => set("endsAt", e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="form-pair">
          <Field label={t.events.fields.capacity} error={fieldError("capacity")} hint={t.events.hints.capacity}>
            {(props) => (
              <input
                {...props}
                name="capacity"
                inputMode="numeric"
                value={values.capacity}
                onChange={(e) => set("capacity", e.target.value)}
              />
            )}
          </Field>
          <Field label={t.events.fields.minLevel} error={fieldError("minLevelId")}>
            {(props) => (
              <select
                {...props}
                name="minLevelId"
                value={values.minLevelId}
                onChange={(e) => set("minLevelId", e.target.value)}
              >
                <option value="">{t.events.hints.anyLevel}</option>
                {levelList.map((level) => (
                  <option key={level.id} value={level.id}>
                    {level.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset className="choices">
          <legend>{t.events.fields.price}</legend>
          <label className="choice">
            <input type="radio" name="paid" checked={!values.paid} onChange={() => set("paid", false)} />
            {t.events.free}
          </label>
          <label className="choice">
            <input type="radio" name="paid" checked={values.paid} onChange={() => set("paid", true)} />
            {t.events.fields.inPoints}
          </label>
          {values.paid && (
            <Field label={t.events.fields.pricePoints} error={fieldError("pricePoints")} hint={t.events.hints.price}>
              {(props) => (
                <input
                  {...props}
                  name="pricePoints"
                  inputMode="numeric"
                  value={values.pricePoints}
                  onChange={(e) => set("pricePoints", e.target.value)}
                />
              )}
            </Field>
          )}
        </fieldset>
        <div className="form-pair">
          <Field label={t.events.fields.bonus} error={fieldError("attendanceBonusPoints")} hint={t.events.hints.bonus}>
            {(props) => (
              <input
                {...props}
                name="attendanceBonusPoints"
                inputMode="numeric"
                value={values.attendanceBonusPoints}
                onChange={(e) => set("attendanceBonusPoints", e.target.value)}
              />
            )}
          </Field>
          <Field
            label={t.events.fields.deadline}
            error={fieldError("registrationDeadline")}
            hint={t.events.hints.deadline}
          >
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                name="registrationDeadline"
                value={values.registrationDeadline}
                onChange={(e) => set("registrationDeadline", e.target.value)}
              />
            )}
          </Field>
        </div>
        <CoverPicker
          storedUrl={storedCover}
          file={cover}
          error={coverError ?? errors.fields.cover}
          onFile={setCover}
          onError={setCoverError}
        />
        <FormError errors={errors} />
      </form>
    </Modal>
  );
}
