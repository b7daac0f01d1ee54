// The URL Telegram opens a Mini App with: the app's address plus launch parameters in the hash.
export { devTelegramUsers, telegramLaunchHash, telegramThemes } from "../dev/telegram-launch.ts";

export function miniAppUrl(base: string, path: string, tenant: string, launchHash: string): string {
  return `${base}${path}?tenant=${encodeURIComponent(tenant)}#${launchHash}`;
}
