// When an admin changes the level thresholds (or the level window), guests' levels follow at
// once instead of at the tenant's next daily re-evaluation: updateProgram writes
// program.levels_changed, and this runs the same re-evaluation for that tenant. It is
// idempotent (guests already on the level their spend reaches are left alone), so a repeated
// event, or the daily run racing it, changes nothing more.
import { LEVELS_CHANGED_EVENT, reevaluateLevels } from "@maxl/api";
import type { EventConsumer } from "./consumers.ts";

export function levelReevaluation(): EventConsumer {
  return {
    name: "level-reevaluation",
    types: [LEVELS_CHANGED_EVENT],
    async handle(event, deps) {
      const run = await reevaluateLevels(deps.engine, event.tenantId);
      deps.logger.info(
        { tenantId: event.tenantId, eventId: event.eventId, ...run },
        "levels re-evaluated after a program change",
      );
    },
  };
}
