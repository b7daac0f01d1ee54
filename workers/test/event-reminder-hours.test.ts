// The day reminder's daytime, end to end in the workers: the clock walks through the days in the
// five-minute steps the scheduler runs at, and at each step the sweep runs and every tenant job it
// queued for these tests' tenants runs too. When each reminder was written (its outbox row's time)
// shows both halves at once: the sweep queues the tenant exactly when the job has something to
// send (they share one SQL rule), the day reminder goes in the daytime of the day before in the
// tenant's own time zone, the hour reminder is never held, and nothing goes twice.
import { randomUUID } from "node:crypto";
import { registerForEvent } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobDeps } from "../src/jobs/definition.ts";
import { EVENT_SCHEDULE_SLOT_MS, eventScheduleSweep, eventScheduleTenant } from "../src/jobs/events-schedule.ts";
import { queueNames } from "../src/queues.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import {
  createLoyaltyTenant,
  createTestWorld,
  jobDepsOf,
  type LoyaltyTenant,
  runtimeWith,
  type TestWorld,
} from "./support.ts";

const HOUR = 3_600_000;

let world: TestWorld;
let runtime: WorkerRuntime;
let deps: JobDeps;
/** the tenants these tests made: the sweep also queues other files' tenants, whose jobs are dropped */
const ours = new Set<string>();

beforeAll(async () => {
  world = await createTestWorld();
  // not started: the sweep's jobs wait in the queue, where each step takes ours and drops the rest
  runtime = runtimeWith(world, [eventScheduleSweep, eventScheduleTenant]);
  deps = jobDepsOf(world, runtime);
});
afterAll(async () => {
  world.clock.now = null;
  await runtime.close();
  await world.close();
});

async function tenantIn(timeZone: string): Promise<LoyaltyTenant> {
  const tenant = await createLoyaltyTenant(world.db, {}, { timeZone });
  ours.add(tenant.id);
  return tenant;
}

/** A published event with one registered guest, written at the clock's time (its publishing). */
async function eventWithGuest(tenant: LoyaltyTenant, startsAt: string): Promise<string> {
  const id = randomUUID();
  const start = new Date(startsAt);
  await world.db.withTenantClient(tenant.id, (client) =>
    client.query(
      `INSERT INTO events (tenant_id, id, title, starts_at, ends_at, capacity, status, published_at)
       VALUES (app_current_tenant(), $1, 'Вечер вина', $2, $3, 10, 'published', $4)`,
      [id, start, new Date(start.getTime() + 2 * HOUR), world.clock.now],
    ),
  );
  const guestId = await tenant.newGuest();
  await registerForEvent(world.engine, { tenantId: tenant.id, guestId, eventId: id, idempotencyKey: `t-${guestId}` });
  return id;
}

/** The scheduler from `from` (a slot's start) until before `until`, one sweep per slot. */
async function runScheduler(from: string, until: string): Promise<void> {
  const queue = runtime.queue(queueNames.loyalty);
  for (let at = Date.parse(from); at < Date.parse(until); at += EVENT_SCHEDULE_SLOT_MS) {
    world.clock.now = new Date(at);
    await eventScheduleSweep.handle({}, deps);
    for (const job of await queue.getJobs(["waiting"])) {
      if (job.name === eventScheduleTenant.name && ours.has(job.data.tenantId)) {
        await eventScheduleTenant.handle(job.data, deps);
      }
    }
    await queue.drain();
  }
}

/** Each reminder written for the event: its kind and when (UTC), in order. */
async function remindersOf(tenant: LoyaltyTenant, eventId: string): Promise<string[]> {
  const { rows } = await world.platformDb.pool.query<{ kind: string; at: Date }>(
    `SELECT payload->>'kind' AS kind, created_at AS at FROM outbox_events
      WHERE tenant_id = $1 AND type = 'event.reminder' AND payload->>'eventId' = $2 ORDER BY id`,
    [tenant.id, eventId],
  );
  return rows.map((row) => `${row.kind} ${row.at.toISOString()}`);
}

