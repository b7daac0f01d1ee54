// Numbers, money and dates for people, in the guest's language and the tenant's time zone.
import { formatMinor } from "@maxl/shared";
import type { BotTenant } from "./context.ts";
import type { Locale } from "./i18n.ts";

/** "1 250,50 ₽", or "10 000 ₽" for a whole amount; plain spaces, which every Telegram client shows. */
export function money(minor: bigint | string, tenant: BotTenant, locale: Locale): string {
  return formatMinor(BigInt(minor), tenant.currency, locale, { wholeWithoutFraction: true }).replace(
    /\u00a0|\u202f/g,
    " ",
  );
}

export function day(at: Date | string, tenant: BotTenant, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "long",
    timeZone: tenant.timeZone,
  }).format(new Date(at));
}

export function dayAndTime(at: Date | string, tenant: BotTenant, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: tenant.timeZone,
  }).format(new Date(at));
}

export function time(at: Date | string, tenant: BotTenant): string {
  return new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit", timeZone: tenant.timeZone }).format(
    new Date(at),
  );
}

/** "+75" or "−30": a points change with a real minus sign. */
export function signed(points: number): string {
  return points > 0 ? `+${points}` : `−${Math.abs(points)}`;
}

/** A ten-step bar for progress toward the next level. */
export function progressBar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)}`;
}

/** Keeps user-supplied text (names, reasons) from being read as Telegram HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
