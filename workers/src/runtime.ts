// Runs the registered jobs on BullMQ: one Worker per queue, schedulers for scheduled jobs, a
// producer for enqueuing, and a stop that lets in-flight jobs finish (SIGTERM must not lose a
// job: BullMQ's Worker.close waits for active jobs before it returns).
import { createRedis, type Logger } from "@maxl/api";
import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from "bullmq";
import type { JobDefinition, JobDeps } from "./jobs/definition.ts";
import { BULL_PREFIX, defaultJobOptions, type QueueName } from "./queues.ts";

export interface WorkerRuntimeOptions {
  redisUrl: string;
  jobs: readonly JobDefinition[];
  deps: JobDeps;
  concurrency?: Partial<Record<QueueName, number>>;
  /** BullMQ key prefix; tests give each runtime its own */
  prefix?: string;
  logger: Logger;
}

export interface WorkerRuntime {
  /** Starts a worker per queue and registers the schedules. */
  start(): Promise<void>;
  /** Validates the payload against the job's schema and enqueues it. */
  enqueue(name: string, data: unknown, options?: JobsOptions): Promise<Job>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { logger } = options;
  const prefix = options.prefix ?? BULL_PREFIX;
  const byName = new Map(options.jobs.map((job) => [job.name, job]));
  const producer = createRedis({ url: options.redisUrl, kind: "queue", name: "workers-producer", logger });
  const consumer = createRedis({ url: options.redisUrl, kind: "queue", name: "workers-consumer", logger });
  const queues = new Map<QueueName, Queue>();
  const workers: Worker[] = [];

  const queue = (name: QueueName): Queue => {
    let existing = queues.get(name);
    if (!existing) {
      existing = new Queue(name, { connection: producer, prefix, defaultJobOptions: { ...defaultJobOptions } });
      queues.set(name, existing);
    }
    return existing;
  };

  const runJob = async (job: Job): Promise<unknown> => {
    const definition = byName.get(job.name);
    if (!definition) throw new UnrecoverableError(`unknown job "${job.name}"`);
    const parsed = definition.schema.safeParse(job.data);
    // A malformed payload will not get better on retry.
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.message}`);
    return definition.handle(parsed.data, options.deps);
  };

  return {
    queue,

    async start() {
      const queueNamesInUse = [...new Set(options.jobs.map((job) => job.queue))];
      for (const name of queueNamesInUse) {
        const worker = new Worker(name, runJob, {
          connection: consumer,
          prefix,
          concurrency: options.concurrency?.[name] ?? 1,
        });
        worker.on("failed", (job, error) =>
          logger.warn({ err: error, job: job?.name, id: job?.id, attempt: job?.attemptsMade }, "job failed"),
        );
        worker.on("error", (error) => logger.error({ err: error, queue: name }, "worker error"));
        workers.push(worker);
      }
      for (const job of options.jobs) {
        if (!job.schedule) continue;
        await queue(job.queue).upsertJobScheduler(
          job.name,
          { pattern: job.schedule.pattern, tz: "UTC" },
          { name: job.name, data: job.schedule.data },
        );
      }
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
      logger.info({ queues: queueNamesInUse, jobs: options.jobs.map((job) => job.name) }, "workers started");
    },

    async enqueue(name, data, jobOptions) {
      const definition = byName.get(name);
      if (!definition) throw new Error(`unknown job "${name}"`);
      const payload = definition.schema.parse(data);
      return queue(definition.queue).add(name, payload, jobOptions);
    },

    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await Promise.allSettled([producer.quit(), consumer.quit()]);
    },
  };
}
