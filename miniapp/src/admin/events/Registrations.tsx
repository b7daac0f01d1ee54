// The event's guests: registered first, then the waitlist in order, then (on request) those who
// cancelled; who attended and when. Staff check a guest in from their row or by the code or phone
// the guest shows at the door; the answer says what was credited. A check-in that credits points
// asks first; a repeated one gives its first answer, so it is safe to press twice.
import { type FormEvent, useState } from "react";
import type { ApiError } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { ConfirmDialog } from "../components/Modal.tsx";
import { EmptyState } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { errorText, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import { checkInBodyFor, registrationMatches } from "./check-in-input.ts";
import { type CheckInBody, type CheckInResult, checkIn, type Registration, type StaffEvent } from "./event-api.ts";
import { formatZoned } from "./zoned-time.ts";

type Outcome = { kind: "done"; result: CheckInResult } | { kind: "failed"; text: string };

const shortTime: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };

export function Registrations({
  event,
  registrations,
  mayCheckIn,
  onCheckedIn,
}: {
  event: StaffEvent;
  registrations: readonly Registration[];
  mayCheckIn: boolean;
  /** after a check-in: the counts and the list are stale */
  onCheckedIn: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const zone = useProfile().tenant.timeZone;
  const [typed, setTyped] = useState("");
  const [showCancelled, setShowCancelled] = useState(false);
  const [asking, setAsking] = useState<Registration | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const open = mayCheckIn && (event.status === "published" || event.status === "finished");
  const bonus = event.attendanceBonusPoints;
  const count = (n: number) => formatNumber(n, locale);
  const nameOf = (registration: Registration) => registration.guest.name || t.events.noName;

  const send = async (body: CheckInBody) => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await checkIn(api, event.id, body);
      setOutcome({ kind: "done", result });
      setTyped("");
      onCheckedIn();
    } catch (failure) {
      setOutcome({ kind: "failed", text: errorText(failure as ApiError, t) });
    } finally {
      setBusy(false);
    }
  };

  const submitTyped = (submitted: FormEvent) => {
    submitted.preventDefault();
    const body = checkInBodyFor(typed, registrations);
    if (body) void send(body);
    else setOutcome({ kind: "failed", text: t.events.doorPick });
  };

  const cancelled = registrations.filter((one) => one.status === "cancelled");
  const shown = registrations.filter(
    (one) => (showCancelled || one.status !== "cancelled") && registrationMatches(one, typed),
  );

  const columns: Column<Registration>[] = [
    {
      header: t.events.guest,
      className: "main",
      cell: (r) => (
        <>
          <div className="strong">{nameOf(r)}</div>
          {r.guest.phone && <div className="muted small">{r.guest.phone}</div>}
        </>
      ),
    },
    {
      header: t.events.status,
      cell: (r) =>
        r.status === "registered" ? (
          <span className="badge ok">{t.events.registrationStatuses.registered}</span>
        ) : r.status === "waitlisted" ? (
          <span className="badge pending">{t.events.registrationStatuses.waitlisted(r.waitlistPosition ?? 0)}</span>
        ) : (
          <>
            <span className="badge off">{t.events.registrationStatuses.cancelled}</span>
            {r.refunded && <div className="muted small">{t.events.pointsReturned}</div>}
          </>
        ),
    },
    {
      header: t.events.paid,
      cell: (r) => (r.paidPoints > 0 ? t.events.points(r.paidPoints, count(r.paidPoints)) : "—"),
    },
    { header: t.events.registeredAt, cell: (r) => formatZoned(r.createdAt, locale, zone, shortTime) },
    {
      header: t.events.attendance,
      className: "actions",
      cell: (r) =>
        r.checkedInAt ? (
          <span className="badge done">{t.events.attendedAt(formatZoned(r.checkedInAt, locale, zone, shortTime))}</span>
        ) : open && r.status === "registered" ? (
          <button
            type="button"
            className="button small primary"
            disabled={busy}
            onClick={() => (bonus > 0 ? setAsking(r) : void send({ guestId: r.guest.id }))}
          >
            {t.events.checkIn}
          </button>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];

  return (
    <section className="panel" aria-labelledby="registrations-title">
      <div className="page-head">
        <h2 id="registrations-title">{t.events.registrations}</h2>
        {cancelled.length > 0 && (
          <button type="button" className="button small secondary" onClick={() => setShowCancelled((was) => !was)}>
            {showCancelled ? t.events.hideCancelled : t.events.showCancelled(cancelled.length)}
          </button>
        )}
      </div>
      <form className="filters" onSubmit={submitTyped} noValidate>
        <label className="field compact grow">
          <span>{open ? t.events.doorLabel : t.events.findLabel}</span>
          <input
            name="door"
            value={typed}
            autoComplete="off"
            onChange={(e) => {
              setTyped(e.target.value);
              setOutcome(null);
            }}
          />
        </label>
        {open && (
          <button type="submit" className="button primary" disabled={busy || !typed.trim()} aria-busy={busy}>
            {t.events.checkIn}
          </button>
        )}
      </form>
      {outcome?.kind === "done" && (
        <p className="notice success" role="status" data-testid="check-in-result">
          {outcome.result.replayed
            ? t.events.alreadyIn(
                outcome.result.guest.name || t.events.noName,
                formatZoned(outcome.result.checkedInAt, locale, zone, shortTime),
              )
            : t.events.checkedIn(outcome.result.guest.name || t.events.noName)}
          {!outcome.result.replayed &&
            outcome.result.bonusPoints > 0 &&
            ` ${t.events.bonusCredited(
              t.events.points(outcome.result.bonusPoints, count(outcome.result.bonusPoints)),
              outcome.result.balance === null ? null : count(outcome.result.balance),
            )}`}
          {outcome.result.bonusWithheld > 0 && (
            <span className="notice-line" data-testid="bonus-withheld">
              {" "}
              {t.events.bonusWithheld(
                t.events.points(outcome.result.bonusWithheld, count(outcome.result.bonusWithheld)),
              )}
            </span>
          )}
        </p>
      )}
      {outcome?.kind === "failed" && (
        <p className="form-error" role="alert">
          {outcome.text}
        </p>
      )}
      {registrations.length === 0 ? (
        <EmptyState>{t.events.noRegistrations}</EmptyState>
      ) : shown.length === 0 ? (
        <p className="muted">{t.events.noMatch}</p>
      ) : (
        <Table label={t.events.registrations} columns={columns} rows={shown} rowKey={(r) => r.id} />
      )}
      {asking && (
        <ConfirmDialog
          title={t.events.checkIn}
          confirmLabel={t.events.checkIn}
          onClose={() => setAsking(null)}
          onConfirm={async () => {
            const guestId = asking.guest.id;
            setAsking(null);
            await send({ guestId });
          }}
        >
          {t.events.checkInConfirm(nameOf(asking), t.events.points(bonus, count(bonus)))}
        </ConfirmDialog>
      )}
    </section>
  );
}
