import type { Logger } from "@maxl/api";
import type { PlatformDb } from "@maxl/db";
import type { z } from "zod";
import type { QueueName } from "../queues.ts";

export interface JobDeps {
  platformDb: PlatformDb;
  logger: Logger;
}

/**
 * One kind of job: its queue, a dotted name, the schema of its payload (checked both when it is
 * enqueued and when it runs), an optional schedule, and the handler.
 */
export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  queue: QueueName;
  name: string;
  schema: Schema;
  /** cron pattern (UTC) for jobs that run on a schedule */
  schedule?: { pattern: string; data: z.input<Schema> };
  handle(data: z.infer<Schema>, deps: JobDeps): Promise<unknown>;
}

export function defineJob<Schema extends z.ZodType>(definition: JobDefinition<Schema>): JobDefinition<Schema> {
  return definition;
}
