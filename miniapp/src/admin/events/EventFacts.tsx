// An event's details as a list of facts: when (in the business's time zone), where, places,
// who may come and what it costs, the deadline, and when it was published or cancelled.
import { useProfile } from "../app/context.tsx";
import { formatNumber, useLocale, useT } from "../i18n/locale.ts";
import type { Level, Restaurant, StaffEvent } from "./event-api.ts";
import { restaurantName } from "./restaurant-name.ts";
import { formatZoned, formatZonedRange, zoneLabel } from "./zoned-time.ts";

export function EventFacts({
  event,
  restaurants,
  levels,
}: {
  event: StaffEvent;
  restaurants: readonly Restaurant[];
  levels: readonly Level[];
}) {
  const t = useT();
  const locale = useLocale();
  const zone = useProfile().tenant.timeZone;
  const count = (n: number) => formatNumber(n, locale);
  const level = event.minLevelId ? (levels.find((one) => one.id === event.minLevelId)?.name ?? "…") : null;
  const facts: [string, string][] = [
    [t.events.facts.when, formatZonedRange(event.startsAt, event.endsAt, locale, zone)],
    [t.events.facts.restaurant, restaurantName(event.restaurantId, restaurants, t.events.wholeBusiness)],
    [t.events.facts.places, t.events.placesOf(count(event.registeredCount), count(event.capacity))],
    [t.events.facts.waitlist, count(event.waitlistedCount)],
    [t.events.facts.attended, count(event.checkedInCount)],
    [t.events.facts.minLevel, level ?? t.events.hints.anyLevel],
    [
      t.events.facts.price,
      event.pricePoints > 0 ? t.events.points(event.pricePoints, count(event.pricePoints)) : t.events.free,
    ],
    [
      t.events.facts.bonus,
      event.attendanceBonusPoints > 0
        ? t.events.points(event.attendanceBonusPoints, count(event.attendanceBonusPoints))
        : t.events.noBonus,
    ],
    [
      t.events.facts.deadline,
      event.registrationDeadline ? formatZoned(event.registrationDeadline, locale, zone) : t.events.untilStart,
    ],
  ];
  if (event.publishedAt) facts.push([t.events.facts.published, formatZoned(event.publishedAt, locale, zone)]);
  if (event.cancelledAt) facts.push([t.events.facts.cancelled, formatZoned(event.cancelledAt, locale, zone)]);
  return (
    <>
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">{t.events.timesIn(zoneLabel(zone))}</p>
    </>
  );
}
