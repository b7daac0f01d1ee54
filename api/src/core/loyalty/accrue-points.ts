// Accrue: a check paid entirely in money earns points at the guest's level rate, in a new lot.
// The check counts toward the guest's level at once.
import type { AccrualInput, OperationResult } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import { earnRate, pointsEarnedOn } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { assertCurrency, assertRestaurant, lotExpiry } from "./ledger-reads.ts";
import { levelAfterPurchase } from "./level-decisions.ts";
import { levelEvents, operationResult, pointsEvent } from "./results.ts";
import type { CheckOrigin, VerbCall } from "./verb.ts";
import { saleCheck, writeOperation } from "./write-operation.ts";

export type AccrueRequest = VerbCall<AccrualInput & CheckOrigin>;

export async function accruePoints(deps: EngineDeps, request: AccrueRequest): Promise<Outcome<OperationResult>> {
  const { input, actor, tenantId } = request;
  const at = deps.clock();
  const hash = requestHash({ verb: "accrual", ...input });
  return runGuestOperation(deps, {
    tenantId,
    guestId: input.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    async work(client, state) {
      assertCurrency(state, input.currency);
      await assertRestaurant(client, input.restaurantId);
      const rate = earnRate(state);
      const earned = pointsEarnedOn(state, input.amountMinor);
      const closedAt = input.closedAt ?? at;
      const level = levelAfterPurchase(state, state.windowSpendMinor + input.amountMinor, at);
      const operationId = uuidv7();
      const checkId = uuidv7();
      const lotId = uuidv7();
      const expiresAt = earned > 0 ? lotExpiry(state, at) : null;
      const result = operationResult({
        operationId,
        kind: "accrual",
        state,
        checkId,
        counts: { earned },
        pointsDelta: earned,
        amountMinor: input.amountMinor,
        paidMinor: input.amountMinor,
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
          kind: "accrual",
          source: actor.source,
          checkId,
          actorStaffId: actor.staffId ?? null,
          result,
        },
        check: saleCheck({
          id: checkId,
          source: actor.source,
          input,
          paidMinor: input.amountMinor,
          pointsRedeemed: 0,
          closedAt,
        }),
        newLots: earned > 0 ? [{ id: lotId, checkId, points: earned, expiresAt }] : [],
        lotChanges: [],
        movements: earned > 0 ? [{ lotId, points: earned }] : [],
        entries: [{ kind: "earn", points: earned, checkId, reason: null }],
        balanceBefore: state.balance,
        level,
        lastVisitAt: closedAt,
        events: [
          ...(earned > 0
            ? [{ type: "points.earned", payload: pointsEvent(result, { reason: "purchase", rateBps: rate }) }]
            : []),
          ...levelEvents(result),
        ],
        committedHoldId: null,
      });
      return result;
    },
  });
}
