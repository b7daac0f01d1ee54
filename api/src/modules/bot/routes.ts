// The tenant's own Telegram bot: which one is connected, connect or replace it with a token from
// @BotFather, disconnect it, see its webhook as Telegram does and set it again. Owners and admins
// only: the token speaks for the business. The token goes in and is sealed by the verb; no
// answer, problem or log line ever carries it back.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  botConnectionStatus,
  type ConnectBotRequest,
  connectBot,
  disconnectBot,
} from "../../core/bots/bot-connection.ts";
import { type BotWebhookDeps, botWebhookState, resetBotWebhook } from "../../core/bots/bot-webhook.ts";
import type { EngineDeps } from "../../core/context.ts";
import { requireStaff, staffOf } from "../../http/caller.ts";
import type { TrustedProxies } from "../../http/client-ip.ts";
import type { AppEnv } from "../../http/context.ts";
import { errorResponses, problemResponse, staffSecurity } from "../../http/openapi.ts";
import { problem, validationHook } from "../../http/problem.ts";

/** What connecting needs besides the request: where Telegram is asked, the key that seals, and
 * where the webhook should point. */
export type BotConnectionDeps = Pick<ConnectBotRequest, "telegramApiRoot" | "secrets"> & BotWebhookDeps;

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

const webhookSchema = z
  .object({
    status: z.enum(["set", "missing", "other", "polling"]).openapi({
      description:
        "set: Telegram calls our address; missing: no webhook; other: a different address; polling: the platform runs bots with long polling and needs none",
    }),
    expectedUrl: z.string().nullable().openapi({ description: "Our address for this bot; null with long polling" }),
    url: z.string().nullable().openapi({ description: "The address Telegram has; null for none" }),
    pendingUpdateCount: z.number().int().openapi({ description: "Updates Telegram holds, not yet delivered" }),
    lastErrorAt: z.string().nullable().openapi({ description: "When Telegram last failed to deliver an update" }),
    lastErrorMessage: z.string().nullable().openapi({ description: "Telegram's words for that failure (English)" }),
  })
  .openapi("BotWebhook");

const webhookRoute = createRoute({
  method: "get",
  path: "/api/v1/bot/webhook",
  tags: ["bot"],
  summary: "The connected bot's webhook as Telegram reports it (getWebhookInfo)",
  security: staffSecurity,
  middleware: [requireStaff("bot.manage")] as const,
  responses: {
    200: { description: "The webhook's state", content: { "application/json": { schema: webhookSchema } } },
    404: problemResponse("No bot is connected"),
    409: problemResponse("Telegram no longer accepts the bot's token"),
    ...errorResponses,
    503: problemResponse("Telegram could not be reached"),
  },
});

const resetWebhookRoute = createRoute({
  method: "post",
  path: "/api/v1/bot/webhook",
  tags: ["bot"],
  summary: "Set the bot's webhook again, to our address and secret (audited as bot.webhook_reset)",
  security: staffSecurity,
  middleware: [requireStaff("bot.manage")] as const,
  responses: {
    200: { description: "Set; the webhook's new state", content: { "application/json": { schema: webhookSchema } } },
    404: problemResponse("No bot is connected"),
    409: problemResponse("Long polling (no webhook to set), a revoked token, or Telegram refused the address"),
    ...errorResponses,
    503: problemResponse("Telegram could not be reached"),
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
          messageKey: "bot-not-connected",
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
    })
    .openapi(webhookRoute, async (c) => {
      const { tenantId } = staffOf(c, "admin", trustProxy);
      return c.json(await botWebhookState(engine, connection, tenantId), 200);
    })
    .openapi(resetWebhookRoute, async (c) => {
      const { tenantId, ...actor } = staffOf(c, "admin", trustProxy);
      return c.json(await resetBotWebhook(engine, connection, { tenantId, actor }), 200);
    });
}
