// What the last action on an event did, in the bot's words: registered (and the points taken),
// on the waitlist (and what happens to the price then), cancelled (and the points back), or the
// reason it was refused, with a retry when the failure was the connection's and not the event's.
import { useEffect } from "react";
import type { GuestEvent } from "../../api/guest-api.ts";
import { useLocale, useT } from "../../app/context.tsx";
import { formatDateTime } from "../../i18n/format.ts";
import { haptic } from "../../telegram/webapp.ts";
import { useEventErrorText, usePoints } from "./parts.tsx";
import { useEvents } from "./use-events.ts";

export function EventOutcomeNote({ event }: { event: GuestEvent }) {
  const t = useT();
  const locale = useLocale();
  const points = usePoints();
  const outcome = useEvents((s) => (s.outcome?.event.id === event.id ? s.outcome : null));
  useEffect(() => {
    if (outcome) haptic.success();
  }, [outcome]);
  if (!outcome) return null;
  const lines: string[] = [];
  const balance = (n: number | null) => (n === null ? null : points(n));
  switch (outcome.kind) {
    case "registered": {
      lines.push(t.events.doneRegistered(event.title, formatDateTime(event.startsAt, event.timeZone, locale)));
      const after = balance(outcome.balance);
      if (outcome.paid > 0 && after) lines.push(t.events.donePaid(points(outcome.paid), after));
      break;
    }
    case "waitlisted":
      lines.push(t.events.doneWaitlisted(event.my.waitlistPosition ?? 1));
      if (event.pricePoints > 0) lines.push(t.events.doneWaitlistedPaid(points(event.pricePoints)));
      break;
    case "cancelled": {
      lines.push(t.events.doneCancelled(event.title));
      const after = balance(outcome.balance);
      if (outcome.returned && after) lines.push(t.events.doneReturned(points(outcome.returned), after));
      else if (after && event.pricePoints > 0) lines.push(t.events.doneBalance(after));
      break;
    }
    case "left-waitlist":
      lines.push(t.events.doneLeft(event.title));
      break;
  }
  return (
    <div className="event-note done" role="status" data-testid="event-outcome">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}

export function EventFailureNote({ event }: { event: GuestEvent }) {
  const t = useT();
  const errorText = useEventErrorText();
  const failure = useEvents((s) => (s.failure?.eventId === event.id ? s.failure : null));
  const busy = useEvents((s) => s.busy);
  const retry = useEvents((s) => s.retry);
  useEffect(() => {
    if (failure) haptic.error();
  }, [failure]);
  if (!failure) return null;
  return (
    <div className="event-note failed" role="alert" data-testid="event-failure">
      <p>{errorText(failure.error, event)}</p>
      {failure.retry && (
        <button type="button" className="button secondary" disabled={busy} onClick={() => void retry()}>
          {t.errors.retry}
        </button>
      )}
    </div>
  );
}
