// The workers process: start-up checks, the BullMQ runtime, the outbox relay, the first run of
// maintenance, and a graceful stop on SIGTERM/SIGINT that lets in-flight work finish.
import { createEngineDeps, createLogger, createRedis, redisReady, runService, verifyRedis } from "@maxl/api";
import { createI18n, createNotifier } from "@maxl/bot";
import { createDb, createPlatformDb, createSecretBox, verifyDatabase } from "@maxl/db";
import { createBillingNotificationRelay } from "./billing/notification-relay.ts";
import { loadWorkersConfig } from "./config.ts";
import { eventConsumers } from "./events/consumers.ts";
import { dashboardRollupSweep } from "./jobs/dashboard-rollup.ts";
import { ensureLedgerPartitions } from "./jobs/ensure-ledger-partitions.ts";
import { createJobRegistry } from "./jobs/registry.ts";
import { createOutboxRelay } from "./outbox/relay.ts";
import { createPosInboxRelay } from "./pos/inbox-relay.ts";
import { queueNames } from "./queues.ts";
import { createWorkerRuntime } from "./runtime.ts";

async function main(): Promise<void> {
  const config = loadWorkersConfig(process.env);
  const logger = createLogger({
    service: "workers",
    level: config.logLevel,
    pretty: config.nodeEnv === "development" && process.stdout.isTTY,
  });
  await verifyDatabase({ url: config.database.url, variable: "DATABASE_URL", role: "maxl_app" });
  await verifyDatabase({ url: config.database.platformUrl, variable: "DATABASE_PLATFORM_URL", role: "maxl_platform" });
  await verifyRedis(config.redis.url);

  const onPoolError = (error: Error) => logger.warn({ err: error }, "postgres connection lost");
  const platformDb = createPlatformDb({ url: config.database.platformUrl, onPoolError });
  const db = createDb({
    url: config.database.url,
    applicationName: "maxloyalty-workers",
    poolSize: config.dbPoolSize,
    onPoolError,
  });
  const redis = createRedis({ url: config.redis.url, kind: "command", name: "workers-engine", logger });
  await redisReady(redis);
  const engine = createEngineDeps({ db, redis, settings: config.engine });
  const secrets = createSecretBox(config.encryptionKey);
  const notifier = createNotifier({
    apiRoot: config.telegramApiRoot,
    secrets,
    i18n: createI18n(),
    redis,
    redisPrefix: engine.settings.redisPrefix,
    logger,
  });

  const runtime = createWorkerRuntime({
    redisUrl: config.redis.url,
    jobs: createJobRegistry(eventConsumers({ notifier, telegramApiRoot: config.telegramApiRoot }), {
      auditRetentionDays: config.audit.retentionDays,
      posEventRetentionDays: config.retention.posEventDays,
      outboxRetentionDays: config.retention.outboxDays,
      billing: { settings: config.billing },
      broadcasts: {
        sender: { send: (target, message) => notifier.sendBroadcast(target, message) },
        lanes: config.broadcastLanes,
      },
    }),
    deps: { platformDb, engine, secrets, logger },
    concurrency: {
      [queueNames.maintenance]: config.concurrency.maintenance,
      [queueNames.events]: config.concurrency.events,
      [queueNames.loyalty]: config.concurrency.loyalty,
      [queueNames.pos]: config.concurrency.pos,
      [queueNames.billing]: config.concurrency.billing,
      [queueNames.broadcasts]: config.concurrency.broadcasts,
    },
    lockDurationMs: config.lockDurationMs,
    prefix: config.bullPrefix,
    logger,
  });
  await runtime.start();
  // Partitions are needed before the first entry of a month, not at the next 00:30 UTC.
  await runtime.enqueue(ensureLedgerPartitions.name, ensureLedgerPartitions.schedule?.data);
  // The dashboard's rollups catch up now rather than at the next minute (a first run can be long).
  await runtime.enqueue(dashboardRollupSweep.name, dashboardRollupSweep.schedule?.data);
  const relay = createOutboxRelay({ pool: platformDb.pool, publisher: runtime, logger, ...config.outbox });
  relay.start();
  const posRelay = createPosInboxRelay({
    pool: platformDb.pool,
    listenUrl: config.database.platformUrl,
    publisher: runtime,
    logger,
    ...config.posRelay,
  });
  posRelay.start();
  const billingRelay = createBillingNotificationRelay({ pool: platformDb.pool, publisher: runtime, logger });
  billingRelay.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the relay's pass and running jobs");
    // The relay first: it publishes through the runtime's producer.
    await Promise.all([relay.stop(), posRelay.stop(), billingRelay.stop()]);
    await runtime.close();
    await Promise.allSettled([platformDb.close(), db.close(), redis.quit()]);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

runService("workers", main);
