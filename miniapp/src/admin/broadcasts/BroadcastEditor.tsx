// Composing a broadcast: the text (Telegram's HTML or plain) with its live preview and length, an
// optional button, the audience with a live count of recipients, a test to oneself, and Send…,
// which saves the draft and asks to confirm with the count and the month's allowance ("broadcast
// 3 of 4 this month"), now or at a time in the business's time zone.
import { parseTelegramHtml } from "@maxl/shared";
import { useEffect, useMemo, useState } from "react";
import type { ApiError } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { Field, FormError, type FormErrors, formErrorsOf, noErrors } from "../components/Field.tsx";
import { Modal } from "../components/Modal.tsx";
import { PlanLimitLink } from "../components/PlanLimitLink.tsx";
import { toast } from "../components/toast.tsx";
import { loadLevels, loadRestaurants } from "../events/event-api.ts";
import { formatZoned, isoToZonedInput, zonedInputToIso, zoneLabel } from "../events/zoned-time.ts";
import { formatNumber, useLocale, useT } from "../i18n/locale.ts";
import {
  type AudienceBody,
  type Broadcast,
  type CreateBroadcastBody,
  countAudience,
  createBroadcast,
  loadAllowance,
  sendBroadcast,
  sendTest,
  updateBroadcast,
} from "./broadcast-api.ts";
import { TelegramPreview } from "./TelegramPreview.tsx";

const fieldNames = ["text", "button", "audience", "scheduledAt"] as const;

interface Values {
  text: string;
  format: "html" | "plain";
  buttonLabel: string;
  buttonUrl: string;
  levelIds: string[];
  restaurantIds: string[];
  lastVisitAfter: string;
  lastVisitBefore: string;
  minBalance: string;
}

function valuesOf(broadcast: Broadcast | undefined, zone: string): Values {
  const audience = broadcast?.audience;
  const day = (iso: string | null | undefined) => (iso ? isoToZonedInput(iso, zone).slice(0, 10) : "");
  return {
    text: broadcast?.text ?? "",
    format: broadcast?.format ?? "html",
    buttonLabel: broadcast?.button?.label ?? "",
    buttonUrl: broadcast?.button?.url ?? "",
    levelIds: audience?.levelIds ?? [],
    restaurantIds: audience?.restaurantIds ?? [],
    lastVisitAfter: day(audience?.lastVisitAfter),
    lastVisitBefore: day(audience?.lastVisitBefore),
    minBalance: audience?.minBalance === null || audience?.minBalance === undefined ? "" : String(audience.minBalance),
  };
}

function audienceOf(values: Values, zone: string): AudienceBody {
  const midnight = (day: string) => (day ? zonedInputToIso(`${day}T00:00`, zone) : null);
  const balance = values.minBalance.trim() === "" ? null : Number(values.minBalance);
  return {
    levelIds: values.levelIds,
    restaurantIds: values.restaurantIds,
    lastVisitAfter: midnight(values.lastVisitAfter),
    lastVisitBefore: midnight(values.lastVisitBefore),
    minBalance: balance !== null && Number.isInteger(balance) && balance >= 0 ? balance : null,
  };
}

function bodyOf(values: Values, zone: string): CreateBroadcastBody {
  const label = values.buttonLabel.trim();
  const url = values.buttonUrl.trim();
  return {
    text: values.text,
    format: values.format,
    button: label || url ? { label, url } : null,
    audience: audienceOf(values, zone),
  };
}

const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((one) => one !== id) : [...list, id]);

