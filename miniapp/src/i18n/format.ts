// Numbers, money and dates as a guest reads them: grouped digits, roubles without kopecks when
// whole, dates in the restaurant's time zone (storage is UTC; ARCHITECTURE.md section 1).
import type { Locale } from "../telegram/webapp.ts";

const tags: Record<Locale, string> = { ru: "ru-RU", en: "en-GB" };

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(tags[locale]).format(value);
}

/** Minor units (a decimal string or number) as money: "1 500 ₽", "1 500,50 ₽". */
export function formatMoney(minor: string | number | bigint, currency: string, locale: Locale): string {
  const value = BigInt(minor);
  const whole = value % 100n === 0n;
  return new Intl.NumberFormat(tags[locale], {
    style: "currency",
    currency,
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(Number(value) / 100);
}

export function formatPercentBps(bps: number, locale: Locale): string {
  return new Intl.NumberFormat(tags[locale], { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);
}

/** "2 December", with the year only when it is not this year's (in the time zone). */
export function formatDate(iso: string, timeZone: string, locale: Locale, now = new Date()): string {
  const at = new Date(iso);
  const year = (date: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(date);
  return new Intl.DateTimeFormat(tags[locale], {
    day: "numeric",
    month: "long",
    ...(year(at) !== year(now) ? { year: "numeric" } : {}),
    timeZone,
  }).format(at);
}

export function formatTime(iso: string, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(tags[locale], { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(iso));
}

function dateTimeFormat(at: Date, timeZone: string, locale: Locale, now: Date) {
  const year = (date: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(date);
  return new Intl.DateTimeFormat(tags[locale], {
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(year(at) !== year(now) ? { year: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
}

/** "Sat 5 Dec, 19:00" (with the year only when it is not this year's), in the time zone. */
export function formatDateTime(iso: string, timeZone: string, locale: Locale, now = new Date()): string {
  const at = new Date(iso);
  return dateTimeFormat(at, timeZone, locale, now).format(at);
}

/** "Sat 5 Dec, 19:00–22:00", or both ends in full when it runs past midnight. */
export function formatDateTimeRange(
  startIso: string,
  endIso: string,
  timeZone: string,
  locale: Locale,
  now = new Date(),
): string {
  const start = new Date(startIso);
  return dateTimeFormat(start, timeZone, locale, now).formatRange(start, new Date(endIso));
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD (for grouping). */
export function dayKey(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }).format(at);
}

/** "1500", "1 500,50", "1500.5" as minor units; null for anything else. */
export function parseMoneyInput(text: string): bigint | null {
  const clean = text.replace(/[\s\u00a0₽]/g, "").replace(",", ".");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  const [, whole = "0", fraction = ""] = match;
  const minor = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  return minor > 0n ? minor : null;
}
