// Redis connections. Two kinds, for two jobs:
// - "command" connections fail fast while Redis is away (no offline queue), so a readiness probe
//   or a rate-limit check answers at once instead of hanging; they reconnect on their own.
// - "queue" connections are what BullMQ requires: commands wait for Redis to come back.
import { StartupError } from "@maxl/db";
import { Redis } from "ioredis";
import type { Logger } from "./logger.ts";

export type { Redis };

export interface RedisOptions {
  url: string;
  kind: "command" | "queue";
  name: string;
  logger?: Logger;
}

export function createRedis({ url, kind, name, logger }: RedisOptions): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
    ...(kind === "command"
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null, enableReadyCheck: false }),
  });
  // One line when the connection drops and one when it is back, rather than one per retry.
  let down = false;
  redis.on("error", (error) => {
    if (down) return;
    down = true;
    logger?.warn({ err: error, connection: name }, "redis connection lost; reconnecting");
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    logger?.info({ connection: name }, "redis connection restored");
  });
  return redis;
}

/** Resolves once the connection is ready: fail-fast connections refuse commands until then. */
export function redisReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new StartupError(`Redis did not become ready within ${timeoutMs} ms.`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}

/** Start-up check: Redis answers PING within five seconds, or a sentence saying what to do. */
export async function verifyRedis(url: string, variable = "REDIS_URL"): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  const target = describeRedisTarget(url);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      `Redis is not reachable at ${target} (${variable}): ${reason}. Start it with "docker compose up -d redis" or your system's service (see README, "PostgreSQL and Redis").`,
    );
  } finally {
    redis.disconnect();
  }
}

function describeRedisTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || "localhost"}:${parsed.port || "6379"}`;
}
