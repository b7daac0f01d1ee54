// The bot process: start-up checks, the registry of every tenant's bot, the HTTP server for
// webhooks and health, reconciling on the API's Redis announcements and on a timer, and a
// graceful stop that lets in-flight updates finish.
import { serve } from "@hono/node-server";
import {
  botChangesChannel,
  createEngineDeps,
  createLogger,
  createRedis,
  redisReady,
  runService,
  verifyRedis,
} from "@maxl/api";
import { createDb, createPlatformDb, createSecretBox, verifyDatabase } from "@maxl/db";
import { watchBotChanges } from "./bot-watcher.ts";
import { loadBotConfig } from "./config.ts";
import { createI18n } from "./i18n.ts";
import { createBotRegistry } from "./registry.ts";
import { createBotServer } from "./server.ts";

const REDIS_PREFIX = "maxl";

async function main(): Promise<void> {
  const config = loadBotConfig(process.env);
  const logger = createLogger({
    service: "bot",
    level: config.logLevel,
    pretty: config.nodeEnv === "development" && process.stdout.isTTY,
  });
  await verifyDatabase({ url: config.database.url, variable: "DATABASE_URL", role: "maxl_app" });
  await verifyDatabase({ url: config.database.platformUrl, variable: "DATABASE_PLATFORM_URL", role: "maxl_platform" });
  await verifyRedis(config.redis.url);

  const onPoolError = (error: Error) => logger.warn({ err: error }, "postgres connection lost");
  const db = createDb({ url: config.database.url, applicationName: "maxloyalty-bot", onPoolError });
  const platformDb = createPlatformDb({ url: config.database.platformUrl, onPoolError });
  const redis = createRedis({ url: config.redis.url, kind: "command", name: "bot", logger });
  // Waits out Redis outages and re-subscribes by itself; the timer covers messages missed meanwhile.
  const subscriber = createRedis({ url: config.redis.url, kind: "queue", name: "bot-changes", logger });
  await redisReady(redis);
  if (!config.miniAppUrl.startsWith("https://")) {
    logger.warn(
      { miniAppUrl: config.miniAppUrl },
      "MINIAPP_URL is not https: Telegram opens Mini Apps only over https, so the bots show no Mini App buttons",
    );
  }

  const registry = createBotRegistry({
    platformDb,
    secrets: createSecretBox(config.encryptionKey),
    deps: {
      engine: createEngineDeps({ db, redis, settings: { ...config.engine, redisPrefix: REDIS_PREFIX } }),
      i18n: createI18n(),
      logger,
      settings: { miniAppUrl: config.miniAppUrl, privacyPolicyUrl: config.privacyPolicyUrl },
    },
    redis,
    redisPrefix: REDIS_PREFIX,
    apiRoot: config.telegramApiRoot,
    mode: config.mode,
    webhookBaseUrl: config.webhookBaseUrl,
    logger,
  });

  const watcher = await watchBotChanges({
    registry,
    subscriber,
    channel: botChangesChannel(REDIS_PREFIX),
    everySeconds: config.reconcileSeconds,
    logger,
  });

  const app = createBotServer(registry, config.mode);
  const server = serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host }, (info) => {
    logger.info(
      { port: info.port, mode: config.mode, bots: registry.running().map((bot) => bot.username) },
      `bot process listening on http://localhost:${info.port}`,
    );
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE"
        ? `port ${config.http.port} is already in use (set BOT_PORT to another)`
        : error.message;
    logger.fatal(`cannot start the HTTP server: ${reason}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the updates in hand");
    setTimeout(() => process.exit(0), 15_000).unref();
    await watcher.stop();
    await subscriber.quit().catch(() => undefined);
    await registry.stop();
    server.close();
    await Promise.allSettled([db.close(), platformDb.close(), redis.quit()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

runService("bot", main);
