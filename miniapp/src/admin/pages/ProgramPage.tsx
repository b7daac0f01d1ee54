// The loyalty program: every setting and the levels (name, threshold in currency units, earn rate
// in %), checked here as the API checks them, with the API's 422 messages put beside the field
// they name (levels.2.thresholdMinor is the third level's threshold). Saving goes through a
// preview of what changes and which guests move; a save over someone else's newer version is
// refused and the page offers to reload. Managers see the program read-only.
import { useEffect, useRef, useState } from "react";
import { type AdminClient, type ApiError, call, ProblemError } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { Field, type FormErrors, formErrorsOf, noErrors } from "../components/Field.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { toast } from "../components/toast.tsx";
import { formatDateTime, formatMoneyMinor, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import type { Locale, Messages } from "../i18n/messages.ts";
import { can } from "../state/session-store.ts";

const loadProgram = (api: AdminClient) => call(api.api.v1.program.$get());
type Program = Awaited<ReturnType<typeof loadProgram>>;
// GET /program does not name the business's currency; every business is in roubles today.
const programCurrency = "RUB";
type Rounding = Program["roundingMode"];

interface LevelRow {
  /** the row's own key: new levels have no id yet */
  key: string;
  id?: string;
  name: string;
  threshold: string;
  earnRate: string;
  guests: number;
}

export interface ProgramForm {
  earnRate: string;
  maxRedeemShare: string;
  roundingMode: Rounding;
  pointValue: string;
  minCheck: string;
  pointsLifetimeDays: string;
  expiryReminderDays: string;
  welcomeBonusPoints: string;
  birthdayBonusPoints: string;
  birthdayDaysBefore: string;
  birthdayDaysAfter: string;
  levelWindowDays: string;
  levelDowngradeGraceDays: string;
  levels: LevelRow[];
}

/** What the API takes: PUT /program without the version, POST /program/preview as it is. */
export interface ProgramDocument {
  earnRateBps: number;
  maxRedeemShareBps: number;
  roundingMode: Rounding;
  pointValueMinor: number;
  pointsLifetimeDays: number | null;
  expiryReminderDays: number;
  welcomeBonusPoints: number;
  birthdayBonusPoints: number;
  birthdayDaysBefore: number;
  birthdayDaysAfter: number;
  minCheckMinor: string;
  levelWindowDays: number | null;
  levelDowngradeGraceDays: number;
  levels: { id?: string; name: string; thresholdMinor: string; earnRateBps: number }[];
}

const percentOf = (bps: number) => String(bps / 100);
const unitsOf = (minor: string | number) => {
  const value = BigInt(minor);
  const cents = value % 100n;
  return cents === 0n ? (value / 100n).toString() : `${value / 100n}.${cents.toString().padStart(2, "0")}`;
};

let serial = 0;
const rowKey = () => `level-${++serial}`;

export function formOf(program: Program): ProgramForm {
  return {
    earnRate: percentOf(program.earnRateBps),
    maxRedeemShare: percentOf(program.maxRedeemShareBps),
    roundingMode: program.roundingMode,
    pointValue: unitsOf(program.pointValueMinor),
    minCheck: unitsOf(program.minCheckMinor),
    pointsLifetimeDays: program.pointsLifetimeDays === null ? "" : String(program.pointsLifetimeDays),
    expiryReminderDays: String(program.expiryReminderDays),
    welcomeBonusPoints: String(program.welcomeBonusPoints),
    birthdayBonusPoints: String(program.birthdayBonusPoints),
    birthdayDaysBefore: String(program.birthdayDaysBefore),
    birthdayDaysAfter: String(program.birthdayDaysAfter),
    levelWindowDays: program.levelWindowDays === null ? "" : String(program.levelWindowDays),
    levelDowngradeGraceDays: String(program.levelDowngradeGraceDays),
    levels: program.levels.map((level) => ({
      key: rowKey(),
      id: level.id,
      name: level.name,
      threshold: unitsOf(level.thresholdMinor),
      earnRate: percentOf(level.earnRateBps),
      guests: level.guests,
    })),
  };
}

/** "1 500,50" → 150050n; null when it is not an amount. */
export function minorOf(text: string): bigint | null {
  const clean = text.replace(/[\s\u00a0]/g, "").replace(",", ".");
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  return BigInt(match[1] ?? "0") * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
}

/** Levels in threshold order (a level's rank is its position); what is not a number stays last. */
export function sortLevels(levels: readonly LevelRow[]): LevelRow[] {
  const at = (row: LevelRow) => minorOf(row.threshold) ?? BigInt(Number.MAX_SAFE_INTEGER) * 1000n;
  return [...levels].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
}

/** The form as the API's document, with the API's own rules checked first, under the API's paths. */
export function documentOf(
  form: ProgramForm,
  t: Messages,
): { document: ProgramDocument | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const whole = (path: string, text: string, min: number, max: number, optional = false): number | null => {
    if (optional && text.trim() === "") return null;
    const value = Number(text.trim());
    if (text.trim() === "" || !Number.isInteger(value)) errors[path] = t.program.invalid.whole;
    else if (value < min || value > max) errors[path] = t.program.invalid.range(min, max);
    return value;
  };
  const percent = (path: string, text: string): number => {
    const value = Number(text.trim().replace(",", "."));
    const bps = Math.round(value * 100);
    if (text.trim() === "" || !Number.isFinite(value) || bps < 0 || bps > 10_000)
      errors[path] = t.program.invalid.percent;
    return bps;
  };
  const money = (path: string, text: string): bigint => {
    const value = minorOf(text);
    if (value === null) errors[path] = t.program.invalid.money;
    else if (value > 100_000_000_00n) errors[path] = t.program.invalid.range(0, 100_000_000);
    return value ?? 0n;
  };

  const pointValue = money("pointValueMinor", form.pointValue);
  if (!errors.pointValueMinor && (pointValue < 1n || pointValue > 1_000_000n)) {
    errors.pointValueMinor = t.program.invalid.positiveMoney;
  }
  const document: ProgramDocument = {
    earnRateBps: percent("earnRateBps", form.earnRate),
    maxRedeemShareBps: percent("maxRedeemShareBps", form.maxRedeemShare),
    roundingMode: form.roundingMode,
    pointValueMinor: Number(pointValue),
    pointsLifetimeDays: whole("pointsLifetimeDays", form.pointsLifetimeDays, 1, 3650, true),
    expiryReminderDays: whole("expiryReminderDays", form.expiryReminderDays, 0, 90) ?? 0,
    welcomeBonusPoints: whole("welcomeBonusPoints", form.welcomeBonusPoints, 0, 1_000_000) ?? 0,
    birthdayBonusPoints: whole("birthdayBonusPoints", form.birthdayBonusPoints, 0, 1_000_000) ?? 0,
    birthdayDaysBefore: whole("birthdayDaysBefore", form.birthdayDaysBefore, 0, 31) ?? 0,
    birthdayDaysAfter: whole("birthdayDaysAfter", form.birthdayDaysAfter, 0, 31) ?? 0,
    minCheckMinor: money("minCheckMinor", form.minCheck).toString(),
    levelWindowDays: whole("levelWindowDays", form.levelWindowDays, 1, 3650, true),
    levelDowngradeGraceDays: whole("levelDowngradeGraceDays", form.levelDowngradeGraceDays, 0, 365) ?? 0,
    levels: [],
  };
  if (
    document.pointsLifetimeDays !== null &&
    !errors.pointsLifetimeDays &&
    !errors.expiryReminderDays &&
    document.expiryReminderDays >= document.pointsLifetimeDays
  ) {
    errors.expiryReminderDays = t.program.invalid.reminder;
  }
  const names = new Set<string>();
  let below: bigint | null = null;
  form.levels.forEach((level, index) => {
    const path = `levels.${index}`;
    const name = level.name.trim();
    if (name.length < 1 || name.length > 50) errors[`${path}.name`] = t.program.invalid.name;
    else if (names.has(name.toLocaleLowerCase("ru"))) errors[`${path}.name`] = t.program.invalid.duplicate;
    names.add(name.toLocaleLowerCase("ru"));
    const threshold = money(`${path}.thresholdMinor`, level.threshold);
    if (!errors[`${path}.thresholdMinor`]) {
      if (index === 0 && threshold !== 0n) errors[`${path}.thresholdMinor`] = t.program.invalid.entry;
      else if (below !== null && threshold <= below) errors[`${path}.thresholdMinor`] = t.program.invalid.rising;
    }
    below = threshold;
    document.levels.push({
      ...(level.id ? { id: level.id } : {}),
      name,
      thresholdMinor: threshold.toString(),
      earnRateBps: percent(`${path}.earnRateBps`, level.earnRate),
    });
  });
  return { document: Object.keys(errors).length === 0 ? document : null, errors };
}

/** Every path a 422 may name, so each message lands beside its field. */
function knownPaths(levels: number): string[] {
  const settings = [
    "earnRateBps",
    "maxRedeemShareBps",
    "roundingMode",
    "pointValueMinor",
    "pointsLifetimeDays",
    "expiryReminderDays",
    "welcomeBonusPoints",
    "birthdayBonusPoints",
    "birthdayDaysBefore",
    "birthdayDaysAfter",
    "minCheckMinor",
    "levelWindowDays",
    "levelDowngradeGraceDays",
  ];
  const rows = Array.from({ length: levels }, (_, index) =>
    ["name", "thresholdMinor", "earnRateBps"].map((key) => `levels.${index}.${key}`),
  ).flat();
  return [...rows, ...settings, "levels"];
}

type Preview = Awaited<ReturnType<typeof previewOf>>;
const previewOf = (api: AdminClient, document: ProgramDocument) =>
  call(api.api.v1.program.preview.$post({ json: document }));

export default function ProgramPage() {
  const t = useT();
  const { api } = useServices();
  const program = useLoad(() => loadProgram(api), [api]);
  if (program.status === "loading") return <Loading />;
  if (program.status === "failed") return <ErrorState error={program.error} onRetry={program.reload} />;
  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.program.title}</h1>
      </header>
      <ProgramEditor program={program.data} onReload={program.reload} />
    </section>
  );
}

