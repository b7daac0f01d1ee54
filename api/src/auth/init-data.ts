// Telegram Mini App launch data (initData), checked as Telegram specifies: the secret key is
// HMAC_SHA256(key "WebAppData", bot token); the hash is the hex HMAC_SHA256 of the data-check
// string, every received field except `hash` as key=value, sorted by key, joined by "\n".
import { createHmac, timingSafeEqual } from "node:crypto";
import type { TelegramUser } from "../core/guests/telegram-guest.ts";

export type InitDataCheck =
  | { ok: true; user: TelegramUser; authDate: Date }
  | { ok: false; reason: "malformed" | "forged" | "expired" };

function secretKey(botToken: string): Buffer {
  return createHmac("sha256", "WebAppData").update(botToken).digest();
}

function dataCheckString(fields: URLSearchParams): string {
  return [...fields.entries()]
    .filter(([key]) => key !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

export function checkInitData(raw: string, botToken: string, maxAgeSeconds: number, now: Date): InitDataCheck {
  const fields = new URLSearchParams(raw);
  const hash = fields.get("hash");
  const authDate = Number(fields.get("auth_date"));
  if (!hash || !/^[0-9a-f]{64}$/.test(hash) || !Number.isInteger(authDate)) return { ok: false, reason: "malformed" };
  const expected = createHmac("sha256", secretKey(botToken)).update(dataCheckString(fields)).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "forged" };
  if (now.getTime() / 1000 - authDate > maxAgeSeconds) return { ok: false, reason: "expired" };
  let user: TelegramUser;
  try {
    user = JSON.parse(fields.get("user") ?? "") as TelegramUser;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!Number.isSafeInteger(user?.id)) return { ok: false, reason: "malformed" };
  return { ok: true, user, authDate: new Date(authDate * 1000) };
}

/** Signs launch data as Telegram would: for tests and the Mini App's development mock. */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  params.delete("hash");
  params.set("hash", createHmac("sha256", secretKey(botToken)).update(dataCheckString(params)).digest("hex"));
  return params.toString();
}
