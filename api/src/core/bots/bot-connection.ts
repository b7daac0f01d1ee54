// Connecting a tenant's own bot: the owner pastes the token from @BotFather; Telegram's getMe
// proves it (and gives the bot's id and username), the token is sealed, and the bot process is
// told through Redis to pick the change up without a restart.
import { randomBytes } from "node:crypto";
import { isUniqueViolation, type SecretBox, secretContext } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { Actor, EngineDeps } from "../context.ts";

/** The Redis channel the bot process listens on; the message is the tenant id. */
export function botChangesChannel(redisPrefix: string): string {
  return `${redisPrefix}:bots:changed`;
}

export interface BotIdentity {
  botId: string;
  username: string;
  connectedAt: string;
}

const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,}$/;

interface GetMeAnswer {
  ok: boolean;
  result?: { id: number; is_bot: boolean; username?: string };
  description?: string;
}

async function getMe(apiRoot: string, token: string): Promise<{ id: number; username: string }> {
  let answer: GetMeAnswer;
  try {
    const response = await fetch(`${apiRoot}/bot${token}/getMe`, { signal: AbortSignal.timeout(10_000) });
    answer = (await response.json()) as GetMeAnswer;
  } catch {
    throw new ServiceError("UNAVAILABLE", "Telegram could not be reached to check the token. Try again in a minute.", {
      key: "bot-telegram-unreachable",
    });
  }
  if (!answer.ok || !answer.result?.is_bot || !answer.result.username) {
    throw new ServiceError("VALIDATION", "Telegram does not accept this token. Copy it again from @BotFather.", {
      key: "bot-token-refused",
      fields: [{ path: "token", message: "not accepted by Telegram" }],
    });
  }
  return { id: answer.result.id, username: answer.result.username };
}

export interface ConnectBotRequest {
  tenantId: string;
  actor: Actor;
  token: string;
  telegramApiRoot: string;
  secrets: SecretBox;
}

export async function connectBot(deps: EngineDeps, request: ConnectBotRequest): Promise<BotIdentity> {
  const token = request.token.trim();
  if (!TOKEN.test(token)) {
    throw new ServiceError("VALIDATION", 'A bot token looks like "123456789:AA..." — copy it from @BotFather.', {
      key: "bot-token-malformed",
      fields: [{ path: "token", message: "not a bot token" }],
    });
  }
  const me = await getMe(request.telegramApiRoot, token);
  const { tenantId } = request;
  const at = deps.clock();
  const data = {
    botId: BigInt(me.id),
    botUsername: me.username,
    tokenCiphertext: request.secrets.encrypt(token, secretContext.botToken(tenantId)),
    // A fresh secret with every connection: Telegram sends it back on each webhook call.
    webhookSecretCiphertext: request.secrets.encrypt(
      randomBytes(32).toString("base64url"),
      secretContext.botWebhookSecret(tenantId),
    ),
    isActive: true,
    connectedAt: at,
  };
  try {
    await deps.db.withTenant(tenantId, async (tx) => {
      await tx.botConnection.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
      await tx.auditLogEntry.create({
        data: {
          tenantId,
          createdAt: at,
          actorKind: "staff",
          actorStaffId: request.actor.staffId ?? null,
          action: "bot.connect",
          entityType: "bot",
          entityId: String(me.id),
          ip: request.actor.ip ?? null,
          userAgent: request.actor.userAgent ?? null,
          changes: { username: me.username },
        },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ServiceError(
        "CONFLICT",
        "This bot is already connected to another business. Create a new bot with @BotFather.",
        { key: "bot-taken" },
      );
    }
    throw error;
  }
  await deps.redis.publish(botChangesChannel(deps.settings.redisPrefix), tenantId).catch(() => 0);
  return { botId: String(me.id), username: me.username, connectedAt: at.toISOString() };
}

export async function disconnectBot(deps: EngineDeps, request: { tenantId: string; actor: Actor }): Promise<void> {
  const at = deps.clock();
  const removed = await deps.db.withTenant(request.tenantId, async (tx) => {
    const existing = await tx.botConnection.findUnique({ where: { tenantId: request.tenantId } });
    if (!existing) return false;
    await tx.botConnection.delete({ where: { tenantId: request.tenantId } });
    await tx.auditLogEntry.create({
      data: {
        tenantId: request.tenantId,
        createdAt: at,
        actorKind: "staff",
        actorStaffId: request.actor.staffId ?? null,
        action: "bot.disconnect",
        entityType: "bot",
        entityId: existing.botId.toString(),
        ip: request.actor.ip ?? null,
        userAgent: request.actor.userAgent ?? null,
      },
    });
    return true;
  });
  if (!removed) throw new ServiceError("NOT_FOUND", "No bot is connected.", { key: "bot-not-connected" });
  await deps.redis.publish(botChangesChannel(deps.settings.redisPrefix), request.tenantId).catch(() => 0);
}

export async function botConnectionStatus(deps: EngineDeps, tenantId: string): Promise<BotIdentity | null> {
  const connection = await deps.db.withTenant(tenantId, (tx) => tx.botConnection.findUnique({ where: { tenantId } }));
  if (!connection) return null;
  return {
    botId: connection.botId.toString(),
    username: connection.botUsername,
    connectedAt: connection.connectedAt.toISOString(),
  };
}
