// The Bot API methods the fake implements, answering with Telegram's own result shapes and, where
// Telegram refuses a call, its own error codes and descriptions (grammY, auto-retry and the bot's
// error handling key on those).
import type { ApiError, InlineKeyboardMarkup, Message, ResponseParameters } from "grammy/types";
import type { FakeBotState } from "./fake-bot.ts";
import { isUploadedFile, type Params } from "./request-params.ts";

export interface Answer {
  readonly status: number;
  readonly body: { ok: true; result: unknown; description?: string } | ApiError;
}

export interface MethodContext {
  readonly bot: FakeBotState;
  readonly params: Params;
  /** Aborts when the client gives up on the request (grammY's bot.stop() during a long poll). */
  readonly signal: AbortSignal;
  readonly newFileId: () => string;
  readonly maxPollSeconds: number;
}

export function answerOk(result: unknown, description?: string): Answer {
  return { status: 200, body: description ? { ok: true, result, description } : { ok: true, result } };
}

export function answerError(error_code: number, description: string, parameters?: ResponseParameters): Answer {
  return { status: error_code, body: { ok: false, error_code, description, ...(parameters ? { parameters } : {}) } };
}

/** Thrown by a method to answer the call with a Telegram error. */
class Refusal extends Error {
  constructor(
    readonly answer: Answer,
    description: string,
  ) {
    super(description);
  }
}

const refuse = (code: number, description: string, parameters?: ResponseParameters) =>
  new Refusal(answerError(code, description, parameters), description);
const badRequest = (what: string) => refuse(400, `Bad Request: ${what}`);

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const WEBHOOK_CONFLICT =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
// Methods that put something into a chat: the ones a block or a flood limit refuses.
const DELIVERS = /^(send|copymessage|forwardmessage)/;

export async function answerMethod(method: string, context: MethodContext): Promise<Answer> {
  try {
    return await dispatch(method.toLowerCase(), context);
  } catch (error) {
    if (error instanceof Refusal) return error.answer;
    throw error;
  }
}

async function dispatch(method: string, context: MethodContext): Promise<Answer> {
  const { bot, params } = context;
  if (DELIVERS.test(method)) refuseDelivery(bot, requireChat(params));
  switch (method) {
    case "getme":
      return answerOk(bot.info);
    case "getupdates":
      return getUpdates(context);
    case "setwebhook":
      return setWebhook(bot, params);
    case "deletewebhook":
      return deleteWebhook(bot, params);
    case "getwebhookinfo":
      return answerOk({
        url: bot.webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: bot.pendingCount,
        ...(bot.webhook?.max_connections ? { max_connections: bot.webhook.max_connections } : {}),
        ...(bot.webhook?.allowed_updates ? { allowed_updates: bot.webhook.allowed_updates } : {}),
      });
    case "sendmessage":
      return answerOk(sendMessage(bot, params));
    case "sendphoto":
      return answerOk(sendFile(context, "photo"));
    case "senddocument":
      return answerOk(sendFile(context, "document"));
    case "editmessagetext":
      return answerOk(editMessageText(bot, params));
    case "editmessagecaption":
      return answerOk(editMessageCaption(bot, params));
    case "editmessagereplymarkup":
      return answerOk(editMessageReplyMarkup(bot, params));
    case "deletemessage":
      return deleteMessage(bot, params);
    case "answercallbackquery":
      if (!bot.answerQuery(stringParam(params, "callback_query_id") ?? ""))
        throw badRequest("query is too old and response timeout expired or query ID is invalid");
      return answerOk(true);
    default:
      // setMyCommands, setChatMenuButton, sendChatAction, close, logOut and the rest: recorded
      // by the server, accepted here.
      return answerOk(true);
  }
}

// --- parameters ---------------------------------------------------------------------------------

