// The BullMQ runtime against real Redis and PostgreSQL: scheduled maintenance runs through the
// queue, malformed payloads fail without retries, and stopping waits for the job in hand.
import { randomUUID } from "node:crypto";
import { createLogger } from "@maxl/api";
import { createPlatformDb } from "@maxl/db";
import { testServices } from "@maxl/db/testing";
import type { Job } from "bullmq";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../src/jobs/definition.ts";
import { ensureLedgerPartitions } from "../src/jobs/ensure-ledger-partitions.ts";
import { queueNames } from "../src/queues.ts";
import { createWorkerRuntime, type WorkerRuntimeOptions } from "../src/runtime.ts";

const services = testServices();
const platformDb = createPlatformDb({ url: services.platformUrl });
const logger = createLogger({ service: "workers-test", level: "silent" });

afterAll(() => platformDb.close());

function runtimeWith(jobs: WorkerRuntimeOptions["jobs"], prefix = `test:${randomUUID()}`) {
  return createWorkerRuntime({ redisUrl: services.redisUrl, jobs, deps: { platformDb, logger }, prefix, logger });
}

async function settled(job: Job, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await job.getState();
    if (state === "completed" || state === "failed") return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${job.name} did not settle in ${timeoutMs} ms`);
}

describe("worker runtime", () => {
  it("creates the ledger's coming monthly partitions through the maintenance queue", async () => {
    const runtime = runtimeWith([ensureLedgerPartitions]);
    await runtime.start();
    try {
      const job = await runtime.enqueue(ensureLedgerPartitions.name, { monthsAhead: 6 });
      expect(await settled(job)).toBe("completed");
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
});
