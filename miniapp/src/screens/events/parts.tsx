// What the events list and an event's screen both show: the cover, the guest's standing, places
// and price, and the rules for what the guest may do now (the API decides; these only choose
// which button to offer, as the bot's card does).
import type { ApiError } from "../../api/client.ts";
import type { GuestEvent, LevelsTable } from "../../api/guest-api.ts";
import { useLocale, useServices, useT } from "../../app/context.tsx";
import { useErrorText } from "../../components/states.tsx";
import { formatNumber } from "../../i18n/format.ts";
import type { Messages } from "../../i18n/messages.ts";

/** Guests may register until the deadline (the start when there is none). */
export function registrationOpen(event: GuestEvent, now: number): boolean {
  return event.status === "published" && now < Date.parse(event.registrationDeadline ?? event.startsAt);
}

/** A place can be given up until the event begins. */
export function cancellable(event: GuestEvent, now: number): boolean {
  return event.status === "published" && now < Date.parse(event.startsAt) && !event.my.checkedIn;
}

/**
 * Whether the guest's level is below the event's minimum, compared by rank as the API does. Unknown
 * (null) until the levels are loaded, and false when the minimum is no longer in the program.
 */
export function levelBelowMinimum(event: GuestEvent, levels: LevelsTable | null): boolean | null {
  if (!event.minLevel) return false;
  if (!levels) return null;
  const minimum = levels.levels.find((level) => level.id === event.minLevel?.id);
  if (!minimum) return false;
  const current = levels.levels.find((level) => level.current);
  return (current?.rank ?? -1) < minimum.rank;
}

export function placesText(event: GuestEvent, t: Messages, now: number): string {
  if (!event.full) return t.events.placesLeft(event.placesLeft);
  return registrationOpen(event, now) ? t.events.waitlist : t.events.full;
}

export function usePoints(): (count: number) => string {
  const t = useT();
  const locale = useLocale();
  return (count) => t.points(formatNumber(count, locale), count);
}

export function EventCover({ event, thumb = false }: { event: GuestEvent; thumb?: boolean }) {
  const t = useT();
  const { api } = useServices();
  if (!event.coverUrl) {
    return thumb ? (
      <div className="event-thumb placeholder" aria-hidden="true">
        🎉
      </div>
    ) : null;
  }
  return (
    <img
      className={thumb ? "event-thumb" : "event-cover"}
      src={api.coverSrc(event.id)}
      alt={thumb ? "" : t.events.cover(event.title)}
      loading="lazy"
      decoding="async"
    />
  );
}

export function StandingBadge({ event }: { event: GuestEvent }) {
  const t = useT();
  const { status, waitlistPosition, checkedIn } = event.my;
  if (checkedIn) return <span className="badge">{t.events.checkedIn}</span>;
  if (status === "registered") {
    return (
      <span className="badge" data-testid="standing">
        {t.events.registered}
      </span>
    );
  }
  if (status === "waitlisted") {
    return (
      <span className="badge waitlisted" data-testid="standing">
        {t.events.waitlisted(waitlistPosition ?? 1)}
      </span>
    );
  }
  return null;
}

/** A refusal from the API in the guest's language, with the numbers it gave where it has them. */
export function useEventErrorText(): (error: ApiError, event: GuestEvent | null) => string {
  const t = useT();
  const general = useErrorText();
  const points = usePoints();
  return (error, event) => {
    const { details } = error;
    if (error.messageKey === "error-event-level") {
      return t.events.levelRefused(String(details.minLevel ?? event?.minLevel?.name ?? ""));
    }
    if (error.messageKey === "error-event-not-enough-points") {
      const price = Number(details.price ?? event?.pricePoints ?? 0);
      return t.events.notEnough(points(price), points(Number(details.available ?? 0)));
    }
    return general(error);
  };
}