function stringParam(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function integerParam(params: Params, key: string): number | undefined {
  const value = params[key];
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function requireChat(params: Params): number {
  if (params.chat_id === undefined || params.chat_id === "") throw badRequest("chat_id is empty");
  const chatId = integerParam(params, "chat_id");
  // "@channel" usernames are not chats this fake knows.
  if (chatId === undefined) throw badRequest("chat not found");
  return chatId;
}

function refuseDelivery(bot: FakeBotState, chatId: number): void {
  if (bot.blocked.has(chatId)) {
    throw refuse(
      403,
      chatId > 0 ? "Forbidden: bot was blocked by the user" : "Forbidden: bot was kicked from the group chat",
    );
  }
  const limit = bot.rateLimits.get(chatId);
  if (!limit || limit.times <= 0) return;
  limit.times -= 1;
  if (limit.times === 0) bot.rateLimits.delete(chatId);
  throw refuse(429, `Too Many Requests: retry after ${limit.retryAfter}`, { retry_after: limit.retryAfter });
}

// Telegram stores and returns text without markup (it becomes entities) and applies its length
// limits to what is left. HTML is common enough to strip; Markdown is left as sent.
function visibleText(raw: string, parseMode: unknown): string {
  if (parseMode !== "HTML") return raw;
  return raw
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

function messageText(params: Params): string {
  const text = visibleText(stringParam(params, "text") ?? "", params.parse_mode);
  if (text.trim() === "") throw badRequest("message text is empty");
  if (text.length > 4096) throw badRequest("message is too long");
  return text;
}

function captionText(params: Params): string | undefined {
  const raw = stringParam(params, "caption");
  if (raw === undefined) return undefined;
  const caption = visibleText(raw, params.parse_mode);
  if (caption.length > 1024) throw badRequest("message caption is too long");
  return caption === "" ? undefined : caption;
}

/** The inline keyboard a message will carry; reply keyboards are not part of the Message. */
function inlineKeyboard(markup: unknown): InlineKeyboardMarkup | undefined {
  if (typeof markup !== "object" || markup === null || !("inline_keyboard" in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardMarkup should be an Array");
  const buttons: unknown[] = rows.flat();
  for (const button of buttons) {
    if (typeof button !== "object" || button === null || !("callback_data" in button)) continue;
    const data = button.callback_data;
    if (typeof data !== "string" || data === "" || Buffer.byteLength(data) > 64)
      throw badRequest("BUTTON_DATA_INVALID");
  }
  // Checked above as far as Telegram checks it; an empty keyboard removes the keyboard.
  return rows.length > 0 ? (markup as InlineKeyboardMarkup) : undefined;
}

// --- updates and webhooks -----------------------------------------------------------------------

async function getUpdates({ bot, params, signal, maxPollSeconds }: MethodContext): Promise<Answer> {
  if (bot.webhook) throw refuse(409, WEBHOOK_CONFLICT);
  bot.confirm(integerParam(params, "offset") ?? 0);
  const limit = Math.min(100, Math.max(1, integerParam(params, "limit") ?? 100));
  const timeout = Math.min(maxPollSeconds, Math.max(0, integerParam(params, "timeout") ?? 0));
  if (bot.pendingCount === 0) await bot.waitForUpdates(timeout, signal);
  return answerOk(bot.peek(limit));
}

function setWebhook(bot: FakeBotState, params: Params): Answer {
  const url = stringParam(params, "url") ?? "";
  if (url === "") return deleteWebhook(bot, params);
  if (!url.startsWith("https://")) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  const secret = stringParam(params, "secret_token");
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    throw badRequest("secret token contains unallowed characters");
  if (params.drop_pending_updates === true) bot.dropPending();
  const unchanged = bot.webhook?.url === url;
  const maxConnections = integerParam(params, "max_connections");
  const allowed = params.allowed_updates;
  bot.webhook = {
    url,
    ...(secret ? { secret_token: secret } : {}),
    ...(maxConnections ? { max_connections: maxConnections } : {}),
    ...(Array.isArray(allowed) ? { allowed_updates: allowed.filter((kind) => typeof kind === "string") } : {}),
  };
  return answerOk(true, unchanged ? "Webhook is already set" : "Webhook was set");
}

function deleteWebhook(bot: FakeBotState, params: Params): Answer {
  if (params.drop_pending_updates === true) bot.dropPending();
  const had = bot.webhook !== undefined;
  bot.webhook = undefined;
  return answerOk(true, had ? "Webhook was deleted" : "Webhook is already deleted");
}

// --- messages -----------------------------------------------------------------------------------

function sendMessage(bot: FakeBotState, params: Params): Message {
  const text = messageText(params);
  const markup = inlineKeyboard(params.reply_markup);
  const message: Message = {
    ...bot.newMessage(requireChat(params)),
    text,
    ...(markup ? { reply_markup: markup } : {}),
  };
  bot.remember(message);
  return message;
}

function sendFile({ bot, params, newFileId }: MethodContext, kind: "photo" | "document"): Message {
  const file = params[kind];
  if (file === undefined || file === "") throw badRequest(`there is no ${kind} in the request`);
  const caption = captionText(params);
  const markup = inlineKeyboard(params.reply_markup);
  // A file_id is reused as sent; a URL or an upload becomes a new file on Telegram's side.
  const uploaded = isUploadedFile(file) ? file : undefined;
  const fileId = uploaded?.file_id ?? (typeof file === "string" && !/^https?:\/\//.test(file) ? file : newFileId());
  const stored = {
    file_id: fileId,
    file_unique_id: `u${fileId.slice(-16)}`,
    ...(uploaded ? { file_size: uploaded.size } : {}),
  };
  const media =
    kind === "photo"
      ? { photo: [{ ...stored, width: 320, height: 320 }] }
      : { document: { ...stored, ...(uploaded ? { file_name: uploaded.filename } : {}) } };
  const message: Message = {
    ...bot.newMessage(requireChat(params)),
    ...media,
    ...(caption ? { caption } : {}),
    ...(markup ? { reply_markup: markup } : {}),
  };
  bot.remember(message);
  return message;
}

/** The message an edit addresses, or "inline" for messages sent via inline mode (not stored). */
function editTarget(bot: FakeBotState, params: Params): Message | "inline" {
  if (stringParam(params, "inline_message_id")) return "inline";
  const chatId = requireChat(params);
  const messageId = integerParam(params, "message_id");
  if (messageId === undefined) throw badRequest("message identifier is not specified");
  const message = bot.message(chatId, messageId);
  if (!message) throw badRequest("message to edit not found");
  return message;
}

const sameMarkup = (a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

function saveEdit(bot: FakeBotState, edited: Message): Message {
  edited.edit_date = Math.floor(Date.now() / 1000);
  bot.remember(edited);
  return edited;
}

// An edit without reply_markup removes the inline keyboard, as on Telegram.
function editMessageText(bot: FakeBotState, params: Params): Message | true {
  const text = messageText(params);
  const markup = inlineKeyboard(params.reply_markup);
  const target = editTarget(bot, params);
  if (target === "inline") return true;
  if (target.text === undefined) throw badRequest("there is no text in the message to edit");
  if (target.text === text && sameMarkup(target.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return saveEdit(bot, { ...target, text, reply_markup: markup });
}

function editMessageCaption(bot: FakeBotState, params: Params): Message | true {
  const caption = captionText(params);
  const markup = inlineKeyboard(params.reply_markup);
  const target = editTarget(bot, params);
  if (target === "inline") return true;
  if (target.text !== undefined) throw badRequest("there is no caption in the message to edit");
  if (target.caption === caption && sameMarkup(target.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return saveEdit(bot, { ...target, caption, reply_markup: markup });
}

function editMessageReplyMarkup(bot: FakeBotState, params: Params): Message | true {
  const markup = inlineKeyboard(params.reply_markup);
  const target = editTarget(bot, params);
  if (target === "inline") return true;
  if (sameMarkup(target.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return saveEdit(bot, { ...target, reply_markup: markup });
}

function deleteMessage(bot: FakeBotState, params: Params): Answer {
  const messageId = integerParam(params, "message_id");
  if (messageId === undefined || !bot.forget(requireChat(params), messageId))
    throw badRequest("message to delete not found");
  return answerOk(true);
}
