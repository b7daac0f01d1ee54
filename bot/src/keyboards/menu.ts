// The keyboards guests and staff use. Reply-keyboard labels are matched back through i18n
// (hears), so they work in whichever language the user has chosen.
import { InlineKeyboard, Keyboard } from "grammy";
import type { BotTenant } from "../context.ts";
import type { Translate } from "../i18n.ts";

export function mainMenu(t: Translate, options: { staff: boolean }): Keyboard {
  const keyboard = new Keyboard()
    .text(t("menu-card"))
    .text(t("menu-qr"))
    .row()
    .text(t("menu-events"))
    .row()
    .text(t("menu-history"))
    .text(t("menu-levels"))
    .row()
    .text(t("menu-settings"))
    .text(t("menu-invite"));
  if (options.staff) keyboard.row().text("/till").text("/checkin");
  return keyboard.resized().persistent();
}

/**
 * The Mini App for this tenant (the slug tells the app and the API which business it is), or
 * null when it is not served over https: Telegram refuses Mini App buttons to http addresses,
 * so a local development set-up goes without them rather than fail every reply that has one.
 */
export function miniAppUrl(base: string, tenant: BotTenant, path = ""): string | null {
  if (!base.startsWith("https://")) return null;
  return `${base}/${path}?tenant=${encodeURIComponent(tenant.slug)}`;
}

export function cardActions(t: Translate, miniApp: string | null): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("menu-qr"), "menu:qr")
    .text(t("menu-history"), "menu:history")
    .row()
    .text(t("menu-levels"), "menu:levels")
    .text(t("menu-settings"), "menu:settings");
  if (miniApp) keyboard.row().webApp(t("menu-open-app"), miniApp);
  return keyboard;
}
