// Russian and English texts (locales/*.ftl, Fluent: proper plural forms for "балл/балла/баллов").
// One I18n instance serves the bot's handlers, its conversations and the notifications sender.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { BotContext } from "./context.ts";

export type Locale = "ru" | "en";
export const locales: readonly Locale[] = ["ru", "en"];

export type Translate = (key: string, variables?: Record<string, string | number>) => string;

export function createI18n(): I18n<BotContext> {
  const i18n = new I18n<BotContext>({
    defaultLocale: "ru",
    useSession: false,
    // The member loader has already settled the locale: staff or guest setting, else Telegram's.
    localeNegotiator: (ctx) => ctx.member.locale,
    fluentBundleOptions: { useIsolating: false },
  });
  for (const locale of locales) {
    const source = readFileSync(fileURLToPath(new URL(`../locales/${locale}.ftl`, import.meta.url)), "utf8");
    i18n.loadLocaleSync(locale, { source, bundleOptions: { useIsolating: false } });
  }
  return i18n;
}

/** A translator bound to one locale, for code that has no context object (conversations, jobs). */
export function translator(i18n: I18n<BotContext>, locale: Locale): Translate {
  return (key, variables) => i18n.t(locale, key, variables);
}

/** The interface language for a Telegram language code: Russian for the CIS languages and unset. */
export function localeForLanguage(code: string | undefined): Locale {
  const language = (code ?? "").slice(0, 2).toLowerCase();
  return language === "" || ["ru", "uk", "be", "kk", "ky", "uz", "tg", "hy", "az"].includes(language) ? "ru" : "en";
}
