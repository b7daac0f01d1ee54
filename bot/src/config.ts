// The bot process's configuration, parsed once at start-up (see .env.example).
import { engineEnv, engineSettingsFromEnv } from "@maxl/api";
import { encryptionKeySchema } from "@maxl/db";
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";

const botEnv = z
  .object({
    NODE_ENV: env.nodeEnv.default("development"),
    LOG_LEVEL: env.logLevel.default("info"),
    DATABASE_URL: env.postgresUrl,
    DATABASE_PLATFORM_URL: env.postgresUrl,
    REDIS_URL: env.redisUrl,
    APP_ENCRYPTION_KEY: encryptionKeySchema,
    BOT_MODE: z.enum(["polling", "webhook"]).default("polling"),
    BOT_PORT: env.port.default(3100),
    BOT_HOST: z.string().min(1).default("0.0.0.0"),
    // The public https address Telegram calls: <BOT_WEBHOOK_BASE_URL>/telegram/<bot id>.
    BOT_WEBHOOK_BASE_URL: env.httpUrl.optional(),
    TELEGRAM_API_ROOT: env.httpUrl.default("https://api.telegram.org"),
    MINIAPP_URL: env.httpUrl.default("http://localhost:5173"),
    PRIVACY_POLICY_URL: env.httpUrl.default("https://maxloyalty.ru/privacy"),
    BOT_RECONCILE_SECONDS: env.positiveInt.max(3600).default(60),
    ...engineEnv,
  })
  .refine((raw) => raw.BOT_MODE !== "webhook" || raw.BOT_WEBHOOK_BASE_URL !== undefined, {
    message: "is required when BOT_MODE=webhook",
    path: ["BOT_WEBHOOK_BASE_URL"],
  })
  .transform((raw) => ({
    nodeEnv: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    database: { url: raw.DATABASE_URL, platformUrl: raw.DATABASE_PLATFORM_URL },
    redis: { url: raw.REDIS_URL },
    encryptionKey: raw.APP_ENCRYPTION_KEY,
    mode: raw.BOT_MODE,
    http: { port: raw.BOT_PORT, host: raw.BOT_HOST },
    webhookBaseUrl: raw.BOT_WEBHOOK_BASE_URL?.replace(/\/+$/, "") ?? null,
    telegramApiRoot: raw.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    miniAppUrl: raw.MINIAPP_URL.replace(/\/+$/, ""),
    privacyPolicyUrl: raw.PRIVACY_POLICY_URL,
    reconcileSeconds: raw.BOT_RECONCILE_SECONDS,
    engine: engineSettingsFromEnv(raw),
  }));

export type BotConfig = z.infer<typeof botEnv>;

export function loadBotConfig(source: Record<string, string | undefined>): BotConfig {
  return parseEnv(botEnv, source);
}
