// Small hand-written SVG charts for the dashboard: a time series (lines, the first one filled as
// an area) and horizontal bars. Each shows its numbers too: a chart's values are in a table one
// click away (the time series) or written beside each bar, for screen readers and for exact reading.
import { useId, useState } from "react";
import { useT } from "../i18n/locale.ts";

export interface Series {
  name: string;
  /** one per label; the chart's colour slot (0..3) */
  values: readonly number[];
  tone?: 0 | 1 | 2 | 3;
}

const width = 640;
const height = 220;
// Room for the widest y label ("600 тыс. ₽") and the last x label, which are centred or end-anchored.
const pad = { top: 12, right: 34, bottom: 30, left: 92 };

/** A round top for the y axis: 1, 2, 2.5 or 5 times a power of ten, at least the largest value. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function LineChart({
  title,
  labels,
  series,
  format = String,
  empty,
}: {
  title: string;
  /** the x axis: one label per point */
  labels: readonly string[];
  series: readonly Series[];
  format?: (value: number) => string;
  /** shown instead of the chart when there is nothing to draw */
  empty: string;
}) {
  const t = useT();
  const id = useId();
  const [asTable, setAsTable] = useState(false);
  const values = series.flatMap((one) => one.values);
  const hasData = labels.length > 0 && values.some((value) => value !== 0);
  const min = Math.min(0, ...values);
  const max = niceMax(Math.max(0, ...values) - min) + min;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (index: number) => pad.left + (labels.length <= 1 ? innerW / 2 : (index * innerW) / (labels.length - 1));
  const y = (value: number) => pad.top + innerH - ((value - min) / (max - min || 1)) * innerH;
  // At most ~8 x labels, evenly spread, so they never overlap on a phone.
  const every = Math.max(1, Math.ceil(labels.length / 6));

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption className="chart-head">
        <span id={`${id}-title`} className="strong">
          {title}
        </span>
        {hasData && (
          <button
            type="button"
            className="button small secondary"
            aria-pressed={asTable}
            onClick={() => setAsTable((was) => !was)}
          >
            {asTable ? t.charts.showChart : t.charts.showTable}
          </button>
        )}
      </figcaption>
      {hasData && (
        <ul className="legend">
          {series.map((one, index) => (
            <li key={one.name} className={`tone-${one.tone ?? index}`}>
              {one.name}
            </li>
          ))}
        </ul>
      )}
      {!hasData ? (
        <p className="chart-empty muted">{empty}</p>
      ) : asTable ? (
        <div className="table-wrap">
          <table className="table chart-table" aria-label={title}>
            <thead>
              <tr>
                <th scope="col">{t.charts.period}</th>
                {series.map((one) => (
                  <th scope="col" key={one.name}>
                    {one.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, index) => (
                <tr key={label}>
                  <td data-label={t.charts.period}>{label}</td>
                  {series.map((one) => (
                    <td key={one.name} data-label={one.name}>
                      {format(one.values[index] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <svg className="chart-svg" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
          {[0, 0.5, 1].map((share) => {
            const value = min + (max - min) * share;
            return (
              <g key={share} className="chart-grid">
                <line x1={pad.left} x2={width - pad.right} y1={y(value)} y2={y(value)} />
                <text x={pad.left - 6} y={y(value) + 4} textAnchor="end">
                  {format(value)}
                </text>
              </g>
            );
          })}
          {labels.map((label, index) =>
            // Every n-th label and the last, unless the last would crowd the one before it.
            (index % every === 0 && (every === 1 || labels.length - 1 - index >= every / 2)) ||
            index === labels.length - 1 ? (
              <text key={label} className="chart-axis" x={x(index)} y={height - 8} textAnchor="middle">
                {label}
              </text>
            ) : null,
          )}
          {series.map((one, index) => {
            const points = one.values.map((value, at) => `${x(at)},${y(value)}`).join(" ");
            const tone = one.tone ?? index;
            return (
              <g key={one.name} className={`chart-series tone-${tone}`}>
                {index === 0 && (
                  <polygon
                    className="chart-area"
                    points={`${x(0)},${y(Math.max(min, 0))} ${points} ${x(one.values.length - 1)},${y(Math.max(min, 0))}`}
                  />
                )}
                <polyline className="chart-line" points={points} />
                {one.values.map((value, at) => (
                  <circle key={labels[at] ?? at} className="chart-point" cx={x(at)} cy={y(value)} r={3}>
                    <title>{`${labels[at]}: ${one.name} ${format(value)}`}</title>
                  </circle>
                ))}
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

export function BarChart({
  title,
  bars,
  format = String,
  empty,
}: {
  title: string;
  bars: readonly { label: string; value: number }[];
  format?: (value: number) => string;
  empty: string;
}) {
  const id = useId();
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption className="chart-head">
        <span id={`${id}-title`} className="strong">
          {title}
        </span>
      </figcaption>
      {bars.length === 0 || max === 0 ? (
        <p className="chart-empty muted">{empty}</p>
      ) : (
        <ul className="bars" aria-label={title}>
          {bars.map((bar) => (
            <li key={bar.label} className="bar-row">
              <span className="bar-label">{bar.label}</span>
              <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect className="bar" x={0} y={0} height={10} width={(bar.value / max) * 100} />
              </svg>
              <span className="bar-value">{format(bar.value)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
