// One event: cover, when and where, price, attendance bonus, minimum level, places, deadline and
// description, the guest's standing, and the one action that applies now (as the bot's card):
// Register, Join the waitlist, Cancel registration or Leave the waitlist. Paid registrations and
// every cancellation are asked about first; the answer is said here and the card's balance moves.
import { useEffect } from "react";
import type { GuestEvent } from "../../api/guest-api.ts";
import { useGuest, useLocale, useT } from "../../app/context.tsx";
import { navigate, useRouteParam } from "../../app/routes.ts";
import { useNow } from "../../app/use-now.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { EmptyState, ErrorState, Skeleton } from "../../components/states.tsx";
import { formatDateTime, formatDateTimeRange } from "../../i18n/format.ts";
import { backButton, haptic } from "../../telegram/webapp.ts";
import { EventFailureNote, EventOutcomeNote } from "./notes.tsx";
import { cancellable, EventCover, levelBelowMinimum, registrationOpen, usePoints } from "./parts.tsx";
import { useEvents } from "./use-events.ts";
import "./events.css";

export default function EventScreen() {
  const t = useT();
  const eventId = useRouteParam("eventId") ?? "";
  const loaded = useEvents((s) => s.events[eventId]);
  const loadEvent = useEvents((s) => s.loadEvent);
  const card = useGuest((s) => s.card);
  const loadCard = useGuest((s) => s.loadCard);
  const leave = useEvents((s) => s.leave);
  useEffect(() => {
    void loadEvent(eventId);
    return leave;
  }, [eventId, loadEvent, leave]);
  // The balance decides what a paid event asks ("you have 1 200"); a guest may come straight here.
  useEffect(() => {
    if (card.status === "idle") void loadCard();
  }, [card.status, loadCard]);
  if (loaded?.status === "failed") {
    // An id that is not an event's (422) is as gone as a deleted one (404).
    if (loaded.error.status === 404 || loaded.error.status === 422) {
      return (
        <>
          <EmptyState icon="🎉">{t.errors.keys["error-event-unknown"]}</EmptyState>
          <AllEventsLink />
        </>
      );
    }
    return <ErrorState error={loaded.error} onRetry={() => void loadEvent(eventId)} />;
  }
  if (loaded?.status !== "ready") return <Skeleton lines={5} tall />;
  return <EventDetail event={loaded.data} />;
}

function AllEventsLink() {
  const t = useT();
  return (
    <button type="button" className="link-button event-back" onClick={() => navigate("events")}>
      {t.events.all}
    </button>
  );
}

function EventDetail({ event }: { event: GuestEvent }) {
  const t = useT();
  const locale = useLocale();
  const points = usePoints();
  const now = useNow(30_000);
  const levels = useGuest((s) => s.levels);
  const loadLevels = useGuest((s) => s.loadLevels);
  const needsLevels = event.minLevel !== null;
  useEffect(() => {
    if (needsLevels && levels.status === "idle") void loadLevels();
  }, [needsLevels, levels.status, loadLevels]);
  const levelTable = levels.status === "ready" ? levels.data : null;
  const tooLow = levelBelowMinimum(event, levelTable);
  // Until the levels are in, a guest who may be below the minimum is not offered the button.
  const levelPending = needsLevels && (levels.status === "idle" || levels.status === "loading");
  const yourLevel = levelTable?.levels.find((level) => level.current)?.name ?? null;
  const when = (iso: string) => formatDateTime(iso, event.timeZone, locale);
  const open = registrationOpen(event, now);

  return (
    <>
      {!backButton.available() && <AllEventsLink />}
      <article className="event-detail">
        <EventCover event={event} />
        <h1 className="screen-title">{event.title}</h1>
        <ul className="event-facts">
          <li>🗓 {formatDateTimeRange(event.startsAt, event.endsAt, event.timeZone, locale)}</li>
          {event.restaurant && <li>📍 {event.restaurant.name}</li>}
          <li data-testid="event-price">
            💳 {event.pricePoints > 0 ? t.events.costs(points(event.pricePoints)) : t.events.free}
          </li>
          {event.attendanceBonusPoints > 0 && <li>🎁 {t.events.bonus(points(event.attendanceBonusPoints))}</li>}
          {event.minLevel && <li>🏆 {t.events.minLevel(event.minLevel.name)}</li>}
          {event.status === "published" && (
            <li>
              👥 {event.full ? (open ? t.events.placesFull : t.events.full) : t.events.placesLeft(event.placesLeft)}
            </li>
          )}
          {event.status === "cancelled" && <li className="minus">{t.events.cancelled}</li>}
          {event.status === "finished" && <li>{t.events.finished}</li>}
          {event.status === "published" && !open && <li>{t.events.closed}</li>}
          {event.status === "published" && open && event.registrationDeadline && (
            <li>⏳ {t.events.deadline(when(event.registrationDeadline))}</li>
          )}
        </ul>
        {event.description.trim() && <p className="event-description">{event.description.trim()}</p>}
        <Standing event={event} />
        {tooLow && event.minLevel && event.my.status !== "registered" && event.my.status !== "waitlisted" && (
          <p className="banner" role="note" data-testid="level-too-low">
            {t.events.levelTooLow(event.minLevel.name, yourLevel)}
          </p>
        )}
        <EventOutcomeNote event={event} />
        <EventFailureNote event={event} />
        <EventAction event={event} now={now} levelBlocks={tooLow === true || levelPending} />
        <EventQuestion event={event} />
      </article>
    </>
  );
}

