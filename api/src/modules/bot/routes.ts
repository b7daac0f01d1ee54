// The tenant's own Telegram bot: which one is connected, connect or replace it with a token from
// @BotFather, disconnect it. Owners and admins only: the token speaks for the business. The token
// goes in and is sealed by the verb; no answer, problem or log line ever carries it back.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  botConnectionStatus,
  type ConnectBotRequest,
  connectBot,
  disconnectBot,
} from "../../core/bots/bot-connection.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";

/** What connecting needs besides the request: where getMe is asked, and the key that seals. */
export type BotConnectionDeps = Pick<ConnectBotRequest, "telegramApiRoot" | "secrets">;

const botIdentitySchema = z.object({
  botId: z.string().openapi({ description: "Telegram's numeric id of the bot", example: "7000000001" }),
  username: z.string().openapi({ description: "The bot's @username, without the @", example: "demo_cafe_bot" }),
  connectedAt: z.string().openapi({ example: "2026-11-21T10:00:00.000Z" }),
});

const connectBodySchema = z.object({
  token: z
    .string({ error: "is required: the token @BotFather gave for the bot" })
    .max(200, { message: "is too long for a bot token" })
    .openapi({ description: "The bot's token from @BotFather", example: "7000000001:AAF..." }),
});

const statusRoute = createRoute({
  method: "get",
  path: "/api/v1/bot",
  tags: ["bot"],
  summary: "The tenant's connected Telegram bot",
  security: staffSecurity,
  middleware: [requireStaff("bot.manage")] as const,
  responses: {
    200: { description: "The connected bot", content: { "application/json": { schema: botIdentitySchema } } },
    404: problemResponse("No bot is connected"),
    ...errorResponses,
  },
});

const connectRoute = createRoute({
  method: "put",
  path: "/api/v1/bot",
  tags: ["bot"],
  summary: "Connect the tenant's Telegram bot, or replace it, with a token from @BotFather",
  security: staffSecurity,
  middleware: [requireStaff("bot.manage")] as const,
  request: { body: { required: true, content: { "application/json": { schema: connectBodySchema } } } },
  responses: {
    200: {
      description: "Connected; the bot starts answering within seconds",
      content: { "application/json": { schema: botIdentitySchema } },
    },
    409: problemResponse("This bot is already connected to another business"),
    ...errorResponses,
    422: problemResponse("Not a bot token, or Telegram does not accept it; `errors` names `token`"),
    503: problemResponse("Telegram could not be reached to check the token; try again"),
  },
});

const disconnectRoute = createRoute({
  method: "delete",
  path: "/api/v1/bot",
  tags: ["bot"],
  summary: "Disconnect the tenant's Telegram bot",
  security: staffSecurity,
  middleware: [requireStaff("bot.manage")] as const,
  responses: {
    204: { description: "Disconnected; the bot stops answering within seconds" },
    404: problemResponse("No bot is connected"),
    ...errorResponses,
  },
});

export function botRoutes(engine: EngineDeps, connection: BotConnectionDeps, trustProxy: TrustedProxies) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(statusRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      const bot = await botConnectionStatus(engine, tenantId);
      if (!bot) {
        return problem(c, {
          code: "NOT_FOUND",
          status: 404,
          detail: "No bot is connected. Connect one with PUT /api/v1/bot and the token from @BotFather.",
        });
      }
      return c.json(bot, 200);
    })
    .openapi(connectRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      const bot = await connectBot(engine, { tenantId, actor, token: c.req.valid("json").token, ...connection });
      return c.json(bot, 200);
    })
    .openapi(disconnectRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      await disconnectBot(engine, { tenantId, actor });
      return c.body(null, 204);
    });
}
