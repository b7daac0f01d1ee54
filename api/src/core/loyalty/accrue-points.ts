// Accrue: a check paid entirely in money earns points at the guest's level rate, in a new lot.
// The check counts toward the guest's level at once.
import type { AccrualInput, OperationResult } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import { assertAccrualAllowed } from "../billing/accrual-gate.ts";
import type { EngineDeps } from "../context.ts";
import { earnRate, type GuestState, pointsEarnedOn } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { assertCurrency, lotExpiry } from "./ledger-reads.ts";
import { levelAfterPurchase } from "./level-decisions.ts";
import { levelEvents, operationResult, pointsEvent } from "./results.ts";
import { auditTillOperation } from "./till-audit.ts";
import { tillRestaurant } from "./till-restaurant.ts";
import type { CheckOrigin, VerbCall } from "./verb.ts";
import { type OperationWrite, saleCheck, writeOperation } from "./write-operation.ts";

export type AccrueRequest = VerbCall<AccrualInput & CheckOrigin>;

export async function accruePoints(deps: EngineDeps, request: AccrueRequest): Promise<Outcome<OperationResult>> {
  const { input, tenantId } = request;
  const at = deps.clock();
  const hash = accrualHash(request);
  return runGuestOperation(deps, {
    tenantId,
    guestId: input.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    async work(client, state) {
      const planned = await planAccrual(deps, client, request, state, hash, at);
      await writeOperation(client, planned.write);
      await auditTillOperation(client, request.actor, planned.result, {
        restaurantId: planned.write.check?.restaurantId ?? null,
        at,
      });
      return planned.result;
    },
  });
}

/** The request fingerprint an accrual's idempotency key is judged by. */
export function accrualHash(request: AccrueRequest): string {
  return requestHash({ verb: "accrual", ...request.input });
}

/**
 * Everything an accrual decides, with the guest locked and no earlier answer for its key: the
 * checks it refuses (currency, the plan's guest limit, the restaurant), and the operation to write.
 * Shared by accruePoints and the POS's batch crediting (accrue-points-batch.ts), so both write the
 * same rows.
 */
export async function planAccrual(
  deps: EngineDeps,
  client: pg.PoolClient,
  request: AccrueRequest,
  state: GuestState,
  hash: string,
  at: Date,
): Promise<{ result: OperationResult; write: OperationWrite }> {
  const { input, actor, tenantId } = request;
  assertCurrency(state, input.currency);
  await assertAccrualAllowed(deps, client, tenantId, input.guestId);
  const restaurantId = await tillRestaurant(client, actor, input.restaurantId);
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
  const write: OperationWrite = {
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
      input: { ...input, restaurantId },
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
  };
  return { result, write };
}