/** Where the guest stands, unless the note on what they just did says it already. */
function Standing({ event }: { event: GuestEvent }) {
  const t = useT();
  const justActed = useEvents((s) => s.outcome?.event.id === event.id);
  const { status, waitlistPosition, checkedIn } = event.my;
  const text = checkedIn
    ? t.events.myCheckedIn
    : status === "registered"
      ? t.events.myRegistered
      : status === "waitlisted"
        ? t.events.myWaitlisted(waitlistPosition ?? 1)
        : null;
  if (!text || justActed) return null;
  return (
    <p className="event-standing" data-testid="standing">
      {text}
    </p>
  );
}

/** The one button that applies, or a sentence saying why there is none. */
function EventAction({ event, now, levelBlocks }: { event: GuestEvent; now: number; levelBlocks: boolean }) {
  const t = useT();
  const points = usePoints();
  const busy = useEvents((s) => s.busy);
  const askRegister = useEvents((s) => s.askRegister);
  const askCancel = useEvents((s) => s.askCancel);
  const card = useGuest((s) => s.card);
  const { status } = event.my;
  const tap = (action: () => void) => () => {
    haptic.tap();
    action();
  };

  if ((status === "registered" || status === "waitlisted") && cancellable(event, now)) {
    return (
      <button type="button" className="button destructive wide" disabled={busy} onClick={tap(() => askCancel(event))}>
        {status === "registered" ? t.events.cancelRegistration : t.events.leaveWaitlist}
      </button>
    );
  }
  if (status === "registered" || status === "waitlisted" || !registrationOpen(event, now) || levelBlocks) return null;
  // A place the guest cannot pay for is refused here rather than after a "Yes"; the waitlist
  // charges only when a place frees up, so joining it is offered whatever the balance.
  const available = card.status === "ready" ? card.data.available : null;
  if (!event.full && event.pricePoints > 0 && available !== null && available < event.pricePoints) {
    return (
      <p className="banner" role="note" data-testid="not-enough">
        {t.events.notEnough(points(event.pricePoints), points(available))}
      </p>
    );
  }
  return (
    <button
      type="button"
      className="button primary wide big"
      disabled={busy}
      aria-busy={busy}
      onClick={tap(() => void askRegister(event))}
    >
      {event.full ? t.events.joinWaitlist : t.events.register}
    </button>
  );
}

function EventQuestion({ event }: { event: GuestEvent }) {
  const t = useT();
  const points = usePoints();
  const question = useEvents((s) => s.question);
  const busy = useEvents((s) => s.busy);
  const confirm = useEvents((s) => s.confirm);
  const dismiss = useEvents((s) => s.dismiss);
  if (!question || question.event.id !== event.id) return null;
  if (question.kind === "register") {
    const price = points(question.event.pricePoints);
    const available = points(question.available);
    return (
      <ConfirmDialog
        text={question.event.full ? t.events.confirmWaitlist(price, available) : t.events.confirmPaid(price, available)}
        confirm={t.events.yes}
        cancel={t.events.no}
        busy={busy}
        onConfirm={() => void confirm()}
        onCancel={dismiss}
      />
    );
  }
  const { my, pricePoints, title } = question.event;
  const text =
    my.status === "waitlisted"
      ? t.events.confirmLeave(title)
      : pricePoints > 0
        ? t.events.confirmCancelPaid(title)
        : t.events.confirmCancel(title);
  return (
    <ConfirmDialog
      text={text}
      confirm={t.events.cancelYes}
      cancel={t.events.keep}
      busy={busy}
      destructive
      onConfirm={() => void confirm()}
      onCancel={dismiss}
    />
  );
}
