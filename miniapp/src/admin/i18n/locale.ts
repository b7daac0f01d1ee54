// The admin view's language: the one chosen with the switcher (remembered in this browser), else
// the browser's own. Only this preference is kept in localStorage, never anything secret.
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { ApiError } from "../../api/client.ts";
import type { MessageVars } from "./error-texts.ts";
import { type Locale, type Messages, messages } from "./messages.ts";

const storageKey = "maxl_admin_locale";

function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export function browserLocale(languages: readonly string[] = browserLanguages()): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split("-")[0];
    if (base === "ru" || base === "en") return base;
  }
  return "ru";
}

function savedLocale(): Locale | null {
  try {
    const saved = globalThis.localStorage?.getItem(storageKey);
    return saved === "ru" || saved === "en" ? saved : null;
  } catch {
    return null;
  }
}

export const localeStore = createStore<{ locale: Locale; setLocale(locale: Locale): void }>((set) => ({
  locale: savedLocale() ?? browserLocale(),
  setLocale(locale) {
    try {
      localStorage.setItem(storageKey, locale);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = locale;
    set({ locale });
  },
}));

export function useLocale(): Locale {
  return useStore(localeStore, (s) => s.locale);
}

export function useT(): Messages {
  return messages[useLocale()];
}

const tags: Record<Locale, string> = { ru: "ru-RU", en: "en-GB" };

export function formatDateTime(iso: string | null, locale: Locale): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(tags[locale], { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function formatMoneyMinor(minor: string | null, currency: string | null, locale: Locale): string {
  if (minor === null) return "—";
  return new Intl.NumberFormat(tags[locale], {
    style: "currency",
    currency: currency ?? "RUB",
    currencyDisplay: "narrowSymbol",
  }).format(Number(minor) / 100);
}

export function formatNumber(value: number, locale: Locale, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(tags[locale], options).format(value);
}

/** A local calendar day (YYYY-MM-DD) as a short date, read as that day wherever the browser is. */
export function formatDay(day: string | null, locale: Locale, options: Intl.DateTimeFormatOptions = {}): string {
  if (!day) return "—";
  const [year = 0, month = 1, date = 1] = day.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(tags[locale], {
    timeZone: "UTC",
    ...(Object.keys(options).length > 0 ? options : { dateStyle: "medium" }),
  }).format(new Date(Date.UTC(year, month - 1, date)));
}

/** How long to wait, as a person says it: "45 s", "3 min". */
export function formatWait(seconds: number, t: Messages): string {
  return seconds < 90 ? t.time.seconds(Math.max(1, Math.round(seconds))) : t.time.minutes(Math.ceil(seconds / 60));
}

/** The sentence for a failed call: ours for the API's messageKey, else the API's own detail. */
export function errorText(
  error: Pick<ApiError, "status" | "messageKey" | "message"> & { extensions?: Record<string, unknown> },
  t: Messages,
): string {
  const keyed = error.messageKey ? t.errors.keys[error.messageKey] : undefined;
  if (typeof keyed === "string") return keyed;
  if (keyed) return keyed(messageVarsOf(error.extensions));
  if (error.status === 0) return t.errors.network;
  if (error.status === 429) return t.errors.tooMany;
  if (error.status >= 500) return t.errors.server;
  return error.message;
}

/** The problem's messageVars: only strings and numbers, whatever else the body holds. */
function messageVarsOf(extensions: Record<string, unknown> | undefined): MessageVars {
  const raw = extensions?.messageVars;
  if (typeof raw !== "object" || raw === null) return {};
  return Object.fromEntries(
    Object.entries(raw).filter((entry): entry is [string, string | number] =>
      ["string", "number"].includes(typeof entry[1]),
    ),
  );
}
