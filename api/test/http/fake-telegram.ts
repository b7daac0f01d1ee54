// Telegram's Bot API as far as connecting a bot and its webhook need it: getMe, getWebhookInfo
// and setWebhook, answered in Telegram's own format (200 with the result for a token it knows,
// 401 "Unauthorized" for any other, 404 for other methods; getWebhookInfo's WebhookInfo with
// `url: ""` when none is set and the optional members only when they have a value, as
// https://core.telegram.org/bots/api#getwebhookinfo shows). Listens on 127.0.0.1 at a free port;
// point TELEGRAM_API_ROOT at `url`.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeBot {
  id: number;
  username: string;
  firstName: string;
}

/** What Telegram knows of a bot's webhook; a test sets delivery trouble with `webhookTrouble`. */
export interface FakeWebhookState {
  url: string;
  secretToken?: string;
  pendingUpdateCount: number;
  /** unix seconds, as Telegram reports it */
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface FakeTelegram {
  url: string;
  /** the webhook Telegram holds for a token (url "" when none) */
  webhookOf(token: string): FakeWebhookState;
  /** as if Telegram had failed to deliver: updates waiting and its last error */
  webhookTrouble(token: string, trouble: Partial<FakeWebhookState>): void;
  /** a bot Telegram knows; the answer is a token for it, shaped like @BotFather's */
  addBot(bot: FakeBot): string;
  /** "getMe" for each call received, in order */
  readonly calls: string[];
  close(): Promise<void>;
}

/** A fresh @BotFather-shaped token for a bot id (the id is the part before the colon). */
export function botTokenFor(botId: number): string {
  return `${botId}:AA${randomBytes(24).toString("base64url")}`;
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const bots = new Map<string, FakeBot>();
  const calls: string[] = [];
  const webhooks = new Map<string, FakeWebhookState>();
  const webhookOf = (token: string) => {
    const known = webhooks.get(token) ?? { url: "", pendingUpdateCount: 0 };
    webhooks.set(token, known);
    return known;
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(request.url ?? "/", "http://fake").pathname);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "Content-Type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (!match || (request.method !== "GET" && request.method !== "POST")) {
        return send(404, { ok: false, error_code: 404, description: "Not Found" });
      }
      const [, token = "", method = ""] = match;
      calls.push(method);
      const bot = bots.get(token);
      if (!bot) return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
      if (method === "getWebhookInfo") return send(200, { ok: true, result: webhookInfo(webhookOf(token)) });
      if (method === "setWebhook") {
        const params = readParams(request.headers["content-type"], Buffer.concat(chunks).toString("utf8"));
        const url = typeof params.url === "string" ? params.url : "";
        if (url !== "" && !url.startsWith("https://")) {
          return send(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
          });
        }
        const webhook = webhookOf(token);
        const unchanged = webhook.url === url;
        webhook.url = url;
        if (typeof params.secret_token === "string") webhook.secretToken = params.secret_token;
        else delete webhook.secretToken;
        return send(200, {
          ok: true,
          result: true,
          description: unchanged ? "Webhook is already set" : "Webhook was set",
        });
      }
      if (method !== "getMe") return send(404, { ok: false, error_code: 404, description: "Not Found" });
      return send(200, {
        ok: true,
        result: {
          id: bot.id,
          is_bot: true,
          first_name: bot.firstName,
          username: bot.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        },
      });
    });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    addBot(bot) {
      const token = botTokenFor(bot.id);
      bots.set(token, bot);
      return token;
    },
    calls,
    webhookOf,
    webhookTrouble(token, trouble) {
      Object.assign(webhookOf(token), trouble);
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** WebhookInfo as Telegram answers it: optional members appear only when they have a value. */
function webhookInfo(webhook: FakeWebhookState) {
  return {
    url: webhook.url,
    has_custom_certificate: false,
    pending_update_count: webhook.pendingUpdateCount,
    ...(webhook.url ? { max_connections: 40, ip_address: "203.0.113.10" } : {}),
    ...(webhook.lastErrorDate ? { last_error_date: webhook.lastErrorDate } : {}),
    ...(webhook.lastErrorMessage ? { last_error_message: webhook.lastErrorMessage } : {}),
  };
}

/** A Bot API call's parameters: JSON, urlencoded, or none. */
function readParams(contentType: string | undefined, body: string): Record<string, unknown> {
  if (body === "") return {};
  if (contentType?.startsWith("application/json")) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

/** An address where nothing listens: a port the system handed out and that was closed again. */
export async function closedTelegramUrl(): Promise<string> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}
