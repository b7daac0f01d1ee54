// Bonus: points the program gives on its own (welcome, birthday, attending an event), as a new lot
// with the program's lifetime. The key says what the bonus is for (e.g. "birthday:<guest>:2026"),
// so each is given once however often the job that grants it runs. Bonuses are new points like
// accruals, so the restricted state's gate applies (billing/accrual-gate.ts): a guest beyond the
// plan's guest limit of a restricted tenant is refused (LIMIT_EXCEEDED, error-plan-guest-limit)
// and nothing is stored under the key, so the bonus can be given once the tenant has paid.
import { isServiceError, type OperationResult, ServiceError } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import { assertAccrualAllowed } from "../billing/accrual-gate.ts";
import { type EngineDeps, systemActor } from "../context.ts";
import { type GuestState, lockGuestAndFind } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { lotExpiry } from "./ledger-reads.ts";
import { levelFields } from "./level-decisions.ts";
import { operationResult } from "./results.ts";
import { writeOperation } from "./write-operation.ts";

// "event": attending a restaurant event (api/src/core/events/check-in.ts)
export type BonusReason = "welcome" | "birthday" | "event";

export interface BonusRequest {
  tenantId: string;
  guestId: string;
  points: number;
  reason: BonusReason;
  idempotencyKey: string;
  /** the restaurant the bonus is for, when it is not the guest's own (an event's) */
  restaurantId?: string | null;
}

const bonusHash = (request: BonusRequest) =>
  requestHash({ verb: "bonus", guestId: request.guestId, points: request.points, reason: request.reason });

export async function grantBonus(deps: EngineDeps, request: BonusRequest): Promise<Outcome<OperationResult>> {
  const at = deps.clock();
  const hash = bonusHash(request);
  return runGuestOperation(deps, {
    tenantId: request.tenantId,
    guestId: request.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    work: (client, state) => writeBonus(deps, client, request, state, hash, at),
  });
}

/**
 * The same bonus within the caller's transaction, for a verb whose own change and the bonus must
 * land together (a check-in's attendance mark). The guest's row is locked here, after whatever
 * the caller locked first.
 */
export async function grantBonusIn(
  client: pg.PoolClient,
  deps: EngineDeps,
  request: BonusRequest,
  at: Date,
): Promise<Outcome<OperationResult>> {
  const hash = bonusHash(request);
  const { state, stored } = await lockGuestAndFind(
    client,
    deps.rules,
    request.tenantId,
    request.guestId,
    at,
    request.idempotencyKey,
  );
  if (stored) {
    if (stored.request_hash !== hash) {
      throw new ServiceError("VALIDATION", "This key was already used for a different points operation.", {
        key: "error-idempotency-reuse",
      });
    }
    return { result: stored.result as OperationResult, replayed: true };
  }
  return { result: await writeBonus(deps, client, request, state, hash, at), replayed: false };
}

async function writeBonus(
  deps: EngineDeps,
  client: pg.PoolClient,
  request: BonusRequest,
  state: GuestState,
  hash: string,
  at: Date,
): Promise<OperationResult> {
  await assertAccrualAllowed(deps, client, request.tenantId, request.guestId);
  const operationId = uuidv7();
  const lotId = uuidv7();
  const expiresAt = lotExpiry(state, at);
  const level = { ...levelFields(state), change: null };
  const result = operationResult({
    operationId,
    kind: "bonus",
    state,
    checkId: null,
    counts: { bonus: request.points },
    pointsDelta: request.points,
    expiresAt,
    level,
    at,
  });
  await writeOperation(client, {
    tenantId: request.tenantId,
    guestId: request.guestId,
    at,
    operation: {
      id: operationId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      kind: "bonus",
      source: systemActor.source,
      checkId: null,
      actorStaffId: null,
      result,
    },
    newLots: [{ id: lotId, checkId: null, points: request.points, expiresAt }],
    lotChanges: [],
    movements: [{ lotId, points: request.points }],
    entries: [
      {
        kind: "bonus",
        points: request.points,
        checkId: null,
        reason: `${request.reason} bonus`,
        restaurantId: request.restaurantId ?? null,
      },
    ],
    balanceBefore: state.balance,
    level,
    lastVisitAt: null,
    events: [
      {
        type: "points.earned",
        payload: {
          guestId: request.guestId,
          operationId,
          kind: "bonus",
          earned: request.points,
          pointsDelta: request.points,
          balance: result.balance,
          expiresAt: result.expiresAt,
          reason: request.reason,
          at: result.at,
        },
      },
    ],
    committedHoldId: null,
  });
  return result;
}

/** The refusal grantBonus gives a guest beyond a restricted plan's guest limit. */
export function isPlanGuestLimit(error: unknown): boolean {
  return isServiceError(error) && error.code === "LIMIT_EXCEEDED" && error.key === "error-plan-guest-limit";
}
