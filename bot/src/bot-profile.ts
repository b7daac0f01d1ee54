// What Telegram shows around the chat: the command list (in Russian and English, by the user's
// Telegram language) and the menu button that opens the card in the Mini App.
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { BotDeps, BotTenant } from "./context.ts";
import { type Locale, locales, translator } from "./i18n.ts";
import { miniAppUrl } from "./keyboards/menu.ts";

const guestCommands = ["card", "qr", "history", "levels", "events", "settings", "help", "cancel"] as const;

export function botCommands(deps: BotDeps, locale: Locale): BotCommand[] {
  const t = translator(deps.i18n, locale);
  return guestCommands.map((command) => ({ command, description: t(`command-${command}`) }));
}

export async function setUpBotProfile(api: Api, deps: BotDeps, tenant: BotTenant): Promise<void> {
  await api.setMyCommands(botCommands(deps, "ru"));
  for (const locale of locales) {
    await api.setMyCommands(botCommands(deps, locale), { language_code: locale });
  }
  const url = miniAppUrl(deps.settings.miniAppUrl, tenant);
  if (url) {
    await api.setChatMenuButton({
      menu_button: { type: "web_app", text: translator(deps.i18n, "ru")("menu-open-app"), web_app: { url } },
    });
  }
}
