// The BullMQ runtime against real Redis and PostgreSQL: scheduled maintenance runs through the
// queue, malformed payloads fail without retries, and stopping waits for the job in hand.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../src/jobs/definition.ts";
import { ensureLedgerPartitions } from "../src/jobs/ensure-ledger-partitions.ts";
import { queueNames } from "../src/queues.ts";
import type { WorkerRuntimeOptions } from "../src/runtime.ts";
import { createTestWorld, runtimeWith as runtimeIn, services, settled, type TestWorld } from "./support.ts";

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(() => world.close());

function runtimeWith(jobs: WorkerRuntimeOptions["jobs"], prefix = `test:${randomUUID()}`) {
  return runtimeIn(world, jobs, { prefix });
}

describe("worker runtime", () => {
  it("creates the ledger's coming monthly partitions through the maintenance queue", { timeout: 60_000 }, async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    await runtime.start();
    try {
      const job = await runtime.enqueue(ensureLedgerPartitions.name, { monthsAhead: 6 });
      // Other test files write to the ledger meanwhile; creating a partition then gives way after
      // its 3 s lock timeout and BullMQ retries it, as it would under load in production.
      expect(await settled(job, 45_000)).toBe("completed");
      const admin = new pg.Client({ connectionString: services.adminUrl });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ name: string }>(
          `SELECT 'ledger_entries_' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m), 'YYYYMM') AS name
             FROM generate_series(0, 6) AS m
           EXCEPT SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'ledger_entries'::regclass`,
        );
        expect(rows).toEqual([]);
      } finally {
        await admin.end();
      }
      const again = await runtime.enqueue(ensureLedgerPartitions.name, { monthsAhead: 6 });
      expect(await settled(again)).toBe("completed");
      const stored = await runtime.queue(queueNames.maintenance).getJob(again.id ?? "");
      expect(stored?.returnvalue).toEqual({ created: 0 });
    } finally {
      await runtime.close();
    }
  });

  it("registers the daily partition schedule", async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    await runtime.start();
    try {
      const schedulers = await runtime.queue(queueNames.maintenance).getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({ key: ensureLedgerPartitions.name, pattern: "30 0 * * *" }),
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("refuses to enqueue a payload that breaks the job's schema", async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    try {
      await expect(runtime.enqueue(ensureLedgerPartitions.name, { monthsAhead: 0 })).rejects.toThrow();
      await expect(runtime.enqueue("no.such-job", {})).rejects.toThrow(/unknown job/);
    } finally {
      await runtime.close();
    }
  });

  it("fails a malformed queued payload at once instead of retrying it", async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    await runtime.start();
    try {
      const job = await runtime.queue(queueNames.maintenance).add(ensureLedgerPartitions.name, { monthsAhead: "soon" });
      expect(await settled(job)).toBe("failed");
      const failed = await runtime.queue(queueNames.maintenance).getJob(job.id ?? "");
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/invalid payload for ledger\.ensure-partitions/);
    } finally {
      await runtime.close();
    }
  });

  it("lets a running job finish when it is stopped", async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineJob({
      queue: queueNames.maintenance,
      name: "test.slow",
      schema: z.object({ ms: z.number() }),
      async handle({ ms }) {
        started();
        await new Promise((resolve) => setTimeout(resolve, ms));
        finished = true;
        return { slept: ms };
      },
    });
    const prefix = `test:${randomUUID()}`;
    const runtime = runtimeWith([slow], prefix);
    await runtime.start();
    const job = await runtime.enqueue(slow.name, { ms: 500 });
    await running;
    await runtime.close();
    expect(finished).toBe(true);

    const inspector = runtimeWith([slow], prefix);
    try {
      const stored = await inspector.queue(queueNames.maintenance).getJob(job.id ?? "");
      expect(await stored?.getState()).toBe("completed");
      expect(stored?.returnvalue).toEqual({ slept: 500 });
    } finally {
      await inspector.close();
    }
  });
  it("adds nothing from a batch when any payload breaks its job's schema", async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    try {
      await expect(
        runtime.enqueueMany(queueNames.maintenance, [
          { name: ensureLedgerPartitions.name, data: { monthsAhead: 2 } },
          { name: ensureLedgerPartitions.name, data: { monthsAhead: 0 } },
        ]),
      ).rejects.toThrow();
      await expect(
        runtime.enqueueMany(queueNames.events, [{ name: ensureLedgerPartitions.name, data: { monthsAhead: 2 } }]),
      ).rejects.toThrow(/unknown job "ledger\.ensure-partitions" on queue "events"/);
      expect(await runtime.queue(queueNames.maintenance).getJobCounts("waiting")).toEqual({ waiting: 0 });
    } finally {
      await runtime.close();
    }
  });

  it("refuses a registry that would route a job to two handlers", () => {
    const anyJob = (name: string, catchAll = false) =>
      defineJob({ queue: queueNames.events, name, catchAll, schema: z.object({}), handle: async () => null });
    expect(() => runtimeWith([anyJob("a"), anyJob("a")])).toThrow(/two jobs are named "a"/);
    expect(() => runtimeWith([anyJob("a", true), anyJob("b", true)])).toThrow(/two catch-all jobs/);
  });
});
