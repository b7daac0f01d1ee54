// Guests hear about their points, level and restaurant events in Telegram, from the tenant's own bot. The notifier
// (@maxl/bot) does the work and keeps it idempotent per event; this adapts it to the dispatcher.
import type { Notifier } from "@maxl/bot";
import type { EventConsumer } from "./consumers.ts";

export function telegramNotifications(notifier: Notifier): EventConsumer {
  return {
    name: "telegram-notifications",
    types: notifier.types,
    async handle(event, deps) {
      const outcome = await notifier.notify(event, deps.engine);
      deps.logger.debug(
        { tenantId: event.tenantId, eventId: event.eventId, type: event.type, outcome },
        "telegram notification",
      );
    },
    // Most points events reach nobody (no bot, no Telegram, notifications off): one query for the
    // batch spares each of those its own.
    relevant: (events, deps) => notifier.reachableAmong(events, deps.engine),
  };
}
