export {
  BROADCAST_SEND_JOB,
  type BroadcastJobsOptions,
  broadcastJobId,
  broadcastJobs,
  broadcastStarter,
} from "./broadcasts/broadcast-jobs.ts";
export { type ConsumerServices, type EventConsumer, eventConsumers } from "./events/consumers.ts";
export { dispatchEvents } from "./events/dispatch.ts";
export { eventJobId, type PublishedEvent, publishedEventSchema } from "./events/published-event.ts";
export { telegramNotifications } from "./events/telegram-notifications.ts";
export type { Enqueuer, JobDefinition, JobDeps, JobToEnqueue, WorkerServices } from "./jobs/definition.ts";
export { createJobRegistry } from "./jobs/registry.ts";
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayPass } from "./outbox/relay.ts";
export { BULL_PREFIX, defaultJobOptions, type QueueName, queueNames } from "./queues.ts";
export { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from "./runtime.ts";
