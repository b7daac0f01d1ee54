// Published outbox rows are kept OUTBOX_RETENTION_DAYS after publishing and then purged, across
// every tenant, in batches; unpublished rows never, and rows whose dedupe key still stops a
// reminder going out twice not before that reminder could no longer be offered.
import { adjustPoints, remindExpiringPoints } from "@maxl/api";
import { ConfigError } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkersConfig } from "../src/config.ts";
import { DEDUPED_OUTBOX_MIN_DAYS, purgeOutbox } from "../src/jobs/purge-outbox.ts";
import { createJobRegistry } from "../src/jobs/registry.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, type TestWorld } from "./support.ts";

const DAY = 86_400_000;

describe("OUTBOX_RETENTION_DAYS", () => {
  const complete = {
    DATABASE_URL: "postgresql://maxl_app:maxl_app@127.0.0.1:5432/maxloyalty",
    DATABASE_PLATFORM_URL: "postgresql://maxl_platform:maxl_platform@127.0.0.1:5432/maxloyalty",
    REDIS_URL: "redis://127.0.0.1:6379/0",
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  };

  it("is 7 days unless set, and any positive whole number of days when set", () => {
    expect(loadWorkersConfig(complete).retention.outboxDays).toBe(7);
    expect(loadWorkersConfig({ ...complete, OUTBOX_RETENTION_DAYS: "14" }).retention.outboxDays).toBe(14);
    for (const value of ["0", "-5", "1.5", "week", "3651"]) {
      expect(() => loadWorkersConfig({ ...complete, OUTBOX_RETENTION_DAYS: value })).toThrow(ConfigError);
    }
  });

  it("is what the nightly purge is scheduled with, on the maintenance queue", () => {
    const purge = createJobRegistry([], { outboxRetentionDays: 14 }).find((job) => job.name === "outbox.purge");
    expect(purge?.queue).toBe("maintenance");
    expect(purge?.schedule).toEqual({ pattern: "45 1 * * *", data: { retentionDays: 14 } });
  });
});

