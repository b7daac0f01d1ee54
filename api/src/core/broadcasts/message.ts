// A broadcast as Telegram's sendMessage takes it: the HTML written back from the parsed tree (so a
// stray "&" or ">" the owner typed goes escaped) or the plain text with no parse mode, and the
// button as a one-button inline keyboard. The workers' sender and the test message use this.
import { parseTelegramHtml, toTelegramHtml } from "@maxl/shared";
import type { BroadcastContent } from "./schemas.ts";

export interface TelegramMessage {
  text: string;
  parseMode: "HTML" | null;
  button: { label: string; url: string } | null;
}

export function telegramMessageOf(content: Pick<BroadcastContent, "text" | "format" | "button">): TelegramMessage {
  if (content.format === "plain") return { text: content.text, parseMode: null, button: content.button };
  const parsed = parseTelegramHtml(content.text);
  // Checked when saved and sent; an unreadable text here would be a bug, not the owner's.
  if (!parsed.ok) throw new Error(`broadcast text does not parse: ${parsed.message}`);
  return { text: toTelegramHtml(parsed.nodes), parseMode: "HTML", button: content.button };
}

/** sendMessage's parameters for a chat. */
export function sendMessageParams(chatId: number, message: TelegramMessage): Record<string, unknown> {
  return {
    chat_id: chatId,
    text: message.text,
    ...(message.parseMode ? { parse_mode: message.parseMode } : {}),
    link_preview_options: { is_disabled: true },
    ...(message.button
      ? { reply_markup: { inline_keyboard: [[{ text: message.button.label, url: message.button.url }]] } }
      : {}),
  };
}
