// The cashier's till in the Mini App (a separate chunk: guests never download it). Scan the
// guest's QR with Telegram's scanner or type their code, then the same steps as the bot's /till.
import { useEffect, useMemo, useState } from "react";
import { useStore } from "zustand";
import { apiBaseUrl } from "../../api/client.ts";
import type { GuestSummary, PosCheck } from "../../api/till-api.ts";
import { useLocale, useServices, useT } from "../../app/context.tsx";
import { navigate } from "../../app/routes.ts";
import { EmptyState, Skeleton, useErrorText } from "../../components/states.tsx";
import { formatDate, formatMoney, formatNumber, formatTime, parseMoneyInput } from "../../i18n/format.ts";
import { staffTillDeps } from "../../state/staff-session.ts";
import { createTillStore, type TillState, type TillStore } from "../../state/till-store.ts";
import { MainAction, useBackButton } from "../../telegram/hooks.tsx";
import { backButton, haptic, qrScanner } from "../../telegram/webapp.ts";

export default function TillScreen() {
  const { api } = useServices();
  const store = useMemo(() => createTillStore(staffTillDeps(api, { baseUrl: apiBaseUrl() })), [api]);
  useEffect(() => {
    void store.getState().signIn();
  }, [store]);
  return <Till store={store} />;
}

