// A fake Telegram Bot API on 127.0.0.1 for tests. grammY reaches it through `apiRoot` exactly as it
// reaches api.telegram.org, so auto-retry, the throttler and the bot's own error handling meet
// Telegram's real answers (401 for an unknown token, 429 with retry_after, 403 from a user who
// blocked the bot, 409 for getUpdates beside a webhook) without a network.
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Message, Update, UserFromGetMe } from "grammy/types";
import { Hono } from "hono";
import { type Answer, answerError, answerMethod } from "./bot-api-methods.ts";
import { FakeBotState, type FakeWebhook, type RateLimit } from "./fake-bot.ts";
import { type Params, readParams } from "./request-params.ts";
import type { UpdateDraft } from "./update-builders.ts";

export type { FakeWebhook, RateLimit } from "./fake-bot.ts";
export type { Params, UploadedFile } from "./request-params.ts";

export interface BotApiCall {
  readonly token: string;
  /** As the client spelled it (Telegram's method names are case-insensitive). */
  readonly method: string;
  /** Decoded from query, JSON, urlencoded or multipart; an upload appears as an UploadedFile. */
  readonly params: Params;
  readonly at: Date;
  /** What the fake answered; absent while the call is still open (a long poll). */
  response?: Answer["body"];
}

export interface AddBotOptions {
  token: string;
  /** Defaults to the number before the colon in the token, as on Telegram. */
  id?: number;
  username?: string;
  firstName?: string;
}

/** One registered bot, with the token-taking helpers of FakeTelegram bound to it. */
export interface FakeBot {
  readonly token: string;
  readonly info: UserFromGetMe;
  readonly webhook: FakeWebhook | undefined;
  /** The newest message in the chat, e.g. the one a test presses an inline button on. */
  lastMessage(chatId: number): Message | undefined;
  pushUpdate(update: UpdateDraft): Update;
  prepareUpdate(update: UpdateDraft): Update;
  rateLimit(chatId: number, limit: RateLimit): void;
  block(chatId: number): void;
  unblock(chatId: number): void;
}

export interface FakeTelegram {
  /** For `new Bot(token, { client: { apiRoot } })`; no trailing slash, as grammY requires. */
  readonly apiRoot: string;
  /** Every call that reached a /bot<token>/<method> URL, in arrival order, known token or not. */
  readonly calls: readonly BotApiCall[];
  addBot(options: AddBotOptions): FakeBot;
  /** Queues an update for getUpdates, numbering it and any message_id 0 in it. */
  pushUpdate(token: string, update: UpdateDraft): Update;
  /**
   * Numbers an update and remembers its messages and callback query without queuing it, for
   * tests that hand it to `bot.handleUpdate` themselves: the bot's edits and answers then succeed
   * as they would on Telegram.
   */
  prepareUpdate(token: string, update: UpdateDraft): Update;
  /** The next `times` deliveries to the chat answer 429 with `retry_after`. */
  rateLimit(token: string, chatId: number, limit: RateLimit): void;
  /** Every delivery to the chat answers 403, as after the user blocked the bot. */
  block(token: string, chatId: number): void;
  unblock(token: string, chatId: number): void;
  /** The webhook last set with setWebhook, until deleteWebhook. */
  webhookOf(token: string): FakeWebhook | undefined;
  callsTo(method: string, token?: string): BotApiCall[];
  lastCall(method: string, token?: string): BotApiCall | undefined;
  clearCalls(): void;
  /**
   * The earliest answered call to `method` matching `predicate` that no earlier waitForCall
   * returned, waiting for it if need be: replies are sent asynchronously, and may be answered
   * before the test starts waiting. It resolves once the fake has answered the call, so the
   * call's `response` and the fake's state already reflect it.
   */
  waitForCall(method: string, predicate?: (call: BotApiCall) => boolean, timeoutMs?: number): Promise<BotApiCall>;
  close(): Promise<void>;
}

export interface FakeTelegramOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Upper bound on a getUpdates long poll; Telegram's own is 50 s. */
  maxPollSeconds?: number;
}

