// Keeps the registry in line with bot_connections: at once when the API announces a change on
// Redis, and on a timer besides, which also covers announcements missed while Redis was away and
// bots that failed to start (Telegram down, a token revoked and then restored).
import type { Logger } from "@maxl/api";
import type { Redis } from "ioredis";
import type { BotRegistry } from "./registry.ts";

export interface BotWatcherOptions {
  registry: BotRegistry;
  /** a connection of its own: a subscribed connection can do nothing else */
  subscriber: Redis;
  channel: string;
  everySeconds: number;
  logger: Logger;
}

export interface BotWatcher {
  stop(): Promise<void>;
}

export async function watchBotChanges(options: BotWatcherOptions): Promise<BotWatcher> {
  const { registry, subscriber, logger } = options;
  const reconcile = () =>
    registry.reconcile().catch((error: unknown) => logger.error({ err: error }, "could not reconcile the bots"));
  const onMessage = (channel: string) => {
    if (channel === options.channel) void reconcile();
  };
  subscriber.on("message", onMessage);
  await subscriber.subscribe(options.channel);
  await reconcile();
  const timer = setInterval(() => void reconcile(), options.everySeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      subscriber.off("message", onMessage);
      await subscriber.unsubscribe(options.channel).catch(() => undefined);
    },
  };
}