describe("purging the outbox", () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld();
  });
  afterAll(() => world.close());

  interface Row {
    name: string;
    /** days since it was published; null: not yet */
    publishedDaysAgo: number | null;
    createdDaysAgo?: number;
    deduped?: boolean;
  }

  /** Outbox rows as the verbs write them and the relay marks them, named by their payload. */
  async function writeRows(tenantId: string, rows: Row[]) {
    const now = Date.now();
    await world.db.withTenantClient(tenantId, (client) =>
      client.query(
        `INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at, published_at)
         SELECT app_current_tenant(), 'test.happened', jsonb_build_object('name', r.name),
                CASE WHEN r.deduped THEN 'test.happened:' || r.name END, r.created_at, r.published_at
           FROM jsonb_to_recordset($1::jsonb) AS r(name text, deduped boolean, created_at timestamptz, published_at timestamptz)`,
        [
          JSON.stringify(
            rows.map((row) => {
              const createdDaysAgo = row.createdDaysAgo ?? row.publishedDaysAgo ?? 0;
              return {
                name: row.name,
                deduped: row.deduped ?? false,
                created_at: new Date(now - createdDaysAgo * DAY).toISOString(),
                published_at:
                  row.publishedDaysAgo === null ? null : new Date(now - row.publishedDaysAgo * DAY).toISOString(),
              };
            }),
          ),
        ],
      ),
    );
  }

  async function remaining(tenantId: string) {
    const rows = await world.db.withTenantClient(tenantId, async (client) => {
      const result = await client.query<{ name: string }>(
        "SELECT payload->>'name' AS name FROM outbox_events ORDER BY payload->>'name'",
      );
      return result.rows;
    });
    return rows.map((row) => row.name);
  }

  it("deletes rows published longer ago than the window in every tenant, batch by batch, and keeps the rest", async () => {
    const first = await createLoyaltyTenant(world.db, {});
    const second = await createLoyaltyTenant(world.db, {});
    await writeRows(first.id, [
      { name: "a-published-400d", publishedDaysAgo: 400 },
      { name: "b-published-30d", publishedDaysAgo: 30 },
      { name: "c-published-8d", publishedDaysAgo: 8 },
      { name: "d-published-7.5d", publishedDaysAgo: 7.5 },
      { name: "e-published-6d", publishedDaysAgo: 6 },
      { name: "f-published-now-created-20d", publishedDaysAgo: 0, createdDaysAgo: 20 },
      { name: "g-unpublished-60d", publishedDaysAgo: null, createdDaysAgo: 60 },
      { name: "h-unpublished-1d", publishedDaysAgo: null, createdDaysAgo: 1 },
      { name: "i-deduped-published-30d", publishedDaysAgo: 30, deduped: true },
      { name: "j-deduped-published-92d", publishedDaysAgo: DEDUPED_OUTBOX_MIN_DAYS + 1, deduped: true },
      { name: "k-deduped-published-400d", publishedDaysAgo: 400, deduped: true },
    ]);
    // Another business: nothing of it is due.
    await writeRows(second.id, [
      { name: "a-published-6d", publishedDaysAgo: 6 },
      { name: "b-unpublished-30d", publishedDaysAgo: null, createdDaysAgo: 30 },
      { name: "c-deduped-published-30d", publishedDaysAgo: 30, deduped: true },
    ]);
    const runtime = runtimeWith(world, []);
    const job = purgeOutbox(7);
    const purge = async () =>
      (await job.handle(job.schema.parse({ retentionDays: 7, batchSize: 2 }), jobDepsOf(world, runtime))) as {
        deleted: number;
      };
    try {
      // At least ours (other suites' rows may be due too), in batches of two.
      expect((await purge()).deleted).toBeGreaterThanOrEqual(6);
      const kept = [
        "e-published-6d",
        "f-published-now-created-20d",
        "g-unpublished-60d",
        "h-unpublished-1d",
        "i-deduped-published-30d",
      ];
      expect(await remaining(first.id)).toEqual(kept);
      expect(await remaining(second.id)).toEqual(["a-published-6d", "b-unpublished-30d", "c-deduped-published-30d"]);

      // Nothing left that is due: a second run deletes nothing of theirs.
      await purge();
      expect(await remaining(first.id)).toEqual(kept);
      expect(await remaining(second.id)).toEqual(["a-published-6d", "b-unpublished-30d", "c-deduped-published-30d"]);
    } finally {
      await runtime.close();
    }
  });

  it("does not let an expiry reminder go out twice once its row is past the window", async () => {
    const tenant = await createLoyaltyTenant(world.db, { pointsLifetimeDays: 120 });
    await world.db.withTenant(tenant.id, (tx) =>
      tx.loyaltyProgram.update({ where: { tenantId: tenant.id }, data: { expiryReminderDays: 60 } }),
    );
    const guestId = await tenant.newGuest();
    const now = Date.now();
    // Earned 100 days ago with a 120-day lifetime: expires in 20 days.
    await adjustPoints(
      { ...world.engine, clock: () => new Date(now - 100 * DAY) },
      {
        tenantId: tenant.id,
        actor: { source: "admin" },
        idempotencyKey: `reminder-${tenant.id}`,
        input: { guestId, points: 100, reason: "welcome back" },
      },
    );
    const reminders = () =>
      world.db.withTenantClient(tenant.id, async (client) => {
        const { rows } = await client.query<{ id: string }>(
          "SELECT id::text FROM outbox_events WHERE type = 'points.expiring' ORDER BY id",
        );
        return rows.map((row) => row.id);
      });
    // Reminded ten days ago (the lot was then 30 days from expiring), and published then.
    expect(await remindExpiringPoints({ ...world.engine, clock: () => new Date(now - 10 * DAY) }, tenant.id)).toBe(1);
    const sent = await reminders();
    await world.platformDb.pool.query(
      "UPDATE outbox_events SET published_at = $2 WHERE tenant_id = $1 AND type = 'points.expiring'",
      [tenant.id, new Date(now - 10 * DAY)],
    );

    const runtime = runtimeWith(world, []);
    const job = purgeOutbox(7);
    try {
      await job.handle(job.schema.parse({ retentionDays: 7 }), jobDepsOf(world, runtime));
    } finally {
      await runtime.close();
    }
    // The lot still expires within the reminder window: the kept key stops a second reminder.
    expect(await remindExpiringPoints(world.engine, tenant.id)).toBe(0);
    expect(await reminders()).toEqual(sent);
  });
});
