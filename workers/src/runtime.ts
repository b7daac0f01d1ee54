// Runs the registered jobs on BullMQ: one Worker per queue, schedulers for scheduled jobs, a
// producer for enqueuing, and a stop that lets in-flight jobs finish (SIGTERM must not lose a
// job: BullMQ's Worker.close waits for active jobs before it returns).
import { createRedis, type Logger } from "@maxl/api";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Enqueuer, JobDefinition, JobDeps, WorkerServices } from "./jobs/definition.ts";
import { BULL_PREFIX, defaultJobOptions, type QueueName } from "./queues.ts";

export interface WorkerRuntimeOptions {
  redisUrl: string;
  jobs: readonly JobDefinition[];
  /** handed to every job, together with the runtime's own enqueue */
  deps: WorkerServices;
  concurrency?: Partial<Record<QueueName, number>>;
  /** BullMQ key prefix; tests give each runtime its own */
  prefix?: string;
  /**
   * How long a running job's lock lasts without renewal (BullMQ's default 30 s). A worker that
   * dies mid-job loses its lock after this, and the job runs again elsewhere.
   */
  lockDurationMs?: number;
  logger: Logger;
}

export interface WorkerRuntime extends Enqueuer {
  /** Starts a worker per queue and registers the schedules. */
  start(): Promise<void>;
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { logger } = options;
  const prefix = options.prefix ?? BULL_PREFIX;
  const { byName, catchAll } = indexJobs(options.jobs);
  const producer = createRedis({ url: options.redisUrl, kind: "queue", name: "workers-producer", logger });
  const consumer = createRedis({ url: options.redisUrl, kind: "queue", name: "workers-consumer", logger });
  const queues = new Map<QueueName, Queue>();
  const workers: Worker[] = [];

  const queue = (name: QueueName): Queue => {
    let existing = queues.get(name);
    if (!existing) {
      existing = new Queue(name, { connection: producer, prefix, defaultJobOptions: { ...defaultJobOptions } });
      // Without a listener BullMQ prints every failed reconnect to stderr. The producer connection
      // already logs an outage once, and a failed add rejects its own promise.
      existing.on("error", (error) => logger.debug({ err: error, queue: name }, "queue connection error"));
      queues.set(name, existing);
    }
    return existing;
  };

  const definitionOn = (queueName: QueueName, jobName: string): JobDefinition | undefined => {
    const named = byName.get(jobName);
    return named?.queue === queueName ? named : catchAll.get(queueName);
  };

  const enqueue: Enqueuer["enqueue"] = async (name, data, jobOptions) => {
    const definition = byName.get(name);
    if (!definition) throw new Error(`unknown job "${name}"`);
    const payload = definition.schema.parse(data);
    return queue(definition.queue).add(name, payload, jobOptions);
  };

  const enqueueMany: Enqueuer["enqueueMany"] = async (queueName, jobs) => {
    const checked = jobs.map((job) => {
      const definition = definitionOn(queueName, job.name);
      if (!definition) throw new Error(`unknown job "${job.name}" on queue "${queueName}"`);
      return { name: job.name, data: definition.schema.parse(job.data), opts: job.options };
    });
    if (checked.length === 0) return [];
    return queue(queueName).addBulk(checked);
  };

  const deps: JobDeps = { ...options.deps, enqueue, enqueueMany };

  const runJob = async (queueName: QueueName, job: Job): Promise<unknown> => {
    const definition = definitionOn(queueName, job.name);
    if (!definition) throw new UnrecoverableError(`unknown job "${job.name}"`);
    const parsed = definition.schema.safeParse(job.data);
    // A malformed payload will not get better on retry.
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.message}`);
    return definition.handle(parsed.data, deps);
  };

  return {
    queue,
    enqueue,
    enqueueMany,

    async start() {
      const queueNamesInUse = [...new Set(options.jobs.map((job) => job.queue))];
      for (const name of queueNamesInUse) {
        const worker = new Worker(name, (job) => runJob(name, job), {
          connection: consumer,
          prefix,
          concurrency: options.concurrency?.[name] ?? 1,
          ...(options.lockDurationMs
            ? { lockDuration: options.lockDurationMs, stalledInterval: Math.max(500, options.lockDurationMs / 2) }
            : {}),
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

    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await Promise.allSettled([producer.quit(), consumer.quit()]);
    },
  };
}

// A registry mistake (two jobs sharing a name, two catch-alls on a queue) would silently route
// jobs to the wrong handler, so it stops the process instead.
function indexJobs(jobs: readonly JobDefinition[]) {
  const byName = new Map<string, JobDefinition>();
  const catchAll = new Map<QueueName, JobDefinition>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`two jobs are named "${job.name}"`);
    byName.set(job.name, job);
    if (!job.catchAll) continue;
    if (catchAll.has(job.queue)) throw new Error(`queue "${job.queue}" has two catch-all jobs`);
    catchAll.set(job.queue, job);
  }
  return { byName, catchAll };
}
