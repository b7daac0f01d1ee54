// The dashboard: a period (presets or custom days) and a restaurant, the period's figures as
// tiles with the change against the previous period of the same length (events held and guests
// checked in at them too, once the business holds events), and charts of the series (revenue,
// checks, guests, points) and of guests by level. Days are the business's local days; the API
// picks the granularity for the period's length. For one restaurant the page says what its
// figures count, and marks the whole business's figures (expiry, points outstanding, levels),
// which the API leaves out, instead of showing zeros as if they were the restaurant's.
import { useState } from "react";
import { type AdminClient, call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { BarChart, LineChart } from "../components/charts.tsx";
import { EmptyState, ErrorState } from "../components/states.tsx";
import { isoToZonedInput } from "../events/zoned-time.ts";
import { formatDay, formatMoneyMinor, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import type { Locale, Messages } from "../i18n/messages.ts";

const loadReport = (api: AdminClient, query: { from: string; to: string; restaurantId?: string }) =>
  call(api.api.v1.dashboard.$get({ query }));
const loadRestaurants = (api: AdminClient) => call(api.api.v1.restaurants.$get());
type Report = Awaited<ReturnType<typeof loadReport>>;
type Totals = Report["totals"];

export const presets = ["d7", "d30", "month", "d90", "d365", "custom"] as const;
export type Preset = (typeof presets)[number];

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A preset's first and last day, today included, in the business's calendar: the API counts the
 * business's local days, and a browser elsewhere (or just before its midnight) would otherwise
 * ask for a period that ends yesterday.
 */
export function presetRange(
  preset: Exclude<Preset, "custom">,
  timeZone: string,
  now: Date = new Date(),
): { from: string; to: string } {
  const [year, month, day] = isoToZonedInput(now.toISOString(), timeZone).slice(0, 10).split("-").map(Number) as [
    number,
    number,
    number,
  ];
  // Calendar arithmetic on a UTC date, which has no daylight-saving gaps.
  const back = (days: number) => new Date(Date.UTC(year, month - 1, day - days));
  const from =
    preset === "month" ? new Date(Date.UTC(year, month - 1, 1)) : back({ d7: 6, d30: 29, d90: 89, d365: 364 }[preset]);
  return { from: isoDay(from), to: isoDay(back(0)) };
}

type TileKey = Exclude<keyof Totals, never>;
const tileOrder: readonly TileKey[] = [
  "revenueMinor",
  "checks",
  "averageCheckMinor",
  "newGuests",
  "activeGuests",
  "guestsTotal",
  "repeatVisitRate",
  "pointsIssued",
  "pointsRedeemed",
  "pointsExpired",
  "liabilityPoints",
  "eventsHeld",
  "eventsAttended",
];
/** Shown only to a business that holds events: zeros forever would be noise to the others. */
const eventTiles: readonly TileKey[] = ["eventsHeld", "eventsAttended"];
const tileName: Record<TileKey, string> = {
  revenueMinor: "revenue",
  checks: "checks",
  averageCheckMinor: "averageCheck",
  newGuests: "newGuests",
  activeGuests: "activeGuests",
  guestsTotal: "guestsTotal",
  repeatVisitRate: "repeatVisitRate",
  pointsIssued: "pointsIssued",
  pointsRedeemed: "pointsRedeemed",
  pointsExpired: "pointsExpired",
  liabilityPoints: "liabilityPoints",
  eventsHeld: "eventsHeld",
  eventsAttended: "eventsAttended",
};

const numeric = (value: string | number | null) => (value === null ? null : Number(value));

/** "↑ 12 %", "↓ 3 %", or the words for no change / nothing to compare with. */
export function changeText(current: number, previous: number | null, t: Messages, locale: Locale) {
  if (previous === null) return null;
  if (current === previous) return { text: t.dashboard.same, direction: "flat" as const };
  if (previous === 0) return { text: t.dashboard.newSince, direction: "up" as const };
  const share = (current - previous) / Math.abs(previous);
  const percent = formatNumber(Math.abs(share), locale, { style: "percent", maximumFractionDigits: 1 });
  const up = share > 0;
  return {
    text: t.dashboard.vsPrevious(`${up ? "↑" : "↓"} ${percent}`),
    direction: up ? ("up" as const) : ("down" as const),
  };
}

function isEmpty(totals: Totals): boolean {
  return (
    totals.checks === 0 &&
    totals.newGuests === 0 &&
    totals.activeGuests === 0 &&
    totals.pointsIssued === 0 &&
    totals.pointsRedeemed === 0 &&
    !totals.pointsExpired &&
    totals.revenueMinor === "0" &&
    totals.eventsHeld === 0 &&
    totals.eventsAttended === 0
  );
}

export default function DashboardPage() {
  const t = useT();
  const { api } = useServices();
  const zone = useProfile().tenant.timeZone;
  const [preset, setPreset] = useState<Preset>("d30");
  const [custom, setCustom] = useState(() => presetRange("d30", zone));
  const [restaurantId, setRestaurantId] = useState("");
  const range = preset === "custom" ? custom : presetRange(preset, zone);
  const badRange = !range.from || !range.to || range.from > range.to;
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const report = useLoad(
    () =>
      badRange
        ? new Promise<Report>(() => {})
        : loadReport(api, { from: range.from, to: range.to, ...(restaurantId ? { restaurantId } : {}) }),
    [api, range.from, range.to, restaurantId, badRange],
  );
  const restaurantList = restaurants.status === "ready" ? restaurants.data.restaurants : [];

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.dashboard.title}</h1>
      </header>
      <div className="panel toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">{t.dashboard.period}</legend>
          {presets.map((one) => (
            <label key={one} className={one === preset ? "segment active" : "segment"}>
              <input
                type="radio"
                className="segment-input"
                name="preset"
                value={one}
                checked={one === preset}
                onChange={() => {
                  if (one === "custom" && preset !== "custom") setCustom(range);
                  setPreset(one);
                }}
              />
              {t.dashboard.presets[one]}
            </label>
          ))}
        </fieldset>
        {preset === "custom" && (
          <div className="inline-fields">
            <label className="field compact">
              <span>{t.dashboard.from}</span>
              <input
                type="date"
                value={custom.from}
                onChange={(event) => setCustom((was) => ({ ...was, from: event.target.value }))}
              />
            </label>
            <label className="field compact">
              <span>{t.dashboard.to}</span>
              <input
                type="date"
                value={custom.to}
                onChange={(event) => setCustom((was) => ({ ...was, to: event.target.value }))}
              />
            </label>
          </div>
        )}
        {restaurantList.length > 1 && (
          <label className="field compact">
            <span>{t.dashboard.restaurant}</span>
            <select value={restaurantId} onChange={(event) => setRestaurantId(event.target.value)}>
              <option value="">{t.dashboard.allRestaurants}</option>
              {restaurantList.map((one) => (
                <option key={one.id} value={one.id}>
                  {one.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {badRange ? (
        <p className="form-error" role="alert">
          {t.dashboard.badRange}
        </p>
      ) : report.status === "loading" ? (
        <Skeleton />
      ) : report.status === "failed" ? (
        <ErrorState error={report.error} onRetry={report.reload} />
      ) : (
        <Figures report={report.data} reloading={report.reloading} />
      )}
    </section>
  );
}

function Skeleton() {
  const t = useT();
  return (
    <div aria-busy="true" role="status">
      <span className="visually-hidden">{t.common.loading}</span>
      <div className="tiles">
        {tileOrder.slice(0, 8).map((key) => (
          <div key={key} className="tile skeleton" />
        ))}
      </div>
      <div className="charts">
        <div className="chart skeleton tall" />
        <div className="chart skeleton tall" />
      </div>
    </div>
  );
}

function Figures({ report, reloading }: { report: Report; reloading: boolean }) {
  const t = useT();
  const locale = useLocale();
  const currency = report.period.currency;
  const money = (minor: number) => formatMoneyMinor(String(Math.round(minor)), currency, locale);
  const moneyShort = (minor: number) =>
    formatNumber(minor / 100, locale, {
      style: "currency",
      currency,
      notation: "compact",
      currencyDisplay: "narrowSymbol",
    });
  const count = (value: number) => formatNumber(value, locale);
  const show = (key: TileKey, value: number) =>
    key === "revenueMinor" || key === "averageCheckMinor"
      ? money(value)
      : key === "repeatVisitRate"
        ? formatNumber(value, locale, { style: "percent", maximumFractionDigits: 1 })
        : count(value);
  const labelOf = (start: string) =>
    report.period.granularity === "month"
      ? formatDay(start, locale, { month: "short", year: "2-digit" })
      : formatDay(start, locale, { day: "numeric", month: "short" });
  const labels = report.series.map((bucket) => labelOf(bucket.start));
  const wholeBusinessOnly: readonly string[] = report.period.wholeBusinessOnly;

  return (
    <div className={reloading ? "figures reloading" : "figures"} aria-busy={reloading}>
      <p className="muted small" data-testid="dashboard-period">
        {t.dashboard.range(formatDay(report.period.from, locale), formatDay(report.period.to, locale))} ·{" "}
        {t.dashboard.byGranularity[report.period.granularity]}
      </p>
      {wholeBusinessOnly.length > 0 && (
        <p className="muted small" data-testid="dashboard-scope">
          {t.dashboard.restaurantScope} {t.dashboard.wholeBusinessHint}
        </p>
      )}
      {isEmpty(report.totals) ? (
        <EmptyState>{t.dashboard.empty}</EmptyState>
      ) : (
        <>
          <ul className="tiles" aria-label={t.dashboard.title}>
            {tileOrder.map((key) => {
              const current = numeric(report.totals[key]);
              if (current === null) {
                if (!wholeBusinessOnly.includes(key)) return null;
                return (
                  <li key={key} className="tile" data-testid={`tile-${tileName[key]}`}>
                    <span className="tile-label">{t.dashboard.tiles[tileName[key]]}</span>
                    <span className="tile-value muted">—</span>
                    <span className="tile-change flat">{t.dashboard.wholeBusinessOnly}</span>
                  </li>
                );
              }
              if (eventTiles.includes(key) && current === 0 && numeric(report.previous[key]) === 0) return null;
              const change =
                key === "liabilityPoints" ? null : changeText(current, numeric(report.previous[key]), t, locale);
              return (
                <li key={key} className="tile" data-testid={`tile-${tileName[key]}`}>
                  <span className="tile-label">{t.dashboard.tiles[tileName[key]]}</span>
                  <span className="tile-value">{show(key, current)}</span>
                  {change && <span className={`tile-change ${change.direction}`}>{change.text}</span>}
                </li>
              );
            })}
          </ul>
          <div className="charts">
            <LineChart
              title={t.dashboard.revenueChart}
              labels={labels}
              series={[{ name: t.dashboard.series.revenue, values: report.series.map((b) => Number(b.revenueMinor)) }]}
              format={moneyShort}
              empty={t.dashboard.chartEmpty}
            />
            <LineChart
              title={t.dashboard.checksChart}
              labels={labels}
              series={[{ name: t.dashboard.series.checks, values: report.series.map((b) => b.checks), tone: 1 }]}
              format={count}
              empty={t.dashboard.chartEmpty}
            />
            <LineChart
              title={t.dashboard.guestsChart}
              labels={labels}
              series={[
                { name: t.dashboard.series.activeGuests, values: report.series.map((b) => b.activeGuests) },
                { name: t.dashboard.series.newGuests, values: report.series.map((b) => b.newGuests), tone: 2 },
              ]}
              format={count}
              empty={t.dashboard.chartEmpty}
            />
            <LineChart
              title={t.dashboard.pointsChart}
              labels={labels}
              series={[
                { name: t.dashboard.series.issued, values: report.series.map((b) => b.pointsIssued) },
                { name: t.dashboard.series.redeemed, values: report.series.map((b) => b.pointsRedeemed), tone: 1 },
                ...(wholeBusinessOnly.includes("pointsExpired")
                  ? []
                  : [
                      {
                        name: t.dashboard.series.expired,
                        values: report.series.map((b) => b.pointsExpired ?? 0),
                        tone: 3 as const,
                      },
                    ]),
              ]}
              format={count}
              empty={t.dashboard.chartEmpty}
            />
          </div>
        </>
      )}
      <BarChart
        title={t.dashboard.levelsChart}
        bars={(report.levels ?? []).map((level) => ({ label: level.name ?? t.dashboard.noLevel, value: level.guests }))}
        format={count}
        empty={report.levels ? t.dashboard.chartEmpty : t.dashboard.wholeBusinessOnly}
      />
    </div>
  );
}
