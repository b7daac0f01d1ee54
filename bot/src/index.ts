// What other packages use from the bot: the guest notifications the workers send, and the texts.
export { createI18n, type Locale, locales, type Translate, translator } from "./i18n.ts";
export * from "./notifications/index.ts";
