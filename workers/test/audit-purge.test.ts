// The audit log is kept AUDIT_RETENTION_DAYS and then purged, across every tenant, in batches.
import { ConfigError } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkersConfig } from "../src/config.ts";
import { purgeAuditLog } from "../src/jobs/purge-audit-log.ts";
import { createJobRegistry } from "../src/jobs/registry.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

const DAY = 86_400_000;

describe("AUDIT_RETENTION_DAYS", () => {
  const complete = {
    DATABASE_URL: "postgresql://maxl_app:maxl_app@127.0.0.1:5432/maxloyalty",
    DATABASE_PLATFORM_URL: "postgresql://maxl_platform:maxl_platform@127.0.0.1:5432/maxloyalty",
    REDIS_URL: "redis://127.0.0.1:6379/0",
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  };

  it("is 90 days unless set, and any positive whole number of days when set", () => {
    expect(loadWorkersConfig(complete).audit.retentionDays).toBe(90);
    expect(loadWorkersConfig({ ...complete, AUDIT_RETENTION_DAYS: "30" }).audit.retentionDays).toBe(30);
  });

  it("refuses zero, negative, fractional and non-numbers", () => {
    for (const value of ["0", "-5", "1.5", "ninety"]) {
      expect(() => loadWorkersConfig({ ...complete, AUDIT_RETENTION_DAYS: value })).toThrow(ConfigError);
    }
  });

  it("is what the nightly purge is scheduled with", () => {
    const purge = createJobRegistry([], { auditRetentionDays: 30 }).find((job) => job.name === "audit.purge");
    expect(purge?.schedule).toEqual({ pattern: "15 1 * * *", data: { retentionDays: 30 } });
  });
});

describe("purging the audit log", () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld();
  });
  afterAll(() => world.close());

  async function writeEntries(tenantId: string, ages: number[]) {
    const now = world.clock.now ?? new Date();
    await world.db.withTenant(tenantId, (tx) =>
      tx.auditLogEntry.createMany({
        data: ages.map((days, n) => ({
          tenantId,
          createdAt: new Date(now.getTime() - days * DAY),
          actorKind: "system" as const,
          action: "test.entry",
          entityType: "test",
          entityId: `${days}d-${n}`,
        })),
      }),
    );
  }

  async function remaining(tenantId: string) {
    const rows = await world.db.withTenant(tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { tenantId }, select: { entityId: true }, orderBy: { id: "asc" } }),
    );
    return rows.map((row) => row.entityId);
  }

  it("deletes entries older than the window in every tenant, batch by batch, and keeps the younger", async () => {
    world.clock.now = new Date("2026-06-01T01:15:00Z");
    const first = await createLoyaltyTenant(world.db, {});
    const second = await createLoyaltyTenant(world.db, {});
    await writeEntries(first.id, [400, 120, 91, 91, 90.5, 89, 1]);
    await writeEntries(second.id, [95, 30]);
    const runtime = runtimeWith(world, []);
    try {
      const job = purgeAuditLog(90);
      const result = (await job.handle(
        job.schema.parse({ retentionDays: 90, batchSize: 2 }),
        jobDepsOf(world, runtime),
      )) as {
        deleted: number;
        cutoff: string;
      };
      expect(result.cutoff).toBe("2026-03-03T01:15:00.000Z");
      expect(result.deleted).toBeGreaterThanOrEqual(6);
      expect(await remaining(first.id)).toEqual(["89d-5", "1d-6"]);
      expect(await remaining(second.id)).toEqual(["30d-1"]);

      // Nothing left to purge: a second run deletes nothing of theirs.
      await job.handle({ retentionDays: 90, batchSize: 2 }, jobDepsOf(world, runtime));
      expect(await remaining(first.id)).toEqual(["89d-5", "1d-6"]);
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });
});
