// The workers' configuration, parsed once at start-up (see .env.example).
import { billingEnv, billingSettingsFromEnv, engineEnv, engineSettingsFromEnv } from "@maxl/api";
import { encryptionKeySchema } from "@maxl/db";
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";

const workersEnv = z
  .object({
    NODE_ENV: env.nodeEnv.default("development"),
    LOG_LEVEL: env.logLevel.default("info"),
    DATABASE_URL: env.postgresUrl,
    DATABASE_PLATFORM_URL: env.postgresUrl,
    REDIS_URL: env.redisUrl,
    // opens the tenants' bot tokens, to send guest notifications from their own bots
    APP_ENCRYPTION_KEY: encryptionKeySchema,
    TELEGRAM_API_ROOT: env.httpUrl.default("https://api.telegram.org"),
    WORKER_CONCURRENCY_MAINTENANCE: env.positiveInt.max(100).default(1),
    WORKER_CONCURRENCY_EVENTS: env.positiveInt.max(100).default(5),
    WORKER_CONCURRENCY_LOYALTY: env.positiveInt.max(100).default(2),
    // POS batches processed at once; each runs up to 4 checks in parallel, each on a connection.
    WORKER_CONCURRENCY_POS: env.positiveInt.max(100).default(4),
    // YooKassa notifications and renewals settled at once; each waits on YooKassa's API.
    WORKER_CONCURRENCY_BILLING: env.positiveInt.max(100).default(2),
    // Broadcasts sent at once (each at its bot's pace), and messages in flight per broadcast.
    WORKER_CONCURRENCY_BROADCASTS: env.positiveInt.max(100).default(2),
    BROADCAST_LANES: env.positiveInt.max(30).default(4),
    // Connections to PostgreSQL (application role); keep it above 4 × WORKER_CONCURRENCY_POS.
    WORKER_DB_POOL_SIZE: env.positiveInt.max(200).default(20),
    // A job whose worker died is run again after this (BullMQ's lock duration).
    WORKER_LOCK_MS: env.positiveInt.min(1_000).max(600_000).default(30_000),
    // Keys of the queues in Redis; separate deployments (or tests) sharing a Redis use their own.
    BULL_PREFIX: z.string().min(1).max(100).default("maxl:bull"),
    POS_RELAY_BATCH_SIZE: env.positiveInt.max(1_000).default(200),
    POS_RELAY_POLL_MS: env.positiveInt.max(60_000).default(1_000),
    OUTBOX_POLL_MS: env.positiveInt.max(60_000).default(250),
    OUTBOX_BATCH_SIZE: env.positiveInt.max(1_000).default(100),
    // Audit log entries older than this many days are deleted every night.
    AUDIT_RETENTION_DAYS: env.positiveInt.max(3_650).default(90),
    // Finished POS events (processed, rejected, unattachable) older than this are deleted nightly.
    POS_EVENT_RETENTION_DAYS: env.positiveInt.max(3_650).default(30),
    // Outbox rows published more than this many days ago are deleted nightly.
    OUTBOX_RETENTION_DAYS: env.positiveInt.max(3_650).default(7),
    ...engineEnv,
    ...billingEnv,
  })
  .transform((raw) => ({
    nodeEnv: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    database: { url: raw.DATABASE_URL, platformUrl: raw.DATABASE_PLATFORM_URL },
    redis: { url: raw.REDIS_URL },
    encryptionKey: raw.APP_ENCRYPTION_KEY,
    telegramApiRoot: raw.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    concurrency: {
      maintenance: raw.WORKER_CONCURRENCY_MAINTENANCE,
      events: raw.WORKER_CONCURRENCY_EVENTS,
      loyalty: raw.WORKER_CONCURRENCY_LOYALTY,
      pos: raw.WORKER_CONCURRENCY_POS,
      billing: raw.WORKER_CONCURRENCY_BILLING,
      broadcasts: raw.WORKER_CONCURRENCY_BROADCASTS,
    },
    broadcastLanes: raw.BROADCAST_LANES,
    lockDurationMs: raw.WORKER_LOCK_MS,
    dbPoolSize: raw.WORKER_DB_POOL_SIZE,
    bullPrefix: raw.BULL_PREFIX,
    posRelay: { batchSize: raw.POS_RELAY_BATCH_SIZE, pollMs: raw.POS_RELAY_POLL_MS },
    outbox: { pollMs: raw.OUTBOX_POLL_MS, batchSize: raw.OUTBOX_BATCH_SIZE },
    audit: { retentionDays: raw.AUDIT_RETENTION_DAYS },
    retention: { posEventDays: raw.POS_EVENT_RETENTION_DAYS, outboxDays: raw.OUTBOX_RETENTION_DAYS },
    engine: engineSettingsFromEnv(raw),
    // without YOOKASSA_SHOP_ID the billing sweep does nothing (docs/billing.md)
    billing: billingSettingsFromEnv(raw),
  }));

export type WorkersConfig = z.infer<typeof workersEnv>;

export function loadWorkersConfig(source: Record<string, string | undefined>): WorkersConfig {
  return parseEnv(workersEnv, source);
}
