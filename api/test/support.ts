// Builds the real application against the test database and Redis, with its own Redis key
// prefix so rate-limit counters never leak between tests.
import { randomUUID } from "node:crypto";
import { createDb, createSecretBox, type Db } from "@maxl/db";
import { testServices } from "@maxl/db/testing";
import { type AppType, createApp } from "../src/app.ts";
import { type ApiConfig, loadApiConfig } from "../src/config.ts";
import { createLogger } from "../src/runtime/logger.ts";
import { createRedis, type Redis, redisReady } from "../src/runtime/redis.ts";

export interface TestApp {
  app: AppType;
  config: ApiConfig;
  db: Db;
  redis: Redis;
  /** the prefix of every Redis key this app writes */
  redisPrefix: string;
  close(): Promise<void>;
}

/** Fixed, so a test can seal a bot token the app it builds will read. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 42).toString("base64");

export const testEnv = (): Record<string, string> => {
  const services = testServices();
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: services.appUrl,
    REDIS_URL: services.redisUrl,
    APP_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    JWT_SECRET: "test-jwt-secret-test-jwt-secret-0123456789",
    CORS_ORIGINS: "http://localhost:5173",
  };
};

export interface TestAppOptions {
  env?: Record<string, string>;
  db?: Db;
  redis?: Redis;
  /** share rate-limit counters with another test app */
  redisPrefix?: string;
  clock?: () => Date;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadApiConfig({ ...testEnv(), ...options.env });
  const db = options.db ?? createDb({ url: config.database.url });
  const redis = options.redis ?? createRedis({ url: config.redis.url, kind: "command", name: "api-test" });
  await redisReady(redis);
  const redisPrefix = options.redisPrefix ?? `test:${randomUUID()}`;
  const app = createApp({
    config,
    logger: createLogger({ service: "api-test", level: "silent" }),
    db,
    redis,
    secrets: createSecretBox(config.encryptionKey),
    redisPrefix,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    app,
    config,
    db,
    redis,
    redisPrefix,
    async close() {
      await db.close();
      redis.disconnect();
    },
  };
}
