// The events schedule in the workers: the sweep queues each tenant with something due (the day
// reminder of an event tomorrow in the tenant's zone, the hour reminder, an event past its end)
// once per five-minute slot, and the tenant job it queues sends the reminders through the outbox
// and finishes past events. The engine's own rules (which reminder when, once each) are tested in
// api/test/http/events.test.ts; the day reminder's daytime, step by step through the days, in
// event-reminder-hours.test.ts.
import { randomUUID } from "node:crypto";
import { registerForEvent } from "@maxl/api";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_SCHEDULE_SLOT_MS, eventScheduleSweep, eventScheduleTenant } from "../src/jobs/events-schedule.ts";
import { queueNames } from "../src/queues.ts";
import {
  createLoyaltyTenant,
  createTestWorld,
  jobDepsOf,
  type LoyaltyTenant,
  runtimeWith,
  settled,
  type TestWorld,
} from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

const HOUR = 3_600_000;
// 12:00 in Moscow, the tenants' time zone: a slot's start.
const NOON = Date.parse("2026-12-05T09:00:00Z");

/** A published event of the tenant, written as publishing leaves it. */
async function publishedEvent(tenant: LoyaltyTenant, startsAt: Date, hours = 2): Promise<string> {
  const id = randomUUID();
  await world.db.withTenantClient(tenant.id, (client) =>
    client.query(
      `INSERT INTO events (tenant_id, id, title, starts_at, ends_at, capacity, status, published_at)
       VALUES (app_current_tenant(), $1, 'Вечер вина', $2, $3, 10, 'published', $4)`,
      [id, startsAt, new Date(startsAt.getTime() + hours * HOUR), new Date(startsAt.getTime() - 48 * HOUR)],
    ),
  );
  return id;
}

async function draftEvent(tenant: LoyaltyTenant, startsAt: Date): Promise<void> {
  await world.db.withTenantClient(tenant.id, (client) =>
    client.query(
      `INSERT INTO events (tenant_id, id, title, starts_at, ends_at, capacity)
       VALUES (app_current_tenant(), $1, 'Черновик', $2, $3, 10)`,
      [randomUUID(), startsAt, new Date(startsAt.getTime() + HOUR)],
    ),
  );
}

async function reminderKinds(tenant: LoyaltyTenant, eventId: string): Promise<string[]> {
  const { rows } = await world.platformDb.pool.query<{ kind: string }>(
    `SELECT payload->>'kind' AS kind FROM outbox_events
      WHERE tenant_id = $1 AND type = 'event.reminder' AND payload->>'eventId' = $2 ORDER BY id`,
    [tenant.id, eventId],
  );
  return rows.map((row) => row.kind);
}

async function statusOf(tenant: LoyaltyTenant, eventId: string): Promise<string> {
  const { rows } = await world.platformDb.pool.query<{ status: string }>(
    "SELECT status::text AS status FROM events WHERE tenant_id = $1 AND id = $2",
    [tenant.id, eventId],
  );
  return rows[0]?.status ?? "missing";
}

