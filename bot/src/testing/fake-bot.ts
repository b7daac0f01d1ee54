// What Telegram keeps for one bot: its pending updates, the messages in each chat (so edits and
// deletes can fail the way they do for real), the webhook, and the failures a test injected.
import type { Chat, Message, Update, User, UserFromGetMe } from "grammy/types";
import type { UpdateDraft } from "./update-builders.ts";

export interface FakeWebhook {
  readonly url: string;
  readonly secret_token?: string;
  readonly max_connections?: number;
  readonly allowed_updates?: readonly string[];
}

export interface RateLimit {
  /** Seconds Telegram tells the bot to wait, in `parameters.retry_after`. */
  retryAfter: number;
  /** How many of the next deliveries to the chat are refused. */
  times: number;
}

const unixNow = () => Math.floor(Date.now() / 1000);

export class FakeBotState {
  readonly user: User;
  webhook: FakeWebhook | undefined;
  readonly blocked = new Set<number>();
  readonly rateLimits = new Map<number, RateLimit>();

  private pending: Update[] = [];
  private lastUpdateId = 0;
  private readonly wakeUps = new Set<() => void>();
  private closed = false;
  private readonly messages = new Map<number, Map<number, Message>>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly users = new Map<number, User>();
  private readonly openQueries = new Set<string>();

  constructor(
    readonly token: string,
    readonly info: UserFromGetMe,
  ) {
    this.user = { id: info.id, is_bot: true, first_name: info.first_name, username: info.username };
  }

  // --- updates -------------------------------------------------------------------------------

  /** Numbers the update and its new messages, and remembers what it shows the bot. */
  prepare(draft: UpdateDraft): Update {
    const update: Update = { ...structuredClone(draft), update_id: ++this.lastUpdateId };
    const query = update.callback_query;
    for (const message of [update.message, update.edited_message, query?.message]) {
      if (!message) continue;
      if (message.message_id === 0) message.message_id = this.nextMessageId(message.chat.id);
      else
        this.lastMessageId.set(
          message.chat.id,
          Math.max(message.message_id, this.lastMessageId.get(message.chat.id) ?? 0),
        );
      if (message.from && !message.from.is_bot) this.users.set(message.from.id, message.from);
    }
    if (query) {
      this.users.set(query.from.id, query.from);
      this.openQueries.add(query.id);
      if (query.message && query.message.date !== 0) {
        query.message.from ??= this.user;
        this.remember(query.message);
      }
    }
    for (const message of [update.message, update.edited_message]) if (message) this.remember(message);
    return update;
  }

  push(draft: UpdateDraft): Update {
    const update = this.prepare(draft);
    this.pending.push(update);
    for (const wake of [...this.wakeUps]) wake();
    return update;
  }

  /**
   * getUpdates' offset: a positive one confirms every update before it, a negative one keeps
   * only the last |offset| updates.
   */
  confirm(offset: number): void {
    if (offset > 0) this.pending = this.pending.filter((update) => update.update_id >= offset);
    else if (offset < 0) this.pending = this.pending.slice(offset);
  }

  peek(limit: number): Update[] {
    return this.pending.slice(0, limit);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  dropPending(): void {
    this.pending = [];
  }

  /** Resolves when an update is pushed, after `seconds`, when the poll is abandoned, or on close. */
  waitForUpdates(seconds: number, signal: AbortSignal): Promise<void> {
    if (this.closed || seconds <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUps.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, seconds * 1000);
      this.wakeUps.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    for (const wake of [...this.wakeUps]) wake();
  }

  // --- chats and messages --------------------------------------------------------------------

  chat(chatId: number): Chat {
    if (chatId < 0) return { id: chatId, type: chatId < -1e12 ? "supergroup" : "group", title: `Group ${-chatId}` };
    const user = this.users.get(chatId);
    return {
      id: chatId,
      type: "private",
      first_name: user?.first_name ?? "Guest",
      ...(user?.last_name ? { last_name: user.last_name } : {}),
      ...(user?.username ? { username: user.username } : {}),
    };
  }

  nextMessageId(chatId: number): number {
    const next = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, next);
    return next;
  }

  /** A message the bot sends now: next id in the chat, from the bot, dated now. */
  newMessage(chatId: number): Message {
    return { message_id: this.nextMessageId(chatId), from: this.user, chat: this.chat(chatId), date: unixNow() };
  }

  remember(message: Message): void {
    const chat = this.messages.get(message.chat.id) ?? new Map<number, Message>();
    chat.set(message.message_id, message);
    this.messages.set(message.chat.id, chat);
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(chatId)?.get(messageId);
  }

  /** The newest message in the chat still there, whoever sent it. */
  lastMessage(chatId: number): Message | undefined {
    const chat = [...(this.messages.get(chatId)?.values() ?? [])];
    return chat.sort((a, b) => a.message_id - b.message_id).at(-1);
  }

  forget(chatId: number, messageId: number): boolean {
    return this.messages.get(chatId)?.delete(messageId) ?? false;
  }

  /** A callback query can be answered once; after that Telegram calls its id invalid. */
  answerQuery(id: string): boolean {
    return this.openQueries.delete(id);
  }
}