export function BroadcastEditor({
  broadcast,
  onClose,
  onDone,
}: {
  /** absent: a new broadcast */
  broadcast?: Broadcast;
  onClose: () => void;
  /** saved, sent or scheduled: the list reloads */
  onDone: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const zone = profile.tenant.timeZone;
  const levels = useLoad(() => loadLevels(api), [api]);
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const [values, setValues] = useState<Values>(() => valuesOf(broadcast, zone));
  const [saved, setSaved] = useState<Broadcast | undefined>(broadcast);
  // one key per form: saving twice (a double click, a retry) creates one draft
  const [createKey] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [recipients, setRecipients] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((was) => ({ ...was, [key]: value }));
  const count = (n: number) => formatNumber(n, locale);

  const length = useMemo(() => {
    if (values.format === "plain") return values.text.length;
    const parsed = parseTelegramHtml(values.text);
    return parsed.ok ? parsed.length : null;
  }, [values.text, values.format]);

  const audience = audienceOf(values, zone);
  const audienceKey = JSON.stringify(audience);
  useEffect(() => {
    let live = true;
    setRecipients(null);
    const timer = setTimeout(() => {
      countAudience(api, JSON.parse(audienceKey) as AudienceBody)
        .then((answer) => live && setRecipients(answer.recipients))
        .catch(() => live && setRecipients(null));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, audienceKey]);

  const check = (): FormErrors | null => {
    const fields: Record<string, string> = {};
    if (values.text.trim() === "") fields.text = t.broadcasts.invalid.text;
    const label = values.buttonLabel.trim();
    const url = values.buttonUrl.trim();
    if ((label === "") !== (url === "")) fields.button = t.broadcasts.invalid.buttonBoth;
    else if (url && !url.startsWith("https://")) fields.button = t.broadcasts.invalid.buttonUrl;
    return Object.keys(fields).length > 0 ? { fields, form: t.errors.fix } : null;
  };

  const save = async (): Promise<Broadcast | null> => {
    const found = check();
    if (found) {
      setErrors(found);
      return null;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      const body = bodyOf(values, zone);
      const stored = saved ? await updateBroadcast(api, saved.id, body) : await createBroadcast(api, body, createKey);
      setSaved(stored);
      return stored;
    } catch (failure) {
      setErrors(formErrorsOf(failure as ApiError, t, fieldNames));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    const found = check();
    if (found) return setErrors(found);
    setBusy(true);
    setErrors(noErrors);
    try {
      const { text, format, button } = bodyOf(values, zone);
      await sendTest(api, { text, format: format ?? "html", button: button ?? null });
      toast(t.broadcasts.testSent);
    } catch (failure) {
      setErrors(formErrorsOf(failure as ApiError, t, fieldNames));
    } finally {
      setBusy(false);
    }
  };

  const levelList = levels.status === "ready" ? [...levels.data].sort((a, b) => a.rank - b.rank) : [];
  const mine = profile.restaurantIds;
  const restaurantList =
    restaurants.status === "ready"
      ? restaurants.data.restaurants.filter((one) => one.isActive && (mine === null || mine.includes(one.id)))
      : [];

  return (
    <Modal
      title={broadcast ? t.broadcasts.editTitle : t.broadcasts.createTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" disabled={busy} onClick={() => void test()}>
            {t.broadcasts.sendTest}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => void save().then((stored) => stored && onDone())}
          >
            {t.broadcasts.saveDraft}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => void save().then((stored) => stored && setConfirming(true))}
          >
            {t.broadcasts.sendOrSchedule}
          </button>
        </>
      }
    >
      <form className="broadcast-form" noValidate onSubmit={(event) => event.preventDefault()}>
        <fieldset className="choices">
          <legend>{t.broadcasts.fields.format}</legend>
          {(["html", "plain"] as const).map((format) => (
            <label key={format} className="choice">
              <input
                type="radio"
                name="format"
                checked={values.format === format}
                onChange={() => set("format", format)}
              />
              {t.broadcasts.fields[format]}
            </label>
          ))}
        </fieldset>
        <Field
          label={t.broadcasts.fields.text}
          error={errors.fields.text}
          hint={values.format === "html" ? t.broadcasts.hints.html : undefined}
        >
          {(props) => (
            <textarea
              {...props}
              name="text"
              rows={6}
              value={values.text}
              onChange={(event) => set("text", event.target.value)}
            />
          )}
        </Field>
        <p className={length !== null && length > 4096 ? "field-error small" : "muted small"} data-testid="length">
          {t.broadcasts.length(length === null ? "—" : count(length))}
        </p>
        <TelegramPreview
          text={values.text}
          format={values.format}
          button={values.buttonLabel.trim() ? { label: values.buttonLabel, url: values.buttonUrl } : null}
        />
        <div className="form-pair">
          <Field label={t.broadcasts.fields.buttonLabel} error={errors.fields.button} hint={t.broadcasts.hints.button}>
            {(props) => (
              <input
                {...props}
                name="buttonLabel"
                maxLength={64}
                value={values.buttonLabel}
                onChange={(event) => set("buttonLabel", event.target.value)}
              />
            )}
          </Field>
          <Field label={t.broadcasts.fields.buttonUrl}>
            {(props) => (
              <input
                {...props}
                name="buttonUrl"
                inputMode="url"
                placeholder="https://"
                value={values.buttonUrl}
                onChange={(event) => set("buttonUrl", event.target.value)}
              />
            )}
          </Field>
        </div>
        <fieldset className="choices audience">
          <legend>{t.broadcasts.audience}</legend>
          <p className="strong" aria-live="polite" data-testid="recipients">
            {recipients === null ? t.broadcasts.counting : t.broadcasts.recipients(count(recipients))}
          </p>
          {levelList.length > 0 && (
            <fieldset className="choices">
              <legend className="small">{t.broadcasts.fields.levels}</legend>
              <p className="muted small">{t.broadcasts.hints.anyLevel}</p>
              {levelList.map((level) => (
                <label key={level.id} className="choice">
                  <input
                    type="checkbox"
                    checked={values.levelIds.includes(level.id)}
                    onChange={() => set("levelIds", toggle(values.levelIds, level.id))}
                  />
                  {level.name}
                </label>
              ))}
            </fieldset>
          )}
          {restaurantList.length > 1 && (
            <fieldset className="choices">
              <legend className="small">{t.broadcasts.fields.restaurants}</legend>
              <p className="muted small">{t.broadcasts.hints.anyRestaurant}</p>
              {restaurantList.map((restaurant) => (
                <label key={restaurant.id} className="choice">
                  <input
                    type="checkbox"
                    checked={values.restaurantIds.includes(restaurant.id)}
                    onChange={() => set("restaurantIds", toggle(values.restaurantIds, restaurant.id))}
                  />
                  {restaurant.name}
                </label>
              ))}
            </fieldset>
          )}
          <div className="form-pair">
            <Field label={t.broadcasts.fields.lastVisitAfter}>
              {(props) => (
                <input
                  {...props}
                  type="date"
                  value={values.lastVisitAfter}
                  onChange={(event) => set("lastVisitAfter", event.target.value)}
                />
              )}
            </Field>
            <Field label={t.broadcasts.fields.lastVisitBefore}>
              {(props) => (
                <input
                  {...props}
                  type="date"
                  value={values.lastVisitBefore}
                  onChange={(event) => set("lastVisitBefore", event.target.value)}
                />
              )}
            </Field>
          </div>
          <Field label={t.broadcasts.fields.minBalance} error={errors.fields.audience}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={values.minBalance}
                onChange={(event) => set("minBalance", event.target.value)}
              />
            )}
          </Field>
        </fieldset>
        <FormError errors={errors} />
      </form>
      {confirming && saved && (
        <SendDialog
          broadcast={saved}
          recipients={recipients ?? saved.recipients}
          onClose={() => setConfirming(false)}
          onSent={(scheduled) => {
            toast(scheduled ? t.broadcasts.scheduledToast : t.broadcasts.sentToast);
            onDone();
          }}
        />
      )}
    </Modal>
  );
}