describe("events schedule", () => {
  it("queues a tenant once per slot when a reminder is due or an event has ended, and never for drafts", async () => {
    const slotStart = NOON;
    const tomorrow = await createLoyaltyTenant(world.db, {});
    await publishedEvent(tomorrow, new Date(slotStart + 20 * HOUR));
    // 21:00 today: no day reminder is due ("Tomorrow" would be wrong), and the hour one not yet.
    const tonight = await createLoyaltyTenant(world.db, {});
    await publishedEvent(tonight, new Date(slotStart + 9 * HOUR));
    const soon = await createLoyaltyTenant(world.db, {});
    await publishedEvent(soon, new Date(slotStart + HOUR / 2));
    const ended = await createLoyaltyTenant(world.db, {});
    await publishedEvent(ended, new Date(slotStart - 5 * HOUR));
    const later = await createLoyaltyTenant(world.db, {});
    await publishedEvent(later, new Date(slotStart + 72 * HOUR));
    const drafts = await createLoyaltyTenant(world.db, {});
    await draftEvent(drafts, new Date(slotStart + 2 * HOUR));

    // not started: the queued jobs stay where the test can read them
    const runtime = runtimeWith(world, [eventScheduleSweep, eventScheduleTenant]);
    const deps = jobDepsOf(world, runtime);
    const queued = async (tenantId: string) => {
      const jobs = await runtime.queue(queueNames.loyalty).getJobs(["waiting"]);
      return jobs
        .filter((job) => job.name === eventScheduleTenant.name && job.data.tenantId === tenantId)
        .map((job) => job.id)
        .sort();
    };
    try {
      const slot = slotStart / EVENT_SCHEDULE_SLOT_MS;
      world.clock.now = new Date(slotStart + 1_000);
      await eventScheduleSweep.handle({}, deps);
      world.clock.now = new Date(slotStart + EVENT_SCHEDULE_SLOT_MS - 1_000);
      await eventScheduleSweep.handle({}, deps);

      expect(await queued(tomorrow.id)).toEqual([`events.${tomorrow.id}.${slot}`]);
      expect(await queued(soon.id)).toEqual([`events.${soon.id}.${slot}`]);
      expect(await queued(tonight.id)).toEqual([]);
      expect(await queued(ended.id)).toEqual([`events.${ended.id}.${slot}`]);
      expect(await queued(later.id)).toEqual([]);
      expect(await queued(drafts.id)).toEqual([]);

      world.clock.now = new Date(slotStart + EVENT_SCHEDULE_SLOT_MS);
      await eventScheduleSweep.handle({}, deps);
      expect(await queued(tomorrow.id)).toEqual(
        [`events.${tomorrow.id}.${slot}`, `events.${tomorrow.id}.${slot + 1}`].sort(),
      );
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });

  it("sends the day reminder to registered guests once and finishes an event that has ended", async () => {
    const tenant = await createLoyaltyTenant(world.db, {});
    world.clock.now = new Date(NOON);
    // 08:00 tomorrow in Moscow.
    const upcoming = await publishedEvent(tenant, new Date(NOON + 20 * HOUR));
    const past = await publishedEvent(tenant, new Date(NOON - 3 * HOUR));
    const guest = await tenant.newGuest();
    await registerForEvent(world.engine, {
      tenantId: tenant.id,
      guestId: guest,
      eventId: upcoming,
      idempotencyKey: `test-${guest}`,
    });

    const runtime = runtimeWith(world, [eventScheduleTenant]);
    await runtime.start();
    try {
      const run = async () => {
        const job: Job = await runtime.enqueue(eventScheduleTenant.name, { tenantId: tenant.id });
        expect(await settled(job)).toBe("completed");
        return (await runtime.queue(queueNames.loyalty).getJob(job.id ?? ""))?.returnvalue;
      };
      expect(await run()).toEqual({ dayReminders: 1, hourReminders: 0, finished: 1 });
      expect(await run()).toEqual({ dayReminders: 0, hourReminders: 0, finished: 0 });
      expect(await reminderKinds(tenant, upcoming)).toEqual(["day"]);
      expect(await statusOf(tenant, past)).toBe("finished");
      expect(await statusOf(tenant, upcoming)).toBe("published");
    } finally {
      world.clock.now = null;
      await runtime.close();
    }
  });

  it("runs every five minutes, UTC", async () => {
    const runtime = runtimeWith(world, [eventScheduleSweep, eventScheduleTenant]);
    await runtime.start();
    try {
      const schedulers = await runtime.queue(queueNames.loyalty).getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({ key: eventScheduleSweep.name, pattern: "*/5 * * * *", tz: "UTC" }),
      ]);
    } finally {
      await runtime.close();
    }
  });
});
