// The dashboard's period as calendar days in the tenant's time zone: checking the request, the
// buckets of the series, and the previous period of equal length. Pure calendar arithmetic; the
// instants a local day starts are computed by PostgreSQL from the tenant's time zone, so every
// query buckets by the same edges whatever Node's time zone data says.
import { addDays, formatLocalDate, type LocalDate, ServiceError } from "@maxl/shared";

export const granularities = ["day", "week", "month"] as const;
export type Granularity = (typeof granularities)[number];

/** The longest period the dashboard reports on: three years of days. */
export const MAX_PERIOD_DAYS = 3 * 366;

export interface DashboardPeriod {
  from: LocalDate;
  to: LocalDate;
  days: number;
  granularity: Granularity;
  /** the first day of each bucket, then the day after `to`: the bucket edges */
  edges: string[];
  /** the previous period: the same number of days, ending the day before `from` */
  previous: { from: string; to: string };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD, or null ("2026-02-30" is not one). */
export function parseLocalDate(text: string): LocalDate | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatLocalDate(addDays(date, 0)) === text ? date : null;
}

function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** Day up to two months, week up to a year, month beyond: about 30 to 60 points on a chart. */
export function defaultGranularity(days: number): Granularity {
  if (days <= 62) return "day";
  if (days <= 366) return "week";
  return "month";
}

/** The start of the next bucket after `date`: the next day, Monday, or first of a month. */
function nextBucketStart(date: LocalDate, granularity: Granularity): LocalDate {
  if (granularity === "day") return addDays(date, 1);
  if (granularity === "week") {
    const weekday = (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7; // Monday = 0
    return addDays(date, 7 - weekday);
  }
  return date.month === 12
    ? { year: date.year + 1, month: 1, day: 1 }
    : { year: date.year, month: date.month + 1, day: 1 };
}

/**
 * Checks the request and lays out the buckets. Weeks start on Monday and months on the 1st; the
 * first bucket starts at `from` (so it may be a partial week or month) and the last ends at `to`.
 */
export function dashboardPeriod(input: { from: string; to: string; granularity?: Granularity }): DashboardPeriod {
  const from = parseLocalDate(input.from);
  const to = parseLocalDate(input.to);
  const problems = [
    ...(from ? [] : [{ path: "from", message: "must be a date written YYYY-MM-DD" }]),
    ...(to ? [] : [{ path: "to", message: "must be a date written YYYY-MM-DD" }]),
  ];
  if (!from || !to)
    throw new ServiceError("VALIDATION", "The period's dates are not valid dates.", {
      key: "period-dates-invalid",
      fields: problems,
    });
  const days = daysBetween(from, to);
  if (days < 1) {
    throw new ServiceError("VALIDATION", "The period ends before it starts: `to` must not be before `from`.", {
      key: "period-reversed",
      fields: [{ path: "to", message: "must not be before from" }],
    });
  }
  if (days > MAX_PERIOD_DAYS) {
    throw new ServiceError("VALIDATION", "The period is longer than three years; choose a shorter one.", {
      key: "period-too-long",
      fields: [{ path: "from", message: `must be at most ${MAX_PERIOD_DAYS} days before to` }],
    });
  }
  const granularity = input.granularity ?? defaultGranularity(days);
  const end = addDays(to, 1);
  const edges: string[] = [];
  for (let start = from; dayNumber(start) < dayNumber(end); start = nextBucketStart(start, granularity)) {
    edges.push(formatLocalDate(start));
  }
  edges.push(formatLocalDate(end));
  return {
    from,
    to,
    days,
    granularity,
    edges,
    previous: { from: formatLocalDate(addDays(from, -days)), to: formatLocalDate(addDays(from, -1)) },
  };
}
