// pnpm bench: migrates a fresh benchmark database (<DATABASE name>_bench), runs every suite, prints
// the table and saves it as bench/results/latest.{md,json}. BENCH_SECONDS sets each measurement's
// duration (default 5). BENCH_SUITES runs only the named suites, comma-separated, out of
// unit-of-work, accruals, pos, miniapp, dashboard (e.g. BENCH_SUITES=dashboard); such a partial
// run is saved as latest-<suites>.{md,json}, so it never replaces the full run's figures.
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  createApp,
  createEngineDeps,
  createIntegration,
  createIntegrationInputSchema,
  createLogger,
  createRedis,
  issueStaffToken,
  loadApiConfig,
  redisReady,
} from "@maxl/api";
import { createDb, createSecretBox, secretContext } from "@maxl/db";
import { createTestTenant, resetTestDatabase, testServices } from "@maxl/db/testing";
import pg from "pg";
import { uuidv7 } from "uuidv7";
import { type Budget, type Comparison, renderBudgets, renderTable, saveResults } from "./src/report.ts";
import { accrualSuite } from "./src/suites/accruals.ts";
import { dashboardSuite } from "./src/suites/dashboard.ts";
import { miniAppSuite } from "./src/suites/miniapp.ts";
import { posIngestionSuite } from "./src/suites/pos-ingestion.ts";
import { unitOfWorkSuite } from "./src/suites/unit-of-work.ts";

const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const suiteNames = ["unit-of-work", "accruals", "pos", "miniapp", "dashboard"] as const;
const chosen = process.env.BENCH_SUITES?.split(",").map((name) => name.trim()) ?? [...suiteNames];
const unknown = chosen.filter((name) => !(suiteNames as readonly string[]).includes(name));
if (unknown.length > 0) {
  throw new Error(`BENCH_SUITES: no suite named ${unknown.join(", ")} (${suiteNames.join(", ")})`);
}
const runs = (suite: (typeof suiteNames)[number]) => chosen.includes(suite);
const baseName = new URL(process.env.DATABASE_ADMIN_URL ?? "postgresql://x/maxloyalty").pathname.slice(1);
const services = testServices({
  ...process.env,
  TEST_DATABASE_NAME: process.env.BENCH_DATABASE_NAME ?? `${baseName}_bench`,
  TEST_REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/13",
});

