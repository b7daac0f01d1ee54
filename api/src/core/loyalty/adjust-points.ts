// Adjust: a manager corrects a guest's balance by hand, always with a reason. Added points form
// a new lot with the program's lifetime; removed points come from the lots oldest-expiry-first,
// never more than the guest can spend. Recorded in the ledger and in the audit log.
import { type AdjustmentInput, type OperationResult, ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import { availablePoints } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { lotExpiry, openLots } from "./ledger-reads.ts";
import { levelFields } from "./level-decisions.ts";
import { takeFromLots } from "./lots.ts";
import { operationResult } from "./results.ts";
import type { VerbCall } from "./verb.ts";
import { writeOperation } from "./write-operation.ts";

export async function adjustPoints(
  deps: EngineDeps,
  request: VerbCall<AdjustmentInput>,
): Promise<Outcome<OperationResult>> {
  const { input, actor, tenantId } = request;
  const at = deps.clock();
  const hash = requestHash({ verb: "adjustment", ...input });
  return runGuestOperation(deps, {
    tenantId,
    guestId: input.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    async work(client, state) {
      const adding = input.points > 0;
      const available = availablePoints(state);
      if (!adding && -input.points > available) {
        throw new ServiceError("VALIDATION", `The guest has only ${available} points that can be removed.`, {
          key: "points-adjust-too-many",
          vars: { available },
          fields: [{ path: "points", message: `at least -${available}` }],
          details: { available },
        });
      }
      const operationId = uuidv7();
      const lotId = uuidv7();
      const expiresAt = adding ? lotExpiry(state, at) : null;
      const takes = adding ? [] : takeFromLots(await openLots(client, input.guestId), -input.points);
      const level = { ...levelFields(state), change: null };
      const result = operationResult({
        operationId,
        kind: "adjustment",
        state,
        checkId: null,
        counts: { adjusted: input.points },
        pointsDelta: input.points,
        expiresAt,
        level,
        at,
      });
      await writeOperation(client, {
        tenantId,
        guestId: input.guestId,
        at,
        operation: {
          id: operationId,
          idempotencyKey: request.idempotencyKey,
          requestHash: hash,
          kind: "adjustment",
          source: actor.source,
          checkId: null,
          actorStaffId: actor.staffId ?? null,
          result,
        },
        newLots: adding ? [{ id: lotId, checkId: null, points: input.points, expiresAt }] : [],
        lotChanges: takes.map((take) => ({ lotId: take.lotId, delta: -take.points })),
        movements: adding
          ? [{ lotId, points: input.points }]
          : takes.map((take) => ({ lotId: take.lotId, points: -take.points })),
        entries: [{ kind: "adjust", points: input.points, checkId: null, reason: input.reason }],
        balanceBefore: state.balance,
        level,
        lastVisitAt: null,
        events: [
          {
            type: "points.adjusted",
            payload: {
              guestId: input.guestId,
              operationId,
              points: input.points,
              balance: result.balance,
              reason: input.reason,
              expiresAt: result.expiresAt,
              at: result.at,
            },
          },
        ],
        committedHoldId: null,
      });
      await client.query(
        `INSERT INTO audit_log (tenant_id, created_at, actor_kind, actor_staff_id, action, entity_type, entity_id, reason, ip,
                                user_agent, changes)
         VALUES (app_current_tenant(), $1, 'staff', $2, 'points.adjust', 'guest', $3, $4, $5, $6, $7::jsonb)`,
        [
          at,
          actor.staffId ?? null,
          input.guestId,
          input.reason,
          actor.ip ?? null,
          actor.userAgent ?? null,
          JSON.stringify({
            points: input.points,
            balanceBefore: state.balance,
            balanceAfter: result.balance,
            operationId,
          }),
        ],
      );
      return result;
    },
  });
}