describe("the day reminder's daytime", () => {
  it("holds a night event's reminder until 10:00 the day before, pulls a late one forward to 20:00, in each tenant's zone", async () => {
    const moscow = await tenantIn("Europe/Moscow"); // UTC+3
    const vladivostok = await tenantIn("Asia/Vladivostok"); // UTC+10
    const newYork = await tenantIn("America/New_York"); // UTC-5 in December
    world.clock.now = new Date("2026-12-04T12:00:00Z");
    // 01:00 on 6 December in Moscow
    const night = await eventWithGuest(moscow, "2026-12-05T22:00:00Z");
    // 19:00 on 6 December in Moscow
    const evening = await eventWithGuest(moscow, "2026-12-06T16:00:00Z");
    // 22:30 on 6 December in Moscow
    const late = await eventWithGuest(moscow, "2026-12-06T19:30:00Z");
    // 01:00 on 6 December in Vladivostok, while it is still the 5th in Moscow
    const farEast = await eventWithGuest(vladivostok, "2026-12-05T15:00:00Z");
    // 19:00 on 5 December in New York, already the 6th in Moscow
    const west = await eventWithGuest(newYork, "2026-12-06T00:00:00Z");

    // From midnight on 5 December in Moscow (an hour past the 4th's 19:00 in New York) for 43.5 h.
    await runScheduler("2026-12-04T21:00:00Z", "2026-12-06T16:30:00Z");

    // 10:00 on the 5th in Moscow, not 01:00; the hour reminder at midnight is not held
    expect(await remindersOf(moscow, night)).toEqual(["day 2026-12-05T07:00:00.000Z", "hour 2026-12-05T21:00:00.000Z"]);
    // at its own time the day before
    expect(await remindersOf(moscow, evening)).toEqual([
      "day 2026-12-05T16:00:00.000Z",
      "hour 2026-12-06T15:00:00.000Z",
    ]);
    // 20:00 the day before rather than 22:30 (the hour reminder falls after this run)
    expect(await remindersOf(moscow, late)).toEqual(["day 2026-12-05T17:00:00.000Z"]);
    // 10:00 on the 5th in Vladivostok, which is 03:00 in Moscow
    expect(await remindersOf(vladivostok, farEast)).toEqual([
      "day 2026-12-05T00:00:00.000Z",
      "hour 2026-12-05T14:00:00.000Z",
    ]);
    // 19:00 on the 4th in New York, which is 03:00 on the 5th in Moscow
    expect(await remindersOf(newYork, west)).toEqual(["day 2026-12-05T00:00:00.000Z", "hour 2026-12-05T23:00:00.000Z"]);
  }, 60_000);

  it("skips the day reminder of an event published after 21:00 the day before, in favour of the hour one", async () => {
    const moscow = await tenantIn("Europe/Moscow");
    // 22:00 on 9 December in Moscow: published for 08:00 on the 10th
    world.clock.now = new Date("2026-12-09T19:00:00Z");
    const breakfast = await eventWithGuest(moscow, "2026-12-10T05:00:00Z");
    await runScheduler("2026-12-09T19:00:00Z", "2026-12-10T05:30:00Z");
    // nothing at night, nothing saying "Tomorrow" on the day itself; the hour reminder at 07:00
    expect(await remindersOf(moscow, breakfast)).toEqual(["hour 2026-12-10T04:00:00.000Z"]);
  }, 60_000);

  it("goes at the event's wall-clock time the day before across a change to summer time", async () => {
    const berlin = await tenantIn("Europe/Berlin");
    world.clock.now = new Date("2027-03-26T12:00:00Z");
    // 19:00 CEST on 28 March 2027, the day the clocks go forward
    const dinner = await eventWithGuest(berlin, "2027-03-28T17:00:00Z");
    await runScheduler("2027-03-27T16:00:00Z", "2027-03-27T20:00:00Z");
    // 19:00 CET on the 27th: 23 hours before, not 24 (17:00 UTC, 18:00 there)
    expect(await remindersOf(berlin, dinner)).toEqual(["day 2027-03-27T18:00:00.000Z"]);
  }, 60_000);
});
