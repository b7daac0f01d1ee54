// The bot's webhook as Telegram sees it (getWebhookInfo), for the owner's bot page: is our address
// set, or none, or someone else's (e.g. a developer's tunnel left behind), how many updates wait,
// and the last delivery error Telegram recorded. "Set it again" repeats what the bot process does
// at start-up, with the same address and secret, for when the webhook was lost or replaced.

import type { SecretBox } from "@maxl/db";
import { secretContext } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { Actor, EngineDeps } from "../context.ts";

export interface BotWebhookDeps {
  telegramApiRoot: string;
  secrets: SecretBox;
  /** BOT_WEBHOOK_BASE_URL: where Telegram should call; null when the bot uses long polling */
  webhookBaseUrl: string | null;
}

export type WebhookStatus = "set" | "missing" | "other" | "polling";

export interface BotWebhookView {
  /** set: our address; missing: none; other: another address; polling: the bot needs none */
  status: WebhookStatus;
  expectedUrl: string | null;
  /** the address Telegram has, or null for none */
  url: string | null;
  pendingUpdateCount: number;
  lastErrorAt: string | null;
  lastErrorMessage: string | null;
}

/** getWebhookInfo's result, as https://core.telegram.org/bots/api#webhookinfo describes it. */
interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

interface TelegramAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
}

/** The address the bot process sets: <BOT_WEBHOOK_BASE_URL>/telegram/<bot id> (bot/src/registry.ts). */
export function webhookUrlFor(baseUrl: string, botId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/telegram/${botId}`;
}

async function loadBot(engine: EngineDeps, deps: BotWebhookDeps, tenantId: string) {
  const row = await engine.db.withTenant(tenantId, (tx) => tx.botConnection.findUnique({ where: { tenantId } }));
  if (!row) throw new ServiceError("NOT_FOUND", "No bot is connected.", { key: "bot-not-connected" });
  const botId = row.botId.toString();
  return {
    botId,
    token: deps.secrets.decrypt(row.tokenCiphertext, secretContext.botToken(tenantId)),
    secretCiphertext: row.webhookSecretCiphertext,
    expectedUrl: deps.webhookBaseUrl ? webhookUrlFor(deps.webhookBaseUrl, botId) : null,
  };
}

async function askTelegram<T>(
  deps: BotWebhookDeps,
  token: string,
  method: string,
  body?: object,
): Promise<TelegramAnswer<T>> {
  try {
    const response = await fetch(`${deps.telegramApiRoot}/bot${token}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(10_000),
    });
    return (await response.json()) as TelegramAnswer<T>;
  } catch {
    throw new ServiceError("UNAVAILABLE", "Telegram could not be reached. Try again in a minute.", {
      key: "telegram-unreachable",
    });
  }
}

function revoked(answer: TelegramAnswer<unknown>): boolean {
  return answer.error_code === 401 || answer.error_code === 404;
}

const tokenRevoked = () =>
  new ServiceError(
    "CONFLICT",
    "Telegram no longer accepts this bot's token (it was revoked in @BotFather?). Connect the bot again with a new token.",
    { key: "bot-token-revoked" },
  );

function viewOf(info: WebhookInfo, expectedUrl: string | null): BotWebhookView {
  const url = info.url === "" ? null : info.url;
  const status: WebhookStatus =
    expectedUrl === null
      ? url === null
        ? "polling"
        : "other"
      : url === null
        ? "missing"
        : url === expectedUrl
          ? "set"
          : "other";
  return {
    status,
    expectedUrl,
    url,
    pendingUpdateCount: info.pending_update_count,
    lastErrorAt: info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : null,
    lastErrorMessage: info.last_error_message ?? null,
  };
}

export async function botWebhookState(
  engine: EngineDeps,
  deps: BotWebhookDeps,
  tenantId: string,
): Promise<BotWebhookView> {
  const bot = await loadBot(engine, deps, tenantId);
  const answer = await askTelegram<WebhookInfo>(deps, bot.token, "getWebhookInfo");
  if (revoked(answer)) throw tokenRevoked();
  if (!answer.ok || !answer.result) {
    throw new ServiceError("UNAVAILABLE", "Telegram could not be reached. Try again in a minute.", {
      key: "telegram-unreachable",
    });
  }
  return viewOf(answer.result, bot.expectedUrl);
}

/** Sets our webhook again (address and secret as the bot process sets them), audited. */
export async function resetBotWebhook(
  engine: EngineDeps,
  deps: BotWebhookDeps,
  request: { tenantId: string; actor: Actor },
): Promise<BotWebhookView> {
  const { tenantId } = request;
  const bot = await loadBot(engine, deps, tenantId);
  if (!bot.expectedUrl) {
    throw new ServiceError(
      "CONFLICT",
      "This platform runs the bots with long polling (no BOT_WEBHOOK_BASE_URL), so there is no webhook to set.",
      { key: "bot-webhook-polling" },
    );
  }
  // allowed_updates is left out: Telegram then keeps the list the bot process set.
  const answer = await askTelegram<boolean>(deps, bot.token, "setWebhook", {
    url: bot.expectedUrl,
    secret_token: deps.secrets.decrypt(bot.secretCiphertext, secretContext.botWebhookSecret(tenantId)),
  });
  if (revoked(answer)) throw tokenRevoked();
  if (!answer.ok) {
    const reason = answer.description ?? "unknown reason";
    throw new ServiceError("CONFLICT", `Telegram refused to set the webhook: ${reason}`, {
      key: "bot-webhook-refused",
      vars: { reason },
    });
  }
  await engine.db.withTenant(tenantId, (tx) =>
    recordAction(
      tx,
      tenantId,
      request.actor,
      "bot.webhook_reset",
      "bot",
      bot.botId,
      { url: bot.expectedUrl },
      {
        at: engine.clock(),
      },
    ),
  );
  return botWebhookState(engine, deps, tenantId);
}
