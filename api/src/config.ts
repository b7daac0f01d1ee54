// The API's configuration, parsed once at start-up from the environment (see .env.example and
// docs/configuration.md). Nothing else in the API reads process.env.
import { encryptionKeySchema } from "@maxl/db";
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";
import { billingEnv, billingSettingsFromEnv } from "./core/billing/settings.ts";
import { trustedProxiesFrom } from "./http/client-ip.ts";

/**
 * The engine's tunables, read by every process that runs its verbs (API, bot, workers) so a QR
 * code or a quote lasts as long whichever of them issued it.
 */
export const engineEnv = {
  QR_TOKEN_TTL_SECONDS: env.positiveInt.min(15).max(600).default(60),
  GUEST_CODE_TTL_SECONDS: env.positiveInt.min(60).max(3600).default(300),
  QUOTE_HOLD_TTL_SECONDS: env.positiveInt.min(30).max(3600).default(300),
  CASHIER_REFUND_WINDOW_MINUTES: env.nonNegativeInt.max(24 * 60).default(30),
};

type EngineEnv = { [Key in keyof typeof engineEnv]: z.infer<(typeof engineEnv)[Key]> };

export function engineSettingsFromEnv(raw: EngineEnv) {
  return {
    qrTtlSeconds: raw.QR_TOKEN_TTL_SECONDS,
    codeTtlSeconds: raw.GUEST_CODE_TTL_SECONDS,
    holdTtlSeconds: raw.QUOTE_HOLD_TTL_SECONDS,
    cashierRefundWindowMinutes: raw.CASHIER_REFUND_WINDOW_MINUTES,
  };
}

const apiEnv = z
  .object({
    NODE_ENV: env.nodeEnv.default("development"),
    LOG_LEVEL: env.logLevel.default("info"),
    PORT: env.port.default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: env.postgresUrl,
    REDIS_URL: env.redisUrl,
    APP_ENCRYPTION_KEY: encryptionKeySchema,
    CORS_ORIGINS: env.list.default([]),
    BODY_LIMIT_BYTES: env.positiveInt.max(50 * 1024 * 1024).default(1_048_576),
    RATE_LIMIT_PER_MINUTE: env.positiveInt.default(100),
    // The largest request a POS may send to /api/v1/pos/* (a check, or an iiko batch of events).
    POS_BODY_LIMIT_BYTES: env.positiveInt.max(10 * 1024 * 1024).default(262_144),
    // Which reverse proxies may name the client in X-Forwarded-For: false (none), true (the
    // immediate peer), or their addresses and CIDR ranges (api/src/http/client-ip.ts).
    TRUST_PROXY: z
      .string()
      .default("false")
      .transform((value, ctx) => {
        try {
          return trustedProxiesFrom(value);
        } catch {
          ctx.addIssue({
            code: "custom",
            message: "must be true, false, or comma-separated proxy addresses and CIDR ranges",
          });
          return z.NEVER;
        }
      }),
    JWT_SECRET: z.string().min(32, { message: "must be at least 32 characters (openssl rand -base64 48)" }),
    INIT_DATA_MAX_AGE_SECONDS: env.positiveInt.default(3600),
    // The admin view's address: invitation and password links point at it.
    ADMIN_URL: env.httpUrl.default("http://localhost:5173/admin/"),
    // How long an admin-view session lasts without being used (each refresh extends it).
    REFRESH_TOKEN_DAYS: env.positiveInt.max(90).default(14),
    // Wrong passwords in a row before an account is locked (for a minute, doubling to an hour).
    LOGIN_LOCK_AFTER: env.positiveInt.max(100).default(5),
    // Session cookies marked Secure (https only); on by default in production.
    COOKIE_SECURE: env.flag.optional(),
    // Where connecting a bot checks its token with getMe; tests point it at a fake.
    TELEGRAM_API_ROOT: env.httpUrl.default("https://api.telegram.org"),
    // The bot process's public address (the same variable as the bot's): the bot page compares
    // Telegram's webhook with <BOT_WEBHOOK_BASE_URL>/telegram/<bot id>. Unset: long polling.
    BOT_WEBHOOK_BASE_URL: env.httpUrl.optional(),
    ...engineEnv,
    ...billingEnv,
  })
  .transform((raw) => ({
    nodeEnv: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    http: {
      port: raw.PORT,
      host: raw.HOST,
      corsOrigins: raw.CORS_ORIGINS,
      bodyLimitBytes: raw.BODY_LIMIT_BYTES,
      trustProxy: raw.TRUST_PROXY,
    },
    rateLimit: { perMinute: raw.RATE_LIMIT_PER_MINUTE },
    pos: { bodyLimitBytes: raw.POS_BODY_LIMIT_BYTES },
    database: { url: raw.DATABASE_URL },
    redis: { url: raw.REDIS_URL },
    encryptionKey: raw.APP_ENCRYPTION_KEY,
    auth: {
      jwtSecret: raw.JWT_SECRET,
      initDataMaxAgeSeconds: raw.INIT_DATA_MAX_AGE_SECONDS,
      adminUrl: raw.ADMIN_URL,
      refreshTokenDays: raw.REFRESH_TOKEN_DAYS,
      loginLockAfter: raw.LOGIN_LOCK_AFTER,
      cookieSecure: raw.COOKIE_SECURE ?? raw.NODE_ENV === "production",
    },
    telegramApiRoot: raw.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    botWebhookBaseUrl: raw.BOT_WEBHOOK_BASE_URL?.replace(/\/+$/, "") ?? null,
    engine: engineSettingsFromEnv(raw),
    // YooKassa (docs/billing.md); without YOOKASSA_SHOP_ID billing is off and its routes answer 503
    billing: billingSettingsFromEnv(raw, raw.ADMIN_URL),
  }));

export type ApiConfig = z.infer<typeof apiEnv>;

export function loadApiConfig(source: Record<string, string | undefined>): ApiConfig {
  return parseEnv(apiEnv, source);
}
