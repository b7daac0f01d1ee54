// Telegram's Bot API as far as connecting a bot needs it: getMe, answered in Telegram's own
// format (200 with the bot for a token it knows, 401 "Unauthorized" for any other, 404 for other
// methods). Listens on 127.0.0.1 at a free port; point TELEGRAM_API_ROOT at `url`.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeBot {
  id: number;
  username: string;
  firstName: string;
}

export interface FakeTelegram {
  url: string;
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
  const server = createServer((request, response) => {
    // Drain any body (POST getMe may send one) before answering.
    request.resume();
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
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
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
