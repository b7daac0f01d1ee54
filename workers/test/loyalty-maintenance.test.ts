// Loyalty upkeep: the sweep queues each served tenant once per five-minute slot, and a tenant's
// maintenance expires due lots every time but runs the birthday and level part once per local
// day. The sweep and the maintenance share this file: a started loyalty worker would maintain
// every tenant the sweep found, including the ones the maintenance test is watching.
import { adjustPoints } from "@maxl/api";
import { formatLocalDate, localDateOf, startOfLocalDayAfter } from "@maxl/shared";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loyaltySweep, MAINTENANCE_SLOT_MS, maintenanceJobId, maintenanceSlot } from "../src/jobs/loyalty-sweep.ts";
import { dailyMarkKey, maintainTenant, type TenantUpkeep } from "../src/jobs/maintain-tenant.ts";
import { queueNames } from "../src/queues.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, settled, type TestWorld } from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("loyalty sweep", () => {
  it("queues one maintenance job per active or restricted tenant per five-minute slot", async () => {
    const active = await createLoyaltyTenant(world.db, {});
    const restricted = await createLoyaltyTenant(world.db, {}, { status: "restricted" });
    const suspended = await createLoyaltyTenant(world.db, {}, { status: "suspended" });
    // not started: the queued jobs stay where the test can count them
    const runtime = runtimeWith(world, [loyaltySweep, maintainTenant]);
    const deps = jobDepsOf(world, runtime);
    const queued = async (tenantId: string) => {
      const jobs = await runtime.queue(queueNames.loyalty).getJobs(["waiting"]);
      return jobs
        .filter((job) => job.name === maintainTenant.name && job.data.tenantId === tenantId)
        .map((job) => job.id)
        .sort();
    };
    try {
      const slotStart = (maintenanceSlot(new Date()) + 1) * MAINTENANCE_SLOT_MS;
      world.clock.now = new Date(slotStart + 1_000);
      const slot = maintenanceSlot(world.clock.now);
      await loyaltySweep.handle({}, deps);
      world.clock.now = new Date(slotStart + MAINTENANCE_SLOT_MS - 1_000);
      await loyaltySweep.handle({}, deps);

      expect(await queued(active.id)).toEqual([maintenanceJobId(active.id, slot)]);
      expect(await queued(restricted.id)).toEqual([maintenanceJobId(restricted.id, slot)]);
      expect(await queued(suspended.id)).toEqual([]);
      const job = await runtime.queue(queueNames.loyalty).getJob(maintenanceJobId(active.id, slot));
      expect(job?.data).toEqual({ tenantId: active.id });

      world.clock.now = new Date(slotStart + MAINTENANCE_SLOT_MS);
      await loyaltySweep.handle({}, deps);
      expect(await queued(active.id)).toEqual(
        [maintenanceJobId(active.id, slot), maintenanceJobId(active.id, slot + 1)].sort(),
      );
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });

  it("runs every five minutes, UTC", async () => {
    const runtime = runtimeWith(world, [loyaltySweep, maintainTenant]);
    await runtime.start();
    try {
      const schedulers = await runtime.queue(queueNames.loyalty).getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({ key: loyaltySweep.name, pattern: "*/5 * * * *", tz: "UTC" }),
      ]);
    } finally {
      await runtime.close();
    }
  });
});

describe("tenant maintenance", () => {
  it("expires due lots on every run and grants birthdays and re-evaluates levels once per local day", async () => {
    // UTC+12 all year: its midnight is noon UTC, so the hours either side share a UTC date.
    const timeZone = "Asia/Kamchatka";
    const midnight = startOfLocalDayAfter(new Date(), 1, timeZone);
    const lateEvening = new Date(midnight.getTime() - HOUR);
    const earlyMorning = new Date(midnight.getTime() + HOUR);
    expect(lateEvening.toISOString().slice(0, 10)).toBe(earlyMorning.toISOString().slice(0, 10));

    const tenant = await createLoyaltyTenant(
      world.db,
      { pointsLifetimeDays: 10, birthdayBonusPoints: 50, birthdayDaysBefore: 0, birthdayDaysAfter: 0 },
      { timeZone },
    );
    const today = localDateOf(lateEvening, timeZone);
    const saver = await tenant.newGuest();
    const celebrant = await tenant.newGuest({ birthday: new Date(Date.UTC(1990, today.month - 1, today.day)) });
    // 100 points given a month ago, with a ten-day lifetime: long expired by now
    await adjustPoints(
      { ...world.engine, clock: () => new Date(lateEvening.getTime() - 30 * DAY) },
      {
        tenantId: tenant.id,
        actor: { source: "admin" },
        idempotencyKey: `test-${tenant.id}`,
        input: { guestId: saver, points: 100, reason: "welcome back" },
      },
    );
    expect(await tenant.balance(saver)).toBe(100);

    const runtime = runtimeWith(world, [maintainTenant]);
    await runtime.start();
    const maintain = async (at: Date): Promise<TenantUpkeep> => {
      world.clock.now = at;
      const job: Job = await runtime.enqueue(maintainTenant.name, { tenantId: tenant.id });
      expect(await settled(job)).toBe("completed");
      const done = await runtime.queue(queueNames.loyalty).getJob(job.id ?? "");
      return done?.returnvalue;
    };
    try {
      const levels = { examined: 0, changed: 0, graceStarted: 0 };
      expect(await maintain(lateEvening)).toEqual({
        localDate: formatLocalDate(today),
        expired: { guests: 1, points: 100 },
        reminded: 0,
        daily: { birthdayBonuses: 1, levels },
      });
      expect(await tenant.balance(saver)).toBe(0);
      expect(await tenant.balance(celebrant)).toBe(50);
      const mark = dailyMarkKey(world.engine, tenant.id, formatLocalDate(today));
      const ttl = await world.engine.redis.ttl(mark);
      expect(ttl).toBeGreaterThan(3 * 24 * 3600 - 60);
      expect(ttl).toBeLessThanOrEqual(3 * 24 * 3600);

      // the same local day: expiry runs again (nothing is due), the daily part does not
      expect(await maintain(new Date(lateEvening.getTime() + 30 * 60_000))).toEqual({
        localDate: formatLocalDate(today),
        expired: { guests: 0, points: 0 },
        reminded: 0,
        daily: null,
      });

      // the same UTC date, but the tenant's next day: the daily part runs again
      const tomorrow = localDateOf(earlyMorning, timeZone);
      expect(await maintain(earlyMorning)).toEqual({
        localDate: formatLocalDate(tomorrow),
        expired: { guests: 0, points: 0 },
        reminded: 0,
        daily: { birthdayBonuses: 0, levels },
      });
      expect(await tenant.balance(celebrant)).toBe(50);
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });

  it("leaves a suspended tenant alone", async () => {
    const tenant = await createLoyaltyTenant(world.db, {}, { status: "suspended" });
    const runtime = runtimeWith(world, [maintainTenant]);
    await runtime.start();
    try {
      const job = await runtime.enqueue(maintainTenant.name, { tenantId: tenant.id });
      expect(await settled(job)).toBe("completed");
      const done = await runtime.queue(queueNames.loyalty).getJob(job.id ?? "");
      expect(done?.returnvalue).toEqual({ skipped: "suspended" });
      expect(await world.engine.redis.keys(dailyMarkKey(world.engine, tenant.id, "*"))).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});
