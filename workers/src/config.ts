// The workers' configuration, parsed once at start-up (see .env.example).
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";

const workersEnv = z
  .object({
    NODE_ENV: env.nodeEnv.default("development"),
    LOG_LEVEL: env.logLevel.default("info"),
    DATABASE_PLATFORM_URL: env.postgresUrl,
    REDIS_URL: env.redisUrl,
    WORKER_CONCURRENCY_MAINTENANCE: env.positiveInt.max(100).default(1),
  })
  .transform((raw) => ({
    nodeEnv: raw.NODE_ENV,
    logLevel: raw.LOG_LEVEL,
    database: { platformUrl: raw.DATABASE_PLATFORM_URL },
    redis: { url: raw.REDIS_URL },
    concurrency: { maintenance: raw.WORKER_CONCURRENCY_MAINTENANCE },
  }));

export type WorkersConfig = z.infer<typeof workersEnv>;

export function loadWorkersConfig(source: Record<string, string | undefined>): WorkersConfig {
  return parseEnv(workersEnv, source);
}
