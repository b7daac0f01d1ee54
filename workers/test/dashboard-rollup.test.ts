// The dashboard's rollups in the workers: a sweep every minute queues one rollup job per served
// tenant (once per minute whatever the retries), and the job brings the tenant's rollups up to
// yesterday, a first time over the whole history and then only what changed.
import { accruePoints, dashboardReport } from "@maxl/api";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DASHBOARD_SLOT_MS,
  dashboardRollupJobId,
  dashboardRollupSweep,
  rollUpTenantDashboard,
} from "../src/jobs/dashboard-rollup.ts";
import { queueNames } from "../src/queues.ts";
import { createLoyaltyTenant, createTestWorld, jobDepsOf, runtimeWith, settled, type TestWorld } from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

const DAY = 86_400_000;
const moscowDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow" });
const daysAgo = (days: number) => moscowDate.format(new Date(Date.now() - days * DAY));

describe("dashboard rollup sweep", () => {
  it("queues one rollup job per active or restricted tenant per minute", async () => {
    const active = await createLoyaltyTenant(world.db, {});
    const restricted = await createLoyaltyTenant(world.db, {}, { status: "restricted" });
    const suspended = await createLoyaltyTenant(world.db, {}, { status: "suspended" });
    const runtime = runtimeWith(world, [dashboardRollupSweep, rollUpTenantDashboard]);
    const deps = jobDepsOf(world, runtime);
    const queued = async (tenantId: string) => {
      const jobs = await runtime.queue(queueNames.loyalty).getJobs(["waiting"]);
      return jobs
        .filter((job) => job.name === rollUpTenantDashboard.name && job.data.tenantId === tenantId)
        .map((job) => job.id)
        .sort();
    };
    try {
      const slotStart = (Math.floor(Date.now() / DASHBOARD_SLOT_MS) + 1) * DASHBOARD_SLOT_MS;
      world.clock.now = new Date(slotStart + 1_000);
      const slot = slotStart / DASHBOARD_SLOT_MS;
      await dashboardRollupSweep.handle({}, deps);
      world.clock.now = new Date(slotStart + 59_000);
      await dashboardRollupSweep.handle({}, deps);
      expect(await queued(active.id)).toEqual([dashboardRollupJobId(active.id, slot)]);
      expect(await queued(restricted.id)).toEqual([dashboardRollupJobId(restricted.id, slot)]);
      expect(await queued(suspended.id)).toEqual([]);

      world.clock.now = new Date(slotStart + DASHBOARD_SLOT_MS);
      await dashboardRollupSweep.handle({}, deps);
      expect(await queued(active.id)).toEqual(
        [dashboardRollupJobId(active.id, slot), dashboardRollupJobId(active.id, slot + 1)].sort(),
      );
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });

  it("runs every minute, UTC", async () => {
    const runtime = runtimeWith(world, [dashboardRollupSweep, rollUpTenantDashboard]);
    await runtime.start();
    try {
      const schedulers = await runtime.queue(queueNames.loyalty).getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({ key: dashboardRollupSweep.name, pattern: "* * * * *", tz: "UTC" }),
      ]);
    } finally {
      await runtime.close();
    }
  });
});

describe("dashboard rollup job", () => {
  it("rolls a tenant up to yesterday, then only what changed, and the dashboard answers the same", async () => {
    const tenant = await createLoyaltyTenant(world.db, {});
    const guest = await tenant.newGuest();
    const accrue = (closedDaysAgo: number, amountMinor: bigint) =>
      accruePoints(world.engine, {
        tenantId: tenant.id,
        actor: { source: "admin" },
        idempotencyKey: `rollup-${tenant.id}-${closedDaysAgo}-${amountMinor}`,
        input: {
          guestId: guest,
          amountMinor,
          currency: "RUB",
          closedAt: new Date(Date.now() - closedDaysAgo * DAY),
        },
      });
    await accrue(10, 100_000n);
    await accrue(5, 200_000n);
    const owner = { staffId: "00000000-0000-7000-8000-000000000000", role: "owner" as const };
    const month = () =>
      dashboardReport(world.engine, { tenantId: tenant.id, staff: owner, from: daysAgo(29), to: daysAgo(0) });
    const raw = await month();

    const runtime = runtimeWith(world, [rollUpTenantDashboard]);
    await runtime.start();
    const run = async () => {
      const job: Job = await runtime.enqueue(rollUpTenantDashboard.name, { tenantId: tenant.id });
      expect(await settled(job)).toBe("completed");
      return (await runtime.queue(queueNames.loyalty).getJob(job.id ?? ""))?.returnvalue;
    };
    try {
      const first = await run();
      expect(first).toMatchObject({ rolledThrough: daysAgo(1), full: true });
      expect(first.days).toBeGreaterThanOrEqual(10);
      const rolled = await month();
      expect(rolled).toEqual(raw);
      expect(rolled.totals).toMatchObject({ checks: 2, activeGuests: 1, repeatVisitRate: 1, revenueMinor: "300000" });

      // A check the POS sends a week late: the next run puts it on its day.
      await accrue(7, 50_000n);
      const second = await run();
      expect(second).toMatchObject({ rolledThrough: daysAgo(1), full: false });
      expect((await month()).totals).toMatchObject({ checks: 3, revenueMinor: "350000" });
    } finally {
      await runtime.close();
    }
  });

  it("skips a suspended tenant", async () => {
    const tenant = await createLoyaltyTenant(world.db, {}, { status: "suspended" });
    const runtime = runtimeWith(world, [rollUpTenantDashboard]);
    await runtime.start();
    try {
      const job: Job = await runtime.enqueue(rollUpTenantDashboard.name, { tenantId: tenant.id });
      expect(await settled(job)).toBe("completed");
      expect((await runtime.queue(queueNames.loyalty).getJob(job.id ?? ""))?.returnvalue).toEqual({
        skipped: "suspended",
      });
    } finally {
      await runtime.close();
    }
  });
});