function SendDialog({
  broadcast,
  recipients,
  onClose,
  onSent,
}: {
  broadcast: Broadcast;
  recipients: number;
  onClose: () => void;
  onSent: (scheduled: boolean) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const zone = useProfile().tenant.timeZone;
  const [later, setLater] = useState(false);
  const [at, setAt] = useState("");
  // one key per confirmation: a double click sends once
  const [sendKey] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const scheduledAt = later ? zonedInputToIso(at, zone) : null;
  const allowance = useLoad(() => loadAllowance(api, scheduledAt ?? undefined), [api, scheduledAt]);
  const count = (n: number) => formatNumber(n, locale);

  const send = async () => {
    if (later && (!scheduledAt || Date.parse(scheduledAt) <= Date.now())) {
      setErrors({ fields: { scheduledAt: t.broadcasts.invalid.schedule }, form: null });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      await sendBroadcast(api, broadcast.id, scheduledAt, sendKey);
      onSent(scheduledAt !== null);
    } catch (failure) {
      setErrors(formErrorsOf(failure as ApiError, t, fieldNames));
      setBusy(false);
    }
  };

  let allowanceLine: string | null = null;
  let full = false;
  if (allowance.status === "ready") {
    const { used, limit, month } = allowance.data;
    const limitText = limit === null ? null : count(limit);
    full = limit !== null && used >= limit;
    allowanceLine = full
      ? t.broadcasts.overLimit(limitText ?? "")
      : scheduledAt
        ? t.broadcasts.ofOtherMonth(count(used + 1), limitText, month)
        : t.broadcasts.ofMonth(count(used + 1), limitText);
  }

  return (
    <Modal
      title={t.broadcasts.confirmTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="button" className="button primary" disabled={busy} aria-busy={busy} onClick={() => void send()}>
            {later ? t.broadcasts.schedule : t.broadcasts.send}
          </button>
        </>
      }
    >
      <fieldset className="choices">
        <legend>{t.broadcasts.when}</legend>
        <label className="choice">
          <input type="radio" name="when" checked={!later} onChange={() => setLater(false)} />
          {t.broadcasts.now}
        </label>
        <label className="choice">
          <input type="radio" name="when" checked={later} onChange={() => setLater(true)} />
          {t.broadcasts.later}
        </label>
      </fieldset>
      {later && (
        <Field label={t.broadcasts.scheduleAt} error={errors.fields.scheduledAt} hint={zoneLabel(zone)}>
          {(props) => (
            <input {...props} type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />
          )}
        </Field>
      )}
      <p data-testid="confirm-count">
        {scheduledAt
          ? t.broadcasts.confirmLater(count(recipients), formatZoned(scheduledAt, locale, zone))
          : t.broadcasts.confirmNow(count(recipients))}
      </p>
      {allowanceLine && (
        <p className={full ? "form-error" : "strong"} data-testid="allowance">
          {allowanceLine}
          {full && <PlanLimitLink />}
        </p>
      )}
      <FormError errors={errors} />
    </Modal>
  );
}
