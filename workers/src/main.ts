// The workers process: start-up checks, the BullMQ runtime, the first run of maintenance, and a
// graceful stop on SIGTERM/SIGINT that lets in-flight jobs finish.
import { createLogger, verifyRedis } from "@maxl/api";
import { createPlatformDb, StartupError, verifyDatabase } from "@maxl/db";
import { ConfigError } from "@maxl/shared";
import { loadWorkersConfig } from "./config.ts";
import { ensureLedgerPartitions } from "./jobs/ensure-ledger-partitions.ts";
import { jobRegistry } from "./jobs/registry.ts";
import { queueNames } from "./queues.ts";
import { createWorkerRuntime } from "./runtime.ts";

async function main(): Promise<void> {
  const config = loadWorkersConfig(process.env);
  const logger = createLogger({
    service: "workers",
    level: config.logLevel,
    pretty: config.nodeEnv === "development" && process.stdout.isTTY,
  });
  await verifyDatabase({ url: config.database.platformUrl, variable: "DATABASE_PLATFORM_URL", role: "maxl_platform" });
  await verifyRedis(config.redis.url);

  const platformDb = createPlatformDb({
    url: config.database.platformUrl,
    onPoolError: (error) => logger.warn({ err: error }, "postgres connection lost"),
  });
  const runtime = createWorkerRuntime({
    redisUrl: config.redis.url,
    jobs: jobRegistry,
    deps: { platformDb, logger },
    concurrency: { [queueNames.maintenance]: config.concurrency.maintenance },
    logger,
  });
  await runtime.start();
  // Partitions are needed before the first entry of a month, not at the next 00:30 UTC.
  await runtime.enqueue(ensureLedgerPartitions.name, ensureLedgerPartitions.schedule?.data);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: waiting for running jobs");
    await runtime.close();
    await platformDb.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    console.error(`workers: ${error.message}`);
  } else {
    console.error("workers: failed to start", error);
  }
  process.exit(1);
});
