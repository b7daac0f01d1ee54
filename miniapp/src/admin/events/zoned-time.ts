// Times in the business's time zone, whatever zone the browser is in: the wall-clock value of a
// datetime-local input (what staff type, meant as the business's local time) to the ISO 8601
// instant with its offset that the API takes, back again for editing, and instants written out
// for reading. A staff member travelling, or a chain's office in another city, must still enter
// "19:00" as the restaurant's 19:00.
import type { Locale } from "../i18n/messages.ts";

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Minutes the zone is ahead of UTC at this instant (Moscow: 180). */
export function offsetMinutesAt(instant: number, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** "+03:00", "-05:00", "+05:45". */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A datetime-local value read as the zone's wall clock, as "2026-12-05T19:00:00+03:00"; null
 * when it is empty or not a date and time.
 */
export function zonedInputToIso(value: string, timeZone: string): string | null {
  const match = LOCAL_INPUT.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // The offset at the wall time taken as UTC is right except near a daylight-saving change;
  // the offset at the instant that first guess gives settles it.
  const first = offsetMinutesAt(wall, timeZone);
  const offset = offsetMinutesAt(wall - first * 60_000, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00${offsetText(offset)}`;
}

/** An instant as the zone's wall clock for a datetime-local input: "2026-12-05T19:00". */
export function isoToZonedInput(iso: string | null, timeZone: string): string {
  if (!iso) return "";
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return "";
  const wall = wallClockAt(instant, timeZone);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

const tags: Record<Locale, string> = { ru: "ru-RU", en: "en-GB" };

/** An instant written for reading in the zone: "5 Dec 2026, 19:00". */
export function formatZoned(
  iso: string | null,
  locale: Locale,
  timeZone: string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(tags[locale], { ...options, timeZone }).format(new Date(iso));
}

/** Start to end, the end's date left out when it is the same local day: "5 Dec 2026, 19:00 – 22:00". */
export function formatZonedRange(startIso: string, endIso: string, locale: Locale, timeZone: string): string {
  const day = (iso: string) => isoToZonedInput(iso, timeZone).slice(0, 10);
  const end =
    day(startIso) === day(endIso)
      ? formatZoned(endIso, locale, timeZone, { timeStyle: "short" })
      : formatZoned(endIso, locale, timeZone);
  return `${formatZoned(startIso, locale, timeZone)} – ${end}`;
}

/** The zone as staff recognise it: "Europe/Moscow, UTC+03:00" at this moment. */
export function zoneLabel(timeZone: string, at: number = Date.now()): string {
  return `${timeZone}, UTC${offsetText(offsetMinutesAt(at, timeZone))}`;
}
