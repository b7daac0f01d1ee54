// The events queue's dispatcher: each event goes to every consumer of its type and to no other,
// a failing consumer fails the job without keeping the others from the event, and a malformed
// event fails at once. The relay's batch jobs (many events per job) behave the same per event.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventConsumer } from "../src/events/consumers.ts";
import { dispatchEventBatches, dispatchEvents } from "../src/events/dispatch.ts";
import {
  EVENT_BATCH_JOB,
  EVENTS_PER_JOB,
  eventBatchJobId,
  eventJobId,
  type PublishedEvent,
} from "../src/events/published-event.ts";
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

describe("event batches", () => {
  /** Publishes events the way the relay does: up to EVENTS_PER_JOB to a job, in order. */
  async function publishBatch(runtime: WorkerRuntime, events: unknown[], attempts?: number): Promise<Job> {
    const ids = events.map((item) => ({ eventId: String((item as { eventId?: unknown }).eventId) }));
    const [job] = await runtime.enqueueMany(queueNames.events, [
      {
        name: EVENT_BATCH_JOB,
        data: { events },
        options: { jobId: eventBatchJobId(ids), ...(attempts ? { attempts } : {}) },
      },
    ]);
    if (!job) throw new Error("nothing was queued");
    return job;
  }

  it("hands every event of the batch to the consumers of its type", async () => {
    const seen: string[] = [];
    const runtime = runtimeWith(world, [
      dispatchEventBatches([consumer("points", ["points.earned"], seen), consumer("levels", ["level.changed"], seen)]),
    ]);
    await runtime.start();
    try {
      const events = [event("points.earned"), event("level.changed"), event("points.earned"), event("check.refunded")];
      const job = await publishBatch(runtime, events);
      expect(await settled(job)).toBe("completed");
      expect(seen.sort()).toEqual(
        [
          `points:points.earned:${events[0]?.eventId}`,
          `levels:level.changed:${events[1]?.eventId}`,
          `points:points.earned:${events[2]?.eventId}`,
        ].sort(),
      );
      const done = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(done?.returnvalue).toEqual({ events: 4, malformed: 0 });
    } finally {
      await runtime.close();
    }
  });

  it("fails the job when a consumer fails on one event, after every other event was handed over", async () => {
    const seen: string[] = [];
    const broken: EventConsumer = {
      name: "picky",
      types: ["points.earned"],
      async handle(received) {
        seen.push(`picky:${received.eventId}`);
        if (received.payload && (received.payload as { bad?: boolean }).bad) throw new Error("picky is broken");
      },
    };
    const runtime = runtimeWith(world, [dispatchEventBatches([broken])]);
    await runtime.start();
    try {
      const events = [event("points.earned"), event("points.earned", { bad: true }), event("points.earned")];
      const job = await publishBatch(runtime, events, 1);
      expect(await settled(job)).toBe("failed");
      const failed = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(failed?.failedReason).toBe(`1 of 3 events failed: points.earned #${events[1]?.eventId}: picky`);
      expect(seen.sort()).toEqual(events.map((published) => `picky:${published.eventId}`).sort());
    } finally {
      await runtime.close();
    }
  });

  it("asks a consumer which events of the batch it needs, and hands it only those (all, if it cannot say)", async () => {
    const seen: string[] = [];
    const asked: string[][] = [];
    const choosy = (fails: boolean): EventConsumer => ({
      ...consumer(fails ? "unsure" : "choosy", ["points.earned"], seen),
      async relevant(events) {
        asked.push(events.map((published) => published.eventId));
        if (fails) throw new Error("cannot say");
        return new Set(
          events.filter((published) => (published.payload as { tell?: boolean }).tell).map((e) => e.eventId),
        );
      },
    });
    const runtime = runtimeWith(world, [
      dispatchEventBatches([choosy(false), choosy(true), consumer("levels", ["level.changed"], seen)]),
    ]);
    await runtime.start();
    try {
      const told = event("points.earned", { tell: true });
      const skipped = event("points.earned", { tell: false });
      const changed = event("level.changed");
      const job = await publishBatch(runtime, [told, skipped, changed]);
      expect(await settled(job)).toBe("completed");
      // each consumer is asked once, about the events of its types only
      expect(asked).toEqual([
        [told.eventId, skipped.eventId],
        [told.eventId, skipped.eventId],
      ]);
      expect(seen.sort()).toEqual(
        [
          `choosy:points.earned:${told.eventId}`,
          `unsure:points.earned:${told.eventId}`,
          `unsure:points.earned:${skipped.eventId}`,
          `levels:level.changed:${changed.eventId}`,
        ].sort(),
      );
    } finally {
      await runtime.close();
    }
  });

  it("skips a malformed event of a batch and hands over the rest", async () => {
    const seen: string[] = [];
    const runtime = runtimeWith(world, [dispatchEventBatches([consumer("points", ["points.earned"], seen)])]);
    await runtime.start();
    try {
      const good = event("points.earned");
      const job = await publishBatch(runtime, [{ ...event("points.earned"), eventId: "not-a-number" }, good]);
      expect(await settled(job)).toBe("completed");
      expect(seen).toEqual([`points:points.earned:${good.eventId}`]);
      const done = await runtime.queue(queueNames.events).getJob(job.id ?? "");
      expect(done?.returnvalue).toEqual({ events: 2, malformed: 1 });
      await expect(
        publishBatch(
          runtime,
          Array.from({ length: EVENTS_PER_JOB + 1 }, () => event("points.earned")),
        ),
      ).rejects.toThrow(/too_big/);
    } finally {
      await runtime.close();
    }
  });
});
