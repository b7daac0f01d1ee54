// What the workers' tests share: the real services as both roles, the engine's dependencies over
// a clock the test can move, runtimes on prefixes of their own, and a tenant with a program.
import { randomUUID } from "node:crypto";
import { createEngineDeps, createLogger, createRedis, type EngineDeps, redisReady } from "@maxl/api";
import { createDb, createPlatformDb, createSecretBox, type Db, type PlatformDb } from "@maxl/db";
import { createTestTenant, testServices } from "@maxl/db/testing";
import type { Job } from "bullmq";
import type { JobDeps, WorkerServices } from "../src/jobs/definition.ts";
import { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from "../src/runtime.ts";

export const services = testServices();
/** The same fixed key as the API's tests, so secrets sealed by one open in the other. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 42).toString("base64");
export const logger = createLogger({ service: "workers-test", level: "silent" });

export interface TestWorld extends WorkerServices {
  db: Db;
  /** what engine.clock() returns; null means the real time */
  clock: { now: Date | null };
  close(): Promise<void>;
}

export async function createTestWorld(): Promise<TestWorld> {
  const platformDb: PlatformDb = createPlatformDb({ url: services.platformUrl });
  const db = createDb({ url: services.appUrl });
  const redis = createRedis({ url: services.redisUrl, kind: "command", name: "workers-test" });
  await redisReady(redis);
  const clock: TestWorld["clock"] = { now: null };
  const engine: EngineDeps = createEngineDeps({
    db,
    redis,
    clock: () => clock.now ?? new Date(),
    settings: { redisPrefix: `test:${randomUUID()}` },
  });
  return {
    platformDb,
    db,
    engine,
    secrets: createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64")),
    logger,
    clock,
    async close() {
      await Promise.allSettled([platformDb.close(), db.close()]);
      redis.disconnect();
    },
  };
}

export function runtimeWith(
  world: WorkerServices,
  jobs: WorkerRuntimeOptions["jobs"],
  options: { prefix?: string; redisUrl?: string } = {},
): WorkerRuntime {
  return createWorkerRuntime({
    redisUrl: options.redisUrl ?? services.redisUrl,
    jobs,
    deps: { platformDb: world.platformDb, engine: world.engine, secrets: world.secrets, logger: world.logger },
    prefix: options.prefix ?? `test:${randomUUID()}`,
    logger,
  });
}

/** The deps a handler gets when the runtime runs it, for calling one handler directly. */
export function jobDepsOf(world: WorkerServices, runtime: WorkerRuntime): JobDeps {
  return { ...world, enqueue: runtime.enqueue, enqueueMany: runtime.enqueueMany };
}

export async function settled(job: Job, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === "completed" || state === "failed") return state;
    await sleep(50);
  }
  throw new Error(`job ${job.name} did not settle in ${timeoutMs} ms`);
}

export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await sleep(50);
    last = await probe();
  }
  return last;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LoyaltyTenant {
  id: string;
  bronzeLevelId: string;
  newGuest(fields?: { birthday?: Date }): Promise<string>;
  balance(guestId: string): Promise<number>;
}

/** A tenant with a loyalty program and one level, created through the application role. */
export async function createLoyaltyTenant(
  db: Db,
  program: {
    pointsLifetimeDays?: number;
    birthdayBonusPoints?: number;
    birthdayDaysBefore?: number;
    birthdayDaysAfter?: number;
  },
  options: { timeZone?: string; status?: "active" | "restricted" | "suspended" } = {},
): Promise<LoyaltyTenant> {
  const tenant = await createTestTenant(db, "Workers tenant");
  const tenantId = tenant.id;
  const bronzeLevelId = randomUUID();
  await db.withTenant(tenantId, async (tx) => {
    await tx.tenant.update({
      where: { id: tenantId },
      data: { timeZone: options.timeZone ?? "Europe/Moscow", status: options.status ?? "active" },
    });
    await tx.loyaltyProgram.create({ data: { tenantId, ...program } });
    await tx.level.create({
      data: { tenantId, id: bronzeLevelId, name: "Bronze", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
    });
  });
  return {
    id: tenantId,
    bronzeLevelId,
    async newGuest(fields = {}) {
      const id = randomUUID();
      await db.withTenant(tenantId, (tx) =>
        tx.guest.create({
          data: {
            tenantId,
            id,
            firstName: "Guest",
            levelId: bronzeLevelId,
            consentAt: new Date(),
            birthday: fields.birthday ?? null,
          },
        }),
      );
      return id;
    },
    async balance(guestId) {
      const guest = await db.withTenant(tenantId, (tx) =>
        tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } }),
      );
      return guest.balance;
    },
  };
}

/** Writes `count` events into a tenant's outbox as the application does; returns their ids. */
export async function writeOutboxEvents(db: Db, tenantId: string, count: number, type = "test.happened") {
  return db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO outbox_events (tenant_id, type, payload)
       SELECT app_current_tenant(), $1, jsonb_build_object('n', n) FROM generate_series(1, $2::int) AS n
       RETURNING id::text AS id`,
      [type, count],
    );
    return rows.map((row) => row.id);
  });
}