type CallWaiter = (call: BotApiCall) => boolean;

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const bots = new Map<string, FakeBotState>();
  const calls: BotApiCall[] = [];
  const handedOut = new WeakSet<BotApiCall>();
  const waiters = new Set<CallWaiter>();
  let lastFileId = 0;
  const newFileId = () => `AgACAgIAAxkDAAFake${String(++lastFileId).padStart(8, "0")}`;
  const maxPollSeconds = options.maxPollSeconds ?? 50;

  const app = new Hono();
  app.all("/:botToken/:method", async (c) => {
    const segment = c.req.param("botToken");
    if (!segment.startsWith("bot")) return reply(answerError(404, "Not Found"));
    const token = segment.slice("bot".length);
    const method = c.req.param("method");
    let params: Params;
    try {
      params = await readParams(c.req.raw, newFileId);
    } catch {
      return reply(answerError(400, "Bad Request: can't parse request body"));
    }
    const call: BotApiCall = { token, method, params, at: new Date() };
    calls.push(call);
    const bot = bots.get(token);
    const answer = bot
      ? await answerMethod(method, { bot, params, signal: c.req.raw.signal, newFileId, maxPollSeconds })
      : answerError(401, "Unauthorized");
    call.response = answer.body;
    for (const waiter of waiters) if (waiter(call)) break;
    return reply(answer);
  });
  app.notFound(() => reply(answerError(404, "Not Found")));
  // A bug in the fake should fail the test with its message. Not as a 500: auto-retry would
  // retry that forever.
  app.onError((error) => reply(answerError(400, `Bad Request: the fake Telegram failed: ${error.message}`)));

  const server = createServer(getRequestListener(app.fetch, { overrideGlobalObjects: false }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("The fake Telegram is not listening on a TCP port");
  const { port } = address;

  const botOf = (token: string): FakeBotState => {
    const bot = bots.get(token);
    if (!bot) throw new Error(`The fake Telegram has no bot with token ${token}; call addBot first`);
    return bot;
  };

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    addBot({ token, id, username, firstName }) {
      if (bots.has(token)) throw new Error(`A bot with token ${token} is already registered`);
      const botId = id ?? Number(token.split(":")[0]);
      if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error(`Cannot take a bot id from token ${token}`);
      const info: UserFromGetMe = {
        id: botId,
        is_bot: true,
        first_name: firstName ?? "Test Bot",
        username: username ?? `test_${botId}_bot`,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
        has_topics_enabled: false,
        allows_users_to_create_topics: false,
        can_manage_bots: false,
        supports_join_request_queries: false,
      };
      const state = new FakeBotState(token, info);
      bots.set(token, state);
      return {
        token,
        info,
        get webhook() {
          return state.webhook;
        },
        lastMessage: (chatId) => state.lastMessage(chatId),
        pushUpdate: (update) => fake.pushUpdate(token, update),
        prepareUpdate: (update) => fake.prepareUpdate(token, update),
        rateLimit: (chatId, limit) => fake.rateLimit(token, chatId, limit),
        block: (chatId) => fake.block(token, chatId),
        unblock: (chatId) => fake.unblock(token, chatId),
      };
    },
    pushUpdate: (token, update) => botOf(token).push(update),
    prepareUpdate: (token, update) => botOf(token).prepare(update),
    rateLimit(token, chatId, { retryAfter, times }) {
      botOf(token).rateLimits.set(chatId, { retryAfter, times });
    },
    block(token, chatId) {
      botOf(token).blocked.add(chatId);
    },
    unblock(token, chatId) {
      botOf(token).blocked.delete(chatId);
    },
    webhookOf: (token) => botOf(token).webhook,
    callsTo: (method, token) =>
      calls.filter((call) => call.method === method && (token === undefined || call.token === token)),
    lastCall: (method, token) => fake.callsTo(method, token).at(-1),
    clearCalls() {
      calls.splice(0);
    },
    waitForCall(method, predicate = () => true, timeoutMs = 5_000) {
      const matches = (call: BotApiCall) =>
        call.method === method && call.response !== undefined && !handedOut.has(call) && predicate(call);
      const arrived = calls.find(matches);
      if (arrived) {
        handedOut.add(arrived);
        return Promise.resolve(arrived);
      }
      return new Promise((resolve, reject) => {
        const waiter: CallWaiter = (call) => {
          if (!matches(call)) return false;
          handedOut.add(call);
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(call);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map((call) => call.method).join(", ") || "none";
          reject(new Error(`No matching ${method} call within ${timeoutMs} ms; calls so far: ${seen}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const bot of bots.values()) bot.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

function reply(answer: Answer): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { "content-type": "application/json" },
  });
}
