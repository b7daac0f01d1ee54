// Who reacts to the domain's events. Features (notifications, webhooks, analytics) add their
// consumer to `eventConsumers` below; the dispatcher hands each event to every consumer of its
// type.
import type { Notifier } from "@maxl/bot";
import { billingOwnerNotifications } from "../billing/owner-notifications.ts";
import { broadcastStarter } from "../broadcasts/broadcast-jobs.ts";
import { guestImportStarter } from "../imports/import-guests.ts";
import type { JobDeps } from "../jobs/definition.ts";
import { levelReevaluation } from "./level-reevaluation.ts";
import type { PublishedEvent } from "./published-event.ts";
import { telegramNotifications } from "./telegram-notifications.ts";

/**
 * One reaction to events, e.g. "tell the guest in Telegram when points expire".
 *
 * `handle` must be idempotent: it can see the same event more than once. The relay publishes
 * again after a crash between Redis and its commit, and a failed event job is retried with every
 * consumer of its type, including those that had already succeeded. Key side effects on
 * `tenantId` + `eventId`. Throwing fails the event's job, which BullMQ retries with backoff.
 */
export interface EventConsumer {
  /** for logs and failure reasons */
  name: string;
  /** event types, e.g. "points.expired" */
  types: readonly string[];
  handle(event: PublishedEvent, deps: JobDeps): Promise<void>;
  /**
   * Optional, for batches: the ids of the events (all of this consumer's types) that `handle`
   * needs to see; the others are done without it. For a consumer that would skip most events
   * after a query each, one query for the batch. When it throws, every event is handled.
   */
  relevant?(events: readonly PublishedEvent[], deps: JobDeps): Promise<Set<string>>;
}

/** What the consumers are built from: the process creates these once, from its configuration. */
export interface ConsumerServices {
  notifier: Notifier;
  /** the Bot API server the owners' billing notices go through (default Telegram's) */
  telegramApiRoot?: string;
}

/** Every consumer of the domain's events. */
export function eventConsumers(services: ConsumerServices): readonly EventConsumer[] {
  return [
    telegramNotifications(services.notifier),
    levelReevaluation(),
    guestImportStarter(),
    broadcastStarter(),
    billingOwnerNotifications({ telegramApiRoot: services.telegramApiRoot ?? "https://api.telegram.org" }),
  ];
}
