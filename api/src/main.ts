// The API process: configuration, start-up checks with readable failures, the HTTP server, and
// a graceful stop on SIGTERM/SIGINT (in-flight requests finish, then connections close).
import { serve } from "@hono/node-server";
import { createDb, createSecretBox, verifyDatabase } from "@maxl/db";
import { createApp } from "./app.ts";
import { loadApiConfig } from "./config.ts";
import { createLogger } from "./runtime/logger.ts";
import { createRedis, redisReady, verifyRedis } from "./runtime/redis.ts";
import { runService } from "./runtime/service.ts";

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const logger = createLogger({
    service: "api",
    level: config.logLevel,
    pretty: config.nodeEnv === "development" && process.stdout.isTTY,
  });
  await verifyDatabase({ url: config.database.url, variable: "DATABASE_URL", role: "maxl_app" });
  await verifyRedis(config.redis.url);

  const db = createDb({
    url: config.database.url,
    applicationName: "maxloyalty-api",
    onPoolError: (error) => logger.warn({ err: error }, "postgres connection lost"),
  });
  const redis = createRedis({ url: config.redis.url, kind: "command", name: "api", logger });
  await redisReady(redis);
  const app = createApp({ config, logger, db, redis, secrets: createSecretBox(config.encryptionKey) });

  const server = serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host }, (info) => {
    logger.info({ port: info.port, host: config.http.host }, `API listening on http://localhost:${info.port}`);
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE" ? `port ${config.http.port} is already in use (set PORT to another)` : error.message;
    logger.fatal(`cannot start the HTTP server: ${reason}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    server.close(async () => {
      await Promise.allSettled([db.close(), redis.quit()]);
      logger.info("stopped");
      process.exit(0);
    });
    // Keep-alive connections would hold close() open; give requests 10 s, then go.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

runService("api", main);