export function Till({ store }: { store: TillStore }) {
  const t = useT();
  const errorText = useErrorText();
  const state = useStore(store);
  const { step, error } = state;
  const leaves =
    step.kind === "identify" || step.kind === "not-staff" || (step.kind === "restaurant" && !state.restaurant);
  const goBack = () => (leaves ? navigate("card") : state.back());
  useBackButton(goBack);
  useEffect(() => {
    if (error) haptic.error();
  }, [error]);
  return (
    <div className="till">
      {!backButton.available() && (
        <button type="button" className="link-button" onClick={goBack}>
          ← {t.till.back}
        </button>
      )}
      <h1 className="screen-title">🧾 {t.till.title}</h1>
      {state.staff && <p className="hint small">{state.staff.name}</p>}
      {step.kind === "signing-in" && <Skeleton lines={2} />}
      {step.kind === "not-staff" && (
        <EmptyState icon="🔒">{step.error.status === 403 ? t.till.notStaff : errorText(step.error)}</EmptyState>
      )}
      {step.kind === "restaurant" && <RestaurantStep state={state} />}
      {step.kind === "identify" && <IdentifyStep state={state} />}
      {step.kind === "amount" && <AmountStep state={state} guest={step.guest} />}
      {step.kind === "choose" && <ChooseStep state={state} />}
      {step.kind === "confirm" && <ConfirmStep state={state} />}
      {step.kind === "done" && <DoneStep state={state} />}
      {step.kind === "attach" && <AttachStep state={state} />}
      {step.kind === "attached" && <AttachedStep state={state} />}
      {error && (
        <p className="form-error" role="alert">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}

function GuestCardLine({ guest }: { guest: GuestSummary }) {
  const t = useT();
  const locale = useLocale();
  const name = [guest.firstName, guest.lastName].filter(Boolean).join(" ") || t.till.guest;
  return (
    <section className="till-guest" data-testid="till-guest">
      <div className="level-name">
        👤 {name} {guest.phoneHint && <span className="hint small">{guest.phoneHint}</span>}
      </div>
      <div className="hint">
        {t.till.balance(t.points(formatNumber(guest.balance, locale), guest.balance))}
        {guest.level && ` · ${guest.level.name}`}
      </div>
    </section>
  );
}

/** One typed answer at the till; Enter (or the keyboard's Go) submits it like the main button. */
function TillField(props: {
  label: string;
  name: string;
  inputMode: "tel" | "decimal";
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  error?: string | null;
}) {
  return (
    <form
      className="field"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <span>{props.label}</span>
      <input
        name={props.name}
        inputMode={props.inputMode}
        autoComplete="off"
        placeholder={props.placeholder}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.error && <small className="form-error">{props.error}</small>}
    </form>
  );
}

/** The restaurant picker of a staff member who works at several. */
export function RestaurantStep({ state }: { state: TillState }) {
  const t = useT();
  return (
    <section className="till-restaurants" aria-label={t.till.pickRestaurant}>
      <h2 className="section-title">{t.till.pickRestaurant}</h2>
      <p className="hint small">{t.till.pickRestaurantHint}</p>
      {state.restaurants.map((restaurant) => (
        <button
          key={restaurant.id}
          type="button"
          className={`button wide ${restaurant.id === state.restaurant?.id ? "primary" : "secondary"}`}
          aria-pressed={restaurant.id === state.restaurant?.id}
          onClick={() => {
            haptic.tap();
            state.pickRestaurant(restaurant.id);
          }}
        >
          {restaurant.name}
          {restaurant.address && <span className="hint small"> · {restaurant.address}</span>}
        </button>
      ))}
    </section>
  );
}

/** Where checks go now, with a way to change it when there is a choice. */
function RestaurantLine({ state }: { state: TillState }) {
  const t = useT();
  if (!state.restaurant || state.restaurants.length < 2) return null;
  return (
    <p className="hint small" data-testid="till-restaurant">
      🏠 {t.till.atRestaurant(state.restaurant.name)}{" "}
      <button type="button" className="link-button" onClick={state.changeRestaurant} disabled={state.busy}>
        {t.till.changeRestaurant}
      </button>
    </p>
  );
}

function IdentifyStep({ state }: { state: TillState }) {
  const t = useT();
  const [text, setText] = useState("");
  const query = text.replace(/\s/g, "");
  const valid = /^\d{6}$/.test(query) || /^\+?\d{10,15}$/.test(query);
  const submit = () => {
    if (!valid) return;
    void state.identify(/^\d{6}$/.test(query) ? { code: query } : { phone: query });
  };
  const scan = async () => {
    haptic.tap();
    const token = await qrScanner.scan(t.till.scanPrompt, (scanned) => scanned.startsWith("mlq_"));
    if (token) await state.identify({ qrToken: token });
  };
  return (
    <>
      <RestaurantLine state={state} />
      {qrScanner.available() && (
        <button type="button" className="button primary wide big" onClick={() => void scan()} disabled={state.busy}>
          📷 {t.till.scan}
        </button>
      )}
      <TillField
        label={t.till.orCode}
        name="code"
        inputMode="tel"
        placeholder={t.till.codePlaceholder}
        value={text}
        onChange={setText}
        onSubmit={submit}
      />
      <MainAction text={t.till.find} onClick={submit} enabled={valid} busy={state.busy} />
    </>
  );
}

function AmountStep({ state, guest }: { state: TillState; guest: GuestSummary }) {
  const t = useT();
  const [text, setText] = useState("");
  const amount = parseMoneyInput(text);
  const submit = () => {
    if (amount) void state.enterAmount(amount);
  };
  return (
    <>
      <GuestCardLine guest={guest} />
      <TillField
        label={t.till.amount}
        name="amount"
        inputMode="decimal"
        placeholder={t.till.amountPlaceholder}
        value={text}
        onChange={setText}
        onSubmit={submit}
        error={text !== "" && !amount ? t.till.amountInvalid : null}
      />
      <MainAction text={t.till.quote} onClick={submit} enabled={amount !== null} busy={state.busy} />
      {state.posChecks.length > 0 && <PosChecks state={state} />}
    </>
  );
}

// The cashier's phone is in the restaurant, so its own time zone is the restaurant's.
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function usePosCheckText() {
  const t = useT();
  const locale = useLocale();
  return (check: PosCheck) => {
    const money = formatMoney(check.amountMinor ?? "0", check.currency ?? "RUB", locale);
    const closed = check.closedAt ?? check.receivedAt;
    const time = `${formatDate(closed, localZone(), locale)}, ${formatTime(closed, localZone(), locale)}`;
    return { money, time, line: t.till.posCheck(money, time) };
  };
}

function PosChecks({ state }: { state: TillState }) {
  const t = useT();
  const text = usePosCheckText();
  return (
    <section className="pos-checks" aria-label={t.till.posChecks}>
      <h2 className="section-title">{t.till.posChecks}</h2>
      <p className="hint small">{t.till.posChecksHint}</p>
      {state.posChecks.map((check) => (
        <button
          key={check.id}
          type="button"
          className="button secondary wide"
          onClick={() => state.pickPosCheck(check.id)}
          disabled={state.busy}
        >
          🧾 {text(check).line}
        </button>
      ))}
    </section>
  );
}

function AttachStep({ state }: { state: TillState }) {
  const t = useT();
  const text = usePosCheckText();
  if (state.step.kind !== "attach") return null;
  const { guest, check } = state.step;
  const { money, time } = text(check);
  return (
    <>
      <GuestCardLine guest={guest} />
      <p className="confirm-text">{t.till.attachConfirm(money, time)}</p>
      <button type="button" className="button secondary wide" onClick={state.back} disabled={state.busy}>
        {t.till.back}
      </button>
      <MainAction text={t.till.attach} onClick={() => void state.attach()} busy={state.busy} />
    </>
  );
}

function AttachedStep({ state }: { state: TillState }) {
  const t = useT();
  const locale = useLocale();
  const credited = state.step.kind === "attached" && state.step.outcome.status === "processed";
  useEffect(() => {
    if (credited) haptic.success();
    else haptic.error();
  }, [credited]);
  if (state.step.kind !== "attached") return null;
  const { outcome } = state.step;
  const points = (n: number) => t.points(formatNumber(n, locale), n);
  return (
    <>
      <section className="till-done" role="status">
        <div className="done-icon" aria-hidden="true">
          {credited ? "✅" : "⚠️"}
        </div>
        <p className="level-name">
          {credited
            ? t.till.attached(points(outcome.pointsDelta ?? 0))
            : t.till.attachedNothing(outcome.reason ?? outcome.status)}
        </p>
      </section>
      <MainAction text={t.till.next} onClick={state.reset} />
    </>
  );
}

function ChooseStep({ state }: { state: TillState }) {
  const t = useT();
  const locale = useLocale();
  const [custom, setCustom] = useState("");
  if (state.step.kind !== "choose") return null;
  const { guest, quote } = state.step;
  const points = (n: number) => t.points(formatNumber(n, locale), n);
  const max = quote.maxRedeemablePoints;
  const customPoints = Number(custom);
  const customValid = /^\d+$/.test(custom) && customPoints >= 1 && customPoints <= max;
  return (
    <>
      <GuestCardLine guest={guest} />
      <p className="hint">{formatMoney(quote.amountMinor, quote.currency, locale)}</p>
      <button
        type="button"
        className="button primary wide"
        onClick={() => state.choose({ type: "accrue" })}
        disabled={state.busy}
      >
        ➕ {t.till.accrue(points(quote.earnIfAccrued))}
      </button>
      {max > 0 ? (
        <>
          <button
            type="button"
            className="button secondary wide"
            onClick={() => state.choose({ type: "redeem", points: max })}
          >
            ➖ {t.till.redeemMax(points(max), formatMoney(quote.maxRedeemableMinor, quote.currency, locale))}
          </button>
          <form
            className="field inline"
            onSubmit={(event) => {
              event.preventDefault();
              if (customValid) state.choose({ type: "redeem", points: customPoints });
            }}
          >
            <span>{t.till.redeemPoints}</span>
            <input
              name="points"
              inputMode="numeric"
              value={custom}
              onChange={(event) => setCustom(event.target.value)}
            />
            <button type="submit" className="button secondary" disabled={!customValid}>
              {t.till.redeemCustom}
            </button>
            {custom !== "" && !customValid && (
              <small className="form-error">{t.till.redeemInvalid(formatNumber(max, locale))}</small>
            )}
          </form>
        </>
      ) : (
        <p className="hint">{t.till.nothingToRedeem}</p>
      )}
    </>
  );
}

function ConfirmStep({ state }: { state: TillState }) {
  const t = useT();
  const locale = useLocale();
  if (state.step.kind !== "confirm") return null;
  const { guest, quote, action, amountMinor } = state.step;
  const money = (minor: string | bigint | number) => formatMoney(minor, quote.currency, locale);
  const points = (n: number) => t.points(formatNumber(n, locale), n);
  const pointValue =
    quote.maxRedeemablePoints > 0 ? BigInt(quote.maxRedeemableMinor) / BigInt(quote.maxRedeemablePoints) : 0n;
  const text =
    action.type === "accrue"
      ? t.till.confirmAccrue(points(quote.earnIfAccrued), money(amountMinor))
      : t.till.confirmRedeem(
          points(action.points),
          money(BigInt(action.points) * pointValue),
          money(BigInt(amountMinor) - BigInt(action.points) * pointValue),
        );
  return (
    <>
      <GuestCardLine guest={guest} />
      <p className="confirm-text">{text}</p>
      <button type="button" className="button secondary wide" onClick={state.back} disabled={state.busy}>
        {t.till.back}
      </button>
      <MainAction text={t.till.confirm} onClick={() => void state.confirm()} busy={state.busy} />
    </>
  );
}

function DoneStep({ state }: { state: TillState }) {
  const t = useT();
  const locale = useLocale();
  useEffect(() => {
    haptic.success();
  }, []);
  if (state.step.kind !== "done") return null;
  const { operation, undone } = state.step;
  const points = (n: number) => t.points(formatNumber(n, locale), n);
  return (
    <>
      <section className="till-done" role="status">
        <div className="done-icon" aria-hidden="true">
          {undone ? "↩️" : "✅"}
        </div>
        {undone ? (
          <p>{t.till.undone}</p>
        ) : (
          <>
            <p className="level-name">
              {operation.redeemed > 0
                ? t.till.doneRedeemed(points(operation.redeemed), points(operation.earned))
                : t.till.doneAccrued(points(operation.earned))}
            </p>
            <p className="hint" data-testid="till-new-balance">
              {t.till.newBalance(points(operation.balance))}
            </p>
          </>
        )}
      </section>
      {!undone && operation.checkId && (
        <button
          type="button"
          className="button destructive wide"
          onClick={() => void state.undo()}
          disabled={state.busy}
        >
          {t.till.undo}
        </button>
      )}
      <MainAction text={t.till.next} onClick={state.reset} />
    </>
  );
}
