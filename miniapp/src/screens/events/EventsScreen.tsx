// Upcoming events, soonest first: when (in the restaurant's time zone), where, places left or the
// waitlist, the price, and the guest's own standing. Each opens its own screen. Loaded afresh
// each time the tab opens, since places go quickly.
import { useEffect } from "react";
import type { GuestEvent } from "../../api/guest-api.ts";
import { useLocale, useT } from "../../app/context.tsx";
import { navigate } from "../../app/routes.ts";
import { EmptyState, ErrorState } from "../../components/states.tsx";
import { formatDateTime } from "../../i18n/format.ts";
import { haptic } from "../../telegram/webapp.ts";
import { EventCover, placesText, StandingBadge, usePoints } from "./parts.tsx";
import { useEvents } from "./use-events.ts";
import "./events.css";

export default function EventsScreen() {
  const t = useT();
  const list = useEvents((s) => s.list);
  const load = useEvents((s) => s.loadList);
  useEffect(() => {
    void load();
  }, [load]);
  if (list.status === "failed") return <ErrorState error={list.error} onRetry={() => void load()} />;
  if (list.status !== "ready") return <EventsSkeleton />;
  if (list.data.length === 0) {
    return (
      <EmptyState icon="🎉">
        <strong>{t.events.empty}</strong>
        <br />
        <span className="hint">{t.events.emptyHint}</span>
      </EmptyState>
    );
  }
  return (
    <div className="events">
      <h1 className="screen-title">{t.events.title}</h1>
      <ul className="list events-list">
        {list.data.map((event) => (
          <EventRow key={event.id} event={event} />
        ))}
      </ul>
    </div>
  );
}

function EventRow({ event }: { event: GuestEvent }) {
  const t = useT();
  const locale = useLocale();
  const points = usePoints();
  const now = Date.now();
  return (
    <li className="event-row" data-testid="event-row">
      <button
        type="button"
        className="event-open"
        onClick={() => {
          haptic.select();
          navigate("event", { eventId: event.id });
        }}
      >
        <EventCover event={event} thumb />
        <span className="event-summary">
          <span className="event-title">{event.title}</span>
          <span className="hint small">
            🗓 {formatDateTime(event.startsAt, event.timeZone, locale)}
            {event.restaurant && ` · ${event.restaurant.name}`}
          </span>
          <span className="small">
            <span className={event.full ? "minus" : undefined}>{placesText(event, t, now)}</span> ·{" "}
            {event.pricePoints > 0 ? points(event.pricePoints) : t.events.free}
          </span>
          <StandingBadge event={event} />
        </span>
      </button>
    </li>
  );
}

/** Rows in the shape of the list, while it loads. */
function EventsSkeleton() {
  return (
    <div className="skeleton" aria-busy="true" aria-live="polite">
      {[0, 1, 2].map((row) => (
        <div key={row} className="event-skeleton">
          <div className="skeleton-block event-thumb" />
          <div className="event-summary">
            <div className="skeleton-line" style={{ width: "80%" }} />
            <div className="skeleton-line" style={{ width: "55%" }} />
            <div className="skeleton-line" style={{ width: "40%" }} />
          </div>
        </div>
      ))}
    </div>
  );
}
