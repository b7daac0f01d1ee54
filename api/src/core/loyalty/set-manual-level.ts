// An admin sets a guest's level by hand until a date, or ends such a level early. The level is
// explicit: while it lasts the guest holds exactly it (a purchase reaching a higher level still
// upgrades), and when it ends the level their spend reaches applies at once.
import { levelForSpend, type ManualLevelInput, ServiceError } from "@maxl/shared";
import type { Actor, EngineDeps } from "../context.ts";
import { lockGuest } from "./guest-state.ts";
import { type LevelOutcome, levelFields } from "./level-decisions.ts";
import { writeLevel } from "./write-level.ts";

export interface ManualLevelRequest {
  tenantId: string;
  actor: Actor;
  guestId: string;
  input: ManualLevelInput;
}

export async function setManualLevel(deps: EngineDeps, request: ManualLevelRequest): Promise<LevelOutcome> {
  const at = deps.clock();
  const { input } = request;
  return deps.db.withTenantClient(request.tenantId, async (client) => {
    const state = await lockGuest(client, deps.rules, request.tenantId, request.guestId, at);
    let outcome: LevelOutcome;
    if (input.levelId) {
      const level = state.levels.find((rule) => rule.id === input.levelId);
      if (!level) {
        throw new ServiceError("VALIDATION", "There is no such level in this program.", {
          key: "level-unknown",
          fields: [{ path: "levelId", message: "unknown level" }],
        });
      }
      if (!input.until || input.until <= at) {
        throw new ServiceError("VALIDATION", "A manual level needs an end date in the future.", {
          key: "manual-level-until",
          fields: [{ path: "until", message: "must be in the future" }],
        });
      }
      outcome = {
        levelId: level.id,
        levelChangedAt: level.id === state.levelId ? state.levelChangedAt : at,
        manualLevelId: level.id,
        manualLevelUntil: input.until,
        levelDowngradeDueAt: null,
        change:
          level.id === state.levelId ? null : { fromLevelId: state.levelId, toLevelId: level.id, reason: "manual" },
      };
    } else {
      if (!state.manualLevelId)
        throw new ServiceError("VALIDATION", "This guest has no manual level to end.", { key: "manual-level-none" });
      const reached = levelForSpend(state.levels, state.windowSpendMinor);
      outcome = {
        ...levelFields(state),
        levelId: reached?.id ?? null,
        levelChangedAt: reached?.id === state.levelId ? state.levelChangedAt : at,
        manualLevelId: null,
        manualLevelUntil: null,
        change:
          reached?.id === state.levelId
            ? null
            : { fromLevelId: state.levelId, toLevelId: reached?.id ?? null, reason: "manual_ended" },
      };
    }
    await writeLevel(client, request.guestId, outcome, at);
    await client.query(
      `INSERT INTO audit_log (tenant_id, created_at, actor_kind, actor_staff_id, action, entity_type, entity_id, reason, ip,
                              user_agent, changes)
       VALUES (app_current_tenant(), $1, 'staff', $2, $3, 'guest', $4, $5, $6, $7, $8::jsonb)`,
      [
        at,
        request.actor.staffId ?? null,
        input.levelId ? "level.set_manual" : "level.end_manual",
        request.guestId,
        input.reason,
        request.actor.ip ?? null,
        request.actor.userAgent ?? null,
        JSON.stringify({
          from: state.levelId,
          to: outcome.levelId,
          until: outcome.manualLevelUntil?.toISOString() ?? null,
        }),
      ],
    );
    return outcome;
  });
}
