// Calendar arithmetic in a tenant's time zone, with the platform's Intl data only. Storage is
// UTC; days (expiry, birthdays, reports) are the tenant's local days, so the instant a local
// day starts must be computed, DST included.

export interface LocalDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(at: Date, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts;
}

/** Whether the time zone is one the platform knows (e.g. "Europe/Moscow"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date of an instant. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const parts = wallClock(at, timeZone);
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0 };
}

/** The date `days` later (or earlier, if negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** "2026-11-21" */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

function offsetMs(at: Date, timeZone: string): number {
  const p = wallClock(at, timeZone);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant the given local date begins in the time zone. */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const naive = Date.UTC(date.year, date.month - 1, date.day);
  let instant = naive - offsetMs(new Date(naive), timeZone);
  // Once more from the first guess, in case an offset change lies between the two instants.
  instant = naive - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

/** The instant the local day `days` after the local date of `at` begins. */
export function startOfLocalDayAfter(at: Date, days: number, timeZone: string): Date {
  return startOfLocalDay(addDays(localDateOf(at, timeZone), days), timeZone);
}