export function ProgramEditor({ program, onReload }: { program: Program; onReload: () => void }) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const editable = can(profile, "program.manage");
  const [form, setForm] = useState(() => formOf(program));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [preview, setPreview] = useState<{ document: ProgramDocument; result: Preview } | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  // A reloaded program replaces the form (after a save, or after a stale version).
  const shown = useRef(program);
  useEffect(() => {
    if (shown.current === program) return;
    shown.current = program;
    setForm(formOf(program));
    setPreview(null);
    setStale(false);
    setErrors(noErrors);
  }, [program]);

  const set = <K extends keyof ProgramForm>(key: K, value: ProgramForm[K]) =>
    setForm((was) => ({ ...was, [key]: value }));
  const setLevel = (key: string, change: Partial<LevelRow>) =>
    setForm((was) => ({ ...was, levels: was.levels.map((row) => (row.key === key ? { ...row, ...change } : row)) }));

  const failed = (error: ApiError, levels: number) => {
    if (error instanceof ProblemError && error.status === 409 && "currentVersion" in error.extensions) {
      setStale(true);
      setErrors(noErrors);
      return;
    }
    const found = formErrorsOf(error, t, knownPaths(levels));
    setErrors(found);
    if (Object.keys(found.fields).length > 0) setPreview(null);
  };

  const runPreview = async () => {
    const sorted = { ...form, levels: sortLevels(form.levels) };
    setForm(sorted);
    const { document, errors: found } = documentOf(sorted, t);
    if (!document) {
      setErrors({ fields: found, form: t.errors.fix });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      setPreview({ document, result: await previewOf(api, document) });
    } catch (error) {
      failed(error as ApiError, sorted.levels.length);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!preview) return;
    setBusy(true);
    setErrors(noErrors);
    try {
      await call(api.api.v1.program.$put({ json: { ...preview.document, version: program.version } }));
      toast(t.program.saved);
      onReload();
    } catch (error) {
      failed(error as ApiError, preview.document.levels.length);
    } finally {
      setBusy(false);
    }
  };

  const e = errors.fields;
  const symbol = currencySymbol(programCurrency, locale);
  const number = (
    label: string,
    key: Exclude<keyof ProgramForm, "levels" | "roundingMode">,
    path: string,
    hint?: string,
  ) => (
    <Field label={label} error={e[path]} {...(hint ? { hint } : {})}>
      {(props) => (
        <input
          {...props}
          name={path}
          inputMode="decimal"
          readOnly={!editable}
          value={form[key]}
          onChange={(event) => set(key, event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <>
      <p className="muted small">
        {program.updatedAt
          ? t.program.version(program.version, formatDateTime(program.updatedAt, locale))
          : t.program.neverSaved}
      </p>
      {!editable && <p className="notice">{t.program.readOnly}</p>}
      {stale && (
        <div className="notice" role="alert">
          <p>{t.program.stale}</p>
          <button type="button" className="button secondary small" onClick={onReload}>
            {t.program.reload}
          </button>
        </div>
      )}
      <form
        className={preview ? "program-form hidden-when-preview" : "program-form"}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (editable) void runPreview();
        }}
        hidden={preview !== null}
      >
        <fieldset className="panel form-grid" disabled={!editable}>
          <legend>{t.program.earning}</legend>
          {number(t.program.earnRate, "earnRate", "earnRateBps", t.program.earnRateHint)}
          {number(t.program.maxRedeemShare, "maxRedeemShare", "maxRedeemShareBps")}
          <Field label={t.program.roundingMode} error={e.roundingMode}>
            {(props) => (
              <select
                {...props}
                value={form.roundingMode}
                onChange={(event) => set("roundingMode", event.target.value as Rounding)}
              >
                {(["floor", "half_up", "ceil"] as const).map((one) => (
                  <option key={one} value={one}>
                    {t.program.roundings[one]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {number(`${t.program.pointValue}, ${symbol}`, "pointValue", "pointValueMinor")}
          {number(`${t.program.minCheck}, ${symbol}`, "minCheck", "minCheckMinor")}
        </fieldset>
        <fieldset className="panel form-grid" disabled={!editable}>
          <legend>{t.program.expiry}</legend>
          {number(t.program.pointsLifetime, "pointsLifetimeDays", "pointsLifetimeDays", t.program.pointsLifetimeHint)}
          {number(t.program.expiryReminder, "expiryReminderDays", "expiryReminderDays")}
        </fieldset>
        <fieldset className="panel form-grid" disabled={!editable}>
          <legend>{t.program.bonuses}</legend>
          {number(t.program.welcomeBonus, "welcomeBonusPoints", "welcomeBonusPoints")}
          {number(t.program.birthdayBonus, "birthdayBonusPoints", "birthdayBonusPoints")}
          {number(t.program.birthdayBefore, "birthdayDaysBefore", "birthdayDaysBefore")}
          {number(t.program.birthdayAfter, "birthdayDaysAfter", "birthdayDaysAfter")}
        </fieldset>
        <fieldset className="panel" disabled={!editable}>
          <legend>{t.program.levelsSection}</legend>
          <div className="form-grid">
            {number(t.program.levelWindow, "levelWindowDays", "levelWindowDays", t.program.levelWindowHint)}
            {number(t.program.downgradeGrace, "levelDowngradeGraceDays", "levelDowngradeGraceDays")}
          </div>
          <ol className="levels-editor" aria-label={t.program.levelsSection}>
            {form.levels.map((row, index) => (
              <li key={row.key} className="level-row" data-testid={`level-${index}`}>
                <Field label={t.program.levelName} error={e[`levels.${index}.name`]}>
                  {(props) => (
                    <input
                      {...props}
                      value={row.name}
                      readOnly={!editable}
                      onChange={(event) => setLevel(row.key, { name: event.target.value })}
                    />
                  )}
                </Field>
                <Field label={`${t.program.threshold}, ${symbol}`} error={e[`levels.${index}.thresholdMinor`]}>
                  {(props) => (
                    <input
                      {...props}
                      inputMode="decimal"
                      value={row.threshold}
                      readOnly={!editable}
                      onChange={(event) => setLevel(row.key, { threshold: event.target.value })}
                    />
                  )}
                </Field>
                <Field label={t.program.levelEarnRate} error={e[`levels.${index}.earnRateBps`]}>
                  {(props) => (
                    <input
                      {...props}
                      inputMode="decimal"
                      value={row.earnRate}
                      readOnly={!editable}
                      onChange={(event) => setLevel(row.key, { earnRate: event.target.value })}
                    />
                  )}
                </Field>
                <div className="level-guests">
                  <span className="muted small">{t.program.guests}</span>
                  <span>{formatNumber(row.guests, locale)}</span>
                </div>
                {editable && (
                  <button
                    type="button"
                    className="button small danger-outline"
                    disabled={row.guests > 0}
                    title={row.guests > 0 ? t.program.removeBlocked : undefined}
                    onClick={() =>
                      setForm((was) => ({ ...was, levels: was.levels.filter((one) => one.key !== row.key) }))
                    }
                  >
                    {t.program.removeLevel}
                  </button>
                )}
              </li>
            ))}
          </ol>
          {editable && form.levels.length < 20 && (
            <button
              type="button"
              className="button secondary small"
              onClick={() =>
                setForm((was) => ({
                  ...was,
                  levels: [
                    ...was.levels,
                    { key: rowKey(), name: t.program.newLevel, threshold: "", earnRate: "", guests: 0 },
                  ],
                }))
              }
            >
              {t.program.addLevel}
            </button>
          )}
        </fieldset>
        {errors.form && !preview && (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        )}
        {editable && (
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
              {t.program.preview}
            </button>
          </div>
        )}
      </form>
      {preview && (
        <PreviewPanel
          result={preview.result}
          busy={busy}
          error={errors.form}
          onBack={() => setPreview(null)}
          onSave={() => void save()}
        />
      )}
    </>
  );
}

function currencySymbol(currency: string, locale: Locale): string {
  const parts = new Intl.NumberFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    style: "currency",
    currency,
    currencyDisplay: "narrowSymbol",
  }).formatToParts(0);
  return parts.find((part) => part.type === "currency")?.value ?? currency;
}

const moneyFields = new Set(["minCheckMinor", "pointValueMinor", "levels.thresholdMinor"]);
const bpsFields = new Set(["earnRateBps", "maxRedeemShareBps", "levels.earnRateBps"]);

function PreviewPanel({
  result,
  busy,
  error,
  onBack,
  onSave,
}: {
  result: Preview;
  busy: boolean;
  error: string | null;
  onBack: () => void;
  onSave: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const money = (minor: string) => formatMoneyMinor(minor, programCurrency, locale);
  const label = (field: string): string => {
    const labels: Record<string, string> = {
      earnRateBps: t.program.earnRate,
      maxRedeemShareBps: t.program.maxRedeemShare,
      roundingMode: t.program.roundingMode,
      pointValueMinor: t.program.pointValue,
      minCheckMinor: t.program.minCheck,
      pointsLifetimeDays: t.program.pointsLifetime,
      expiryReminderDays: t.program.expiryReminder,
      welcomeBonusPoints: t.program.welcomeBonus,
      birthdayBonusPoints: t.program.birthdayBonus,
      birthdayDaysBefore: t.program.birthdayBefore,
      birthdayDaysAfter: t.program.birthdayAfter,
      levelWindowDays: t.program.levelWindow,
      levelDowngradeGraceDays: t.program.downgradeGrace,
      "levels.name": t.program.levelName,
      "levels.thresholdMinor": t.program.threshold,
      "levels.earnRateBps": t.program.levelEarnRate,
      "levels.rank": "#",
    };
    return labels[field] ?? field;
  };
  const value = (field: string, raw: unknown): string => {
    if (raw === null || raw === undefined) return "—";
    if (moneyFields.has(field)) return money(String(raw));
    if (bpsFields.has(field)) return formatNumber(Number(raw) / 100, locale, { maximumFractionDigits: 2 });
    if (field === "roundingMode") return t.program.roundings[String(raw)] ?? String(raw);
    if (typeof raw === "object") {
      const level = raw as { name?: string; thresholdMinor?: string; earnRateBps?: number };
      return `${level.name ?? ""} (${money(level.thresholdMinor ?? "0")}, ${formatNumber((level.earnRateBps ?? 0) / 100, locale)} %)`;
    }
    return String(raw);
  };
  const levelName = (level: { name: string } | null) => level?.name ?? t.dashboard.noLevel;

  return (
    <section className="panel preview" aria-labelledby="preview-title" data-testid="program-preview">
      <h2 id="preview-title">{t.program.previewTitle}</h2>
      <h3>{t.program.changes}</h3>
      {result.changes.length === 0 ? (
        <p className="muted">{t.program.noChanges}</p>
      ) : (
        <ul className="change-list">
          {result.changes.map((change) => (
            <li key={JSON.stringify(change)}>
              {change.level && <span className="strong">{change.level.name}: </span>}
              {t.program.change(label(change.field), value(change.field, change.from), value(change.field, change.to))}
            </li>
          ))}
        </ul>
      )}
      <h3>{t.program.levelMoves}</h3>
      {result.levelMoves.length === 0 ? (
        <p className="muted">{t.program.noMoves}</p>
      ) : (
        <ul className="change-list">
          {result.levelMoves.map((move) => (
            <li key={`${move.fromLevel?.name}-${move.toLevel?.name}-${move.when}`}>
              {t.program.move(move.guests, levelName(move.fromLevel), levelName(move.toLevel))}{" "}
              <span className="muted small">({move.when === "now" ? t.program.now : t.program.afterGrace})</span>
            </li>
          ))}
        </ul>
      )}
      {result.examples.length > 0 && (
        <>
          <h3>{t.program.examples}</h3>
          <ul className="change-list">
            {result.examples.map((example) => (
              <li key={`${example.spentMinor}-${example.toLevel?.name}`}>
                {t.program.example(money(example.spentMinor), levelName(example.fromLevel), levelName(example.toLevel))}
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button secondary" onClick={onBack} disabled={busy}>
          {t.program.edit}
        </button>
        <button
          type="button"
          className="button primary"
          onClick={onSave}
          disabled={busy || result.changes.length === 0}
          aria-busy={busy}
        >
          {t.program.saveChanges}
        </button>
      </div>
    </section>
  );
}
