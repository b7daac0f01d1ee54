export type { JobDefinition, JobDeps } from "./jobs/definition.ts";
export { jobRegistry } from "./jobs/registry.ts";
export { BULL_PREFIX, defaultJobOptions, type QueueName, queueNames } from "./queues.ts";
export { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from "./runtime.ts";
