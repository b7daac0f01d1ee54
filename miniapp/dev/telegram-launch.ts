// Development only: outside Telegram a page has no launch data, so the dev server plays
// Telegram's part. It signs launch data with the demo bot token and puts it in the page's hash,
// as Telegram does, before the Telegram SDK reads it. `?as=cashier` opens the app as the demo
// cashier and `?theme=dark` with Telegram's dark theme. Never part of a production build.
import { signInitData } from "@maxl/api/init-data";
import type { Plugin } from "vite";

/** The demo seed's Telegram accounts (demoTelegramIds in prisma/src/seed/demo.ts). */
export const devTelegramUsers = {
  guest: { id: 900_000_000, first_name: "Demo", last_name: "Guest", language_code: "ru" },
  cashier: { id: 800_000_001, first_name: "Demo", last_name: "Cashier", language_code: "ru" },
} as const;

export const telegramThemes = {
  light: {
    bg_color: "#ffffff",
    text_color: "#000000",
    hint_color: "#999999",
    link_color: "#2481cc",
    button_color: "#2481cc",
    button_text_color: "#ffffff",
    secondary_bg_color: "#efeff3",
    section_bg_color: "#ffffff",
    accent_text_color: "#2481cc",
    destructive_text_color: "#ff3b30",
  },
  dark: {
    bg_color: "#212121",
    text_color: "#ffffff",
    hint_color: "#aaaaaa",
    link_color: "#8774e1",
    button_color: "#8774e1",
    button_text_color: "#ffffff",
    secondary_bg_color: "#0f0f0f",
    section_bg_color: "#212121",
    accent_text_color: "#8774e1",
    destructive_text_color: "#ff595a",
  },
} as const;

/** The hash Telegram appends to a Mini App's URL when it opens it. */
export function telegramLaunchHash(input: {
  botToken: string;
  user: { id: number; first_name: string; last_name?: string; language_code?: string };
  theme: keyof typeof telegramThemes;
  authDate?: Date;
}): string {
  const authDate = Math.floor((input.authDate ?? new Date()).getTime() / 1000);
  const initData = signInitData(
    { user: JSON.stringify(input.user), auth_date: String(authDate), query_id: `AAdev${authDate}` },
    input.botToken,
  );
  return new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: "8.0",
    tgWebAppPlatform: "weba",
    tgWebAppThemeParams: JSON.stringify(telegramThemes[input.theme]),
  }).toString();
}

export function telegramDevLaunch(options: { botToken: string; defaultTenant: string }): Plugin {
  return {
    name: "maxl:telegram-dev-launch",
    apply: "serve",
    transformIndexHtml(_html, context) {
      // The admin view is not a Mini App, and its hash is its route.
      if (!options.botToken || context.path.startsWith("/admin/")) return [];
      const url = new URL(context.originalUrl ?? "/", "http://dev.local");
      const user = url.searchParams.get("as") === "cashier" ? devTelegramUsers.cashier : devTelegramUsers.guest;
      const theme = url.searchParams.get("theme") === "dark" ? "dark" : "light";
      const hash = telegramLaunchHash({ botToken: options.botToken, user, theme });
      const tenant = JSON.stringify(options.defaultTenant);
      // Runs before the app's modules: adds the tenant if missing and the signed launch data.
      const script = `(function(){var u=new URL(location.href);if(!u.searchParams.get("tenant"))u.searchParams.set("tenant",${tenant});if(!u.hash.includes("tgWebAppData"))u.hash=${JSON.stringify(hash)};history.replaceState(null,"",u.toString());})();`;
      return [{ tag: "script", children: script, injectTo: "head-prepend" }];
    },
  };
}
