// Incoming updates shaped as Telegram sends them, for tests to push at a bot. Builders leave out
// update_id and give messages message_id 0: the fake numbers both when the update is pushed, the
// way Telegram numbers updates per bot and messages per chat.
import { randomBytes } from "node:crypto";
import type { Chat, Contact, Message, MessageEntity, Update, User } from "grammy/types";

export type UpdateDraft = Omit<Update, "update_id">;

export interface InChat {
  /** Another chat than the private one with `from`: a negative id is a group. */
  chatId?: number;
}

type UserMessage = Message & Update.NonChannel;
type MessageContent = Partial<Pick<Message, "text" | "entities" | "contact" | "sticker" | "web_app_data">>;

const unixNow = () => Math.floor(Date.now() / 1000);

function chatOf(from: User, chatId = from.id): Exclude<Chat, Chat.ChannelChat> {
  if (chatId === from.id) {
    const { id, first_name, last_name, username } = from;
    return { id, type: "private", first_name, ...(last_name ? { last_name } : {}), ...(username ? { username } : {}) };
  }
  if (chatId < 0) return { id: chatId, type: chatId < -1e12 ? "supergroup" : "group", title: `Group ${-chatId}` };
  return { id: chatId, type: "private", first_name: from.first_name };
}

function userMessage(from: User, options: InChat, content: MessageContent): UserMessage {
  return { message_id: 0, date: unixNow(), chat: chatOf(from, options.chatId), from, ...content };
}

// Telegram marks a leading /command with a bot_command entity, and grammY's bot.command() matches
// on that entity, not on the text.
const COMMAND = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/;

export function textMessage(from: User, text: string, options: InChat = {}): UpdateDraft {
  const command = COMMAND.exec(text);
  const entities: MessageEntity[] | undefined = command
    ? [{ type: "bot_command", offset: 0, length: command[0].length }]
    : undefined;
  return { message: userMessage(from, options, entities ? { text, entities } : { text }) };
}

/** `/start`, or `/start <payload>` as a deep link sends it; the slash is optional. */
export function command(from: User, name: string, payload?: string, options: InChat = {}): UpdateDraft {
  const slashed = name.startsWith("/") ? name : `/${name}`;
  return textMessage(from, payload ? `${slashed} ${payload}` : slashed, options);
}

/** A shared contact; `user_id` is present only when the user shared their own number. */
export function contactMessage(from: User, contact: Contact, options: InChat = {}): UpdateDraft {
  return { message: userMessage(from, options, { contact }) };
}

export function stickerMessage(from: User, options: InChat = {}): UpdateDraft {
  const sticker = {
    file_id: "CAACAgIAAxkBAAEBmHZmFakeStickerFileId",
    file_unique_id: "AgADFakeSticker",
    type: "regular" as const,
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
    emoji: "👍",
    set_name: "FakeStickers",
  };
  return { message: userMessage(from, options, { sticker }) };
}

/**
 * A press on an inline button. `message` is the bot's message the button was on; by default a
 * plausible one with that button. Leave its `from` out and the fake fills in the bot.
 */
export function callbackQuery(from: User, data: string, message?: Message): UpdateDraft {
  const onMessage = message ?? {
    message_id: 0,
    date: unixNow(),
    chat: chatOf(from),
    text: "Choose an option",
    reply_markup: { inline_keyboard: [[{ text: data, callback_data: data }]] },
  };
  return {
    callback_query: {
      id: randomBytes(8).readBigUInt64BE().toString(),
      from,
      message: onMessage,
      chat_instance: chatInstance(onMessage.chat.id),
      data,
    },
  };
}

/** What a Mini App opened from a reply keyboard button sends back with Telegram.WebApp.sendData. */
export function webAppData(from: User, data: string, buttonText: string, options: InChat = {}): UpdateDraft {
  return { message: userMessage(from, options, { web_app_data: { data, button_text: buttonText } }) };
}

// Telegram's chat_instance is an opaque signed 64-bit number, stable per chat.
function chatInstance(chatId: number): string {
  return (-(2n ** 62n) - BigInt(chatId)).toString();
}
