import type { EngineDeps, Logger } from "@maxl/api";
import type { PlatformDb, SecretBox } from "@maxl/db";
import type { Job, JobsOptions } from "bullmq";
import type { z } from "zod";
import type { QueueName } from "../queues.ts";

/** What the process hands every job. */
export interface WorkerServices {
  /** maxl_platform: for the few jobs that must look across tenants */
  platformDb: PlatformDb;
  /**
   * What the domain verbs need: the application-role Db (row-level security applies, one tenant
   * per unit of work), a fail-fast Redis, the clock and the engine's settings.
   */
  engine: EngineDeps;
  /** opens the secrets tenants connected (POS logins, bot tokens) */
  secrets: SecretBox;
  logger: Logger;
}

export interface JobToEnqueue {
  name: string;
  data: unknown;
  options?: JobsOptions;
}

/** Enqueuing through the runtime, so every payload is checked against its job's schema first. */
export interface Enqueuer {
  enqueue(name: string, data: unknown, options?: JobsOptions): Promise<Job>;
  /**
   * Many jobs of one queue in one round trip. Every payload is checked before any is added; the
   * adds themselves are not atomic, so callers that may repeat give each job a jobId.
   */
  enqueueMany(queue: QueueName, jobs: readonly JobToEnqueue[]): Promise<Job[]>;
}

/** What a handler receives: the services, and the runtime's enqueue, so a job can fan out. */
export interface JobDeps extends WorkerServices, Enqueuer {}

/**
 * One kind of job: its queue, a dotted name, the schema of its payload (checked both when it is
 * enqueued and when it runs), an optional schedule, and the handler.
 */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  queue: QueueName;
  name: string;
  schema: Schema;
  /**
   * Also runs every job on its queue whose name no other definition claims. The events queue
   * names each job after its event type, so BullMQ's tools show what happened; the types belong
   * to the domain, and the workers should not have to list them to receive them. One per queue.
   */
  catchAll?: boolean;
  /** cron pattern (UTC) for jobs that run on a schedule */
  schedule?: { pattern: string; data: z.input<Schema> };
  handle(data: z.infer<Schema>, deps: JobDeps): Promise<unknown>;
}

export function defineJob<Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> {
  return definition;
}
