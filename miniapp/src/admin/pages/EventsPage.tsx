// Events (issue #9): upcoming ones, drafts, the past year's and the cancelled, each with its time
// in the business's time zone, restaurant, status, places taken and waitlist; a new event opens
// the form, a row opens the event's page. Shown to the roles that manage events.
import { useState } from "react";
import type { AdminClient } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { hrefOf, navigate } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { EventForm } from "../events/EventForm.tsx";
import { EventStatusBadge } from "../events/EventStatusBadge.tsx";
import { loadEvents, loadRestaurants, type StaffEvent } from "../events/event-api.ts";
import { restaurantName } from "../events/restaurant-name.ts";
import { formatZoned, zoneLabel } from "../events/zoned-time.ts";
import { formatNumber, useLocale, useT } from "../i18n/locale.ts";

export const eventFilters = ["upcoming", "draft", "past", "cancelled"] as const;
export type EventFilter = (typeof eventFilters)[number];

const YEAR_MS = 365 * 86_400_000;

/** The filter's events in the order staff read them, and whether the business has any at all. */
async function filteredEvents(api: AdminClient, filter: EventFilter): Promise<{ events: StaffEvent[]; any: boolean }> {
  const now = Date.now();
  const yearAgo = new Date(now - YEAR_MS).toISOString();
  const query =
    filter === "upcoming"
      ? { from: new Date(now).toISOString() }
      : filter === "draft"
        ? { status: "draft" as const }
        : { status: filter === "past" ? ("finished" as const) : ("cancelled" as const), from: yearAgo };
  const { events } = await loadEvents(api, query);
  const shown =
    filter === "upcoming"
      ? events.filter((one) => one.status === "draft" || one.status === "published")
      : filter === "draft"
        ? events
        : [...events].reverse();
  // Only an empty list needs to know whether there is anything elsewhere (for its wording).
  const any = shown.length > 0 || (await loadEvents(api, {})).events.length > 0;
  return { events: shown, any };
}

export default function EventsPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const zone = profile.tenant.timeZone;
  const [filter, setFilter] = useState<EventFilter>("upcoming");
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => filteredEvents(api, filter), [api, filter]);
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const restaurantList = restaurants.status === "ready" ? restaurants.data.restaurants : [];
  const count = (n: number) => formatNumber(n, locale);

  const columns: Column<StaffEvent>[] = [
    { header: t.events.when, cell: (e) => formatZoned(e.startsAt, locale, zone) },
    {
      header: t.events.name,
      className: "main",
      cell: (e) => (
        <a className="strong" href={hrefOf(`/events/${e.id}`)}>
          {e.title}
        </a>
      ),
    },
    {
      header: t.events.restaurant,
      cell: (e) => restaurantName(e.restaurantId, restaurantList, t.events.wholeBusiness),
    },
    { header: t.events.status, cell: (e) => <EventStatusBadge status={e.status} /> },
    {
      header: t.events.places,
      cell: (e) => (
        <>
          {t.events.placesOf(count(e.registeredCount), count(e.capacity))}
          {e.checkedInCount > 0 && <div className="muted small">{t.events.attendedCount(count(e.checkedInCount))}</div>}
        </>
      ),
    },
    { header: t.events.waitlist, cell: (e) => count(e.waitlistedCount) },
  ];

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.events.title}</h1>
        <button
          type="button"
          className="button primary"
          disabled={restaurants.status === "loading"}
          onClick={() => setCreating(true)}
        >
          {t.events.create}
        </button>
      </header>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">{t.events.filterLabel}</legend>
          {eventFilters.map((one) => (
            <label key={one} className={one === filter ? "segment active" : "segment"}>
              <input
                type="radio"
                className="segment-input"
                name="event-filter"
                value={one}
                checked={one === filter}
                onChange={() => setFilter(one)}
              />
              {t.events.filters[one]}
            </label>
          ))}
        </fieldset>
        <span className="muted small zone-note">{t.events.timesIn(zoneLabel(zone))}</span>
      </div>
      {(filter === "past" || filter === "cancelled") && <p className="muted small">{t.events.lastYearHint}</p>}
      {list.status === "loading" && <Loading />}
      {list.status === "failed" && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === "ready" &&
        (list.data.events.length > 0 ? (
          <Table label={t.events.title} columns={columns} rows={list.data.events} rowKey={(e) => e.id} />
        ) : filter === "upcoming" ? (
          <EmptyState>
            <p>{list.data.any ? t.events.emptyUpcoming : t.events.emptyAll}</p>
            <button
              type="button"
              className="button primary"
              disabled={restaurants.status === "loading"}
              onClick={() => setCreating(true)}
            >
              {list.data.any ? t.events.create : t.events.createFirst}
            </button>
          </EmptyState>
        ) : (
          <EmptyState>{t.events.emptyFilter}</EmptyState>
        ))}
      {creating && restaurants.status !== "loading" && (
        <EventForm
          restaurants={restaurantList}
          onClose={() => {
            setCreating(false);
            // A draft saved before its cover failed is in the list too.
            list.reload();
          }}
          onSaved={(event) => {
            toast(t.events.created);
            navigate(`/events/${event.id}`);
          }}
        />
      )}
    </section>
  );
}