console.log("bench: preparing a fresh benchmark database");
await resetTestDatabase(services);
const db = createDb({ url: services.appUrl, poolSize: 32 });
const pool = new pg.Pool({ connectionString: services.appUrl, max: 32 });
const redis = createRedis({ url: services.redisUrl, kind: "command", name: "bench" });
await redisReady(redis);
try {
  const tenant = await createTestTenant(db, "Bench tenant");
  const guestIds = Array.from({ length: 1000 }, () => uuidv7());
  const cashierId = uuidv7();
  await db.withTenant(tenant.id, async (tx) => {
    // A program like a real café's: three levels, so every accrual decides on its level.
    await tx.loyaltyProgram.create({ data: { tenantId: tenant.id } });
    await tx.level.createMany({
      data: [
        { tenantId: tenant.id, name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
        { tenantId: tenant.id, name: "Silver", rank: 1, thresholdMinor: 1_500_000n, earnRateBps: 700 },
        { tenantId: tenant.id, name: "Gold", rank: 2, thresholdMinor: 5_000_000n, earnRateBps: 1000 },
      ],
    });
    await tx.guest.createMany({
      data: guestIds.map((id, i) => ({ tenantId: tenant.id, id, firstName: `Guest ${i}` })),
    });
    await tx.staffUser.create({
      data: {
        tenantId: tenant.id,
        id: cashierId,
        email: `bench-${cashierId}@bench.test`,
        name: "Bench",
        role: "cashier",
      },
    });
  });
  const config = loadApiConfig({
    DATABASE_URL: services.appUrl,
    REDIS_URL: services.redisUrl,
    APP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    JWT_SECRET: randomBytes(48).toString("base64url"),
    RATE_LIMIT_PER_MINUTE: "1000000000",
    LOG_LEVEL: "silent",
  });
  const engine = createEngineDeps({ db, redis, settings: { redisPrefix: `bench:${randomUUID()}` } });
  const app = createApp({
    config,
    logger: createLogger({ service: "bench", level: "silent" }),
    db,
    redis,
    secrets: createSecretBox(config.encryptionKey),
    redisPrefix: engine.settings.redisPrefix,
  });
  // As POST /api/v1/auth/login would issue it; the bench's cashier is new, so generation 0.
  const staffToken = await issueStaffToken(
    { staffId: cashierId, tenantId: tenant.id, role: "cashier", generation: 0 },
    config.auth.jwtSecret,
    new Date(),
  );

  const comparisons: Comparison[] = [];
  const budgets: Budget[] = [];
  if (runs("unit-of-work")) {
    console.log(`bench: tenant unit of work (${durationMs / 1000} s per measurement)`);
    comparisons.push(await unitOfWorkSuite({ db, pool, tenantId: tenant.id, guestIds }, durationMs));
  }
  if (runs("accruals")) {
    console.log("bench: accruals");
    comparisons.push(
      ...(await accrualSuite({ engine, pool, app, tenantId: tenant.id, guestIds, staffToken }, durationMs)),
    );
  }

  if (runs("pos")) {
    const posChecks = Number(process.env.BENCH_POS_CHECKS ?? 20_000);
    console.log(`bench: POS ingestion (${posChecks} signed webhooks through the API and a workers process)`);
    const phones = Array.from({ length: 1000 }, (_, i) => ({
      guestId: uuidv7(),
      phone: `+7960${String(1_000_000 + i).padStart(7, "0")}`,
    }));
    await db.withTenant(tenant.id, (tx) =>
      tx.guest.createMany({
        data: phones.map(({ guestId, phone }) => ({ tenantId: tenant.id, id: guestId, phone, firstName: "POS guest" })),
      }),
    );
    const pos = await createIntegration(engine, createSecretBox(config.encryptionKey), {
      tenantId: tenant.id,
      actor: { source: "admin" },
      input: createIntegrationInputSchema.parse({ kind: "generic", name: "Bench POS" }),
    });
    comparisons.push(
      ...(await posIngestionSuite(
        {
          app,
          pool,
          adminUrl: services.adminUrl,
          tenantId: tenant.id,
          integrationId: pos.integrationId,
          secret: pos.secret,
          phones,
          checks: posChecks,
          concurrency: 64,
          workersEnv: {
            NODE_ENV: "production",
            LOG_LEVEL: "silent",
            DATABASE_URL: services.appUrl,
            DATABASE_PLATFORM_URL: services.platformUrl,
            REDIS_URL: services.redisUrl,
            APP_ENCRYPTION_KEY: config.encryptionKey.toString("base64"),
            TELEGRAM_API_ROOT: "http://127.0.0.1:9",
            BULL_PREFIX: `bench:${randomUUID()}`,
            WORKER_CONCURRENCY_POS: process.env.BENCH_POS_CONCURRENCY ?? "4",
            WORKER_DB_POOL_SIZE: "20",
          },
        },
        durationMs,
      )),
    );
  }

  if (runs("miniapp")) {
    console.log("bench: the Mini App's guest card in headless Chromium");
    // The Mini App's launch data is signed with the tenant's bot token, so the tenant gets a bot.
    const botToken = `7999000001:AAbench_${randomBytes(12).toString("hex")}`;
    const secrets = createSecretBox(config.encryptionKey);
    await db.withTenant(tenant.id, (tx) =>
      tx.botConnection.create({
        data: {
          tenantId: tenant.id,
          botId: 7_999_000_001n,
          botUsername: "bench_bot",
          tokenCiphertext: secrets.encrypt(botToken, secretContext.botToken(tenant.id)),
          webhookSecretCiphertext: secrets.encrypt("bench", secretContext.botWebhookSecret(tenant.id)),
        },
      }),
    );
    budgets.push(
      ...(await miniAppSuite({ fetch: (request) => app.fetch(request), tenantSlug: tenant.slug, botToken })),
    );
  }

  if (runs("dashboard")) {
    console.log("bench: the admin dashboard on a generated tenant with 1 000 000 ledger entries");
    budgets.push(...(await dashboardSuite({ engine, adminUrl: services.adminUrl })));
  }

  const table = [
    comparisons.length > 0 ? renderTable(comparisons) : "",
    budgets.length > 0 ? renderBudgets(budgets) : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  console.log(`\n${table}\n`);
  const partial = chosen.length < suiteNames.length;
  const saved = await saveResults(
    fileURLToPath(new URL("./results", import.meta.url)),
    comparisons,
    table,
    budgets,
    partial ? `latest-${chosen.join("-")}` : "latest",
  );
  console.log(`bench: saved ${saved}`);
} finally {
  await Promise.all([db.close(), pool.end()]);
  redis.disconnect();
}
