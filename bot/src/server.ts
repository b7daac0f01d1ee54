// The bot process's HTTP side: Telegram's webhook calls, one path per bot, and a liveness probe.
// grammY's webhook adapter checks the X-Telegram-Bot-Api-Secret-Token header against the bot's
// own secret and answers 401 to anything else, so only Telegram can feed a bot updates.
import { Hono } from "hono";
import type { BotRegistry } from "./registry.ts";

export function createBotServer(registry: BotRegistry, mode: "polling" | "webhook") {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok", mode, bots: registry.running().length }))
    .post("/telegram/:botId{[0-9]{1,20}}", (c) => {
      const handle = registry.webhook(c.req.param("botId"));
      if (!handle) {
        return c.json(
          { type: "about:blank", title: "Not Found", status: 404, detail: "No bot with this id is served here." },
          404,
          { "content-type": "application/problem+json" },
        );
      }
      return handle(c);
    })
    .notFound((c) =>
      c.json({ type: "about:blank", title: "Not Found", status: 404 }, 404, {
        "content-type": "application/problem+json",
      }),
    );
}
