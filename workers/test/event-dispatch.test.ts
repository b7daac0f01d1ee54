// The events queue's dispatcher: each event goes to every consumer of its type and to no other,
// a failing consumer fails the job without keeping the others from the event, and a malformed
// event fails at once.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventConsumer } from "../src/events/consumers.ts";
import { dispatchEvents } from "../src/events/dispatch.ts";
import { eventJobId, type PublishedEvent } from "../src/events/published-event.ts";
import { queueNames } from "../src/queues.ts";
import type { WorkerRuntime } from "../src/runtime.ts";
import { createTestWorld, runtimeWith, settled, type TestWorld } from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

const tenantId = randomUUID();
let nextEventId = 1;

function event(type: string, payload: unknown = {}): PublishedEvent {
  return { tenantId, eventId: String(nextEventId++), type, payload, createdAt: new Date().toISOString() };
}

/** Publishes events the way the relay does: named after their type, one job id per event. */
async function publish(runtime: WorkerRuntime, events: PublishedEvent[], attempts?: number): Promise<Job[]> {
  return runtime.enqueueMany(
    queueNames.events,
    events.map((published) => ({
      name: published.type,
      data: published,
      options: { jobId: eventJobId(published.tenantId, published.eventId), ...(attempts ? { attempts } : {}) },
    })),
  );
}

function consumer(name: string, types: string[], seen: string[], fail = false): EventConsumer {
  return {
    name,
    types,
    async handle(received) {
      seen.push(`${name}:${received.type}:${received.eventId}`);
      if (fail) throw new Error(`${name} is broken`);
    },
  };
}

describe("event dispatch", () => {
  it("hands each event to every consumer of its type and to no other", async () => {
    const seen: string[] = [];
    const runtime = runtimeWith(world, [
      dispatchEvents([
        consumer("points", ["points.earned", "points.redeemed"], seen),
        consumer("levels", ["level.changed"], seen),
        consumer("audit", ["points.earned", "level.changed"], seen),
      ]),
    ]);
    await runtime.start();
    try {
      const earned = event("points.earned", { points: 10 });
      const changed = event("level.changed");
      const refunded = event("check.refunded");
      const jobs = await publish(runtime, [earned, changed, refunded]);
      for (const job of jobs) expect(await settled(job)).toBe("completed");

      expect(seen.sort()).toEqual(
        [
          `audit:level.changed:${changed.eventId}`,
          `audit:points.earned:${earned.eventId}`,
          `levels:level.changed:${changed.eventId}`,
          `points:points.earned:${earned.eventId}`,
        ].sort(),
      );
      const stored = await Promise.all(jobs.map((job) => runtime.queue(queueNames.events).getJob(job.id ?? "")));
      expect(stored.map((job) => job?.returnvalue)).toEqual([
        { consumers: ["points", "audit"] },
        { consumers: ["levels", "audit"] },
        { consumers: [] },
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("fails the event's job when a consumer fails, after the other consumers have seen it", async () => {
    const seen: string[] = [];
    const runtime = runtimeWith(world, [
      dispatchEvents([
        consumer("broken", ["points.expired"], seen, true),
        consumer("working", ["points.expired"], seen),
      ]),
    ]);
    await runtime.start();
    try {
      const expired = event("points.expired");
      const [job] = await publish(runtime, [expired], 1);
      if (!job) throw new Error("nothing was queued");
      expect(await settled(job)).toBe("failed");
      const failed = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(failed?.failedReason).toBe(`points.expired #${expired.eventId}: broken failed`);
      expect(seen.sort()).toEqual([
        `broken:points.expired:${expired.eventId}`,
        `working:points.expired:${expired.eventId}`,
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("refuses a malformed event when it is published, and fails one already queued without retrying", async () => {
    const seen: string[] = [];
    const runtime = runtimeWith(world, [dispatchEvents([consumer("points", ["points.earned"], seen)])]);
    await runtime.start();
    try {
      const malformed = { ...event("points.earned"), eventId: "not-a-number" };
      await expect(publish(runtime, [malformed])).rejects.toThrow(/decimal id of an outbox row/);

      const job = await runtime.queue(queueNames.events).add("points.earned", malformed);
      expect(await settled(job)).toBe("failed");
      const failed = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/invalid payload for points\.earned/);
      expect(seen).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});
