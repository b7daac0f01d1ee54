// Redeem: points pay for part of a check (at most the program's share), taken from the guest's
// lots oldest-expiry-first; the part paid in money earns points as an accrual would. With a
// quote's hold the points it reserved are used; without one the limits are checked afresh.
import {
  maxRedeemablePoints,
  type OperationResult,
  pointsToMinor,
  type RedemptionInput,
  ServiceError,
} from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import { availablePoints, earnRate, type GuestState, pointsEarnedOn } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { assertCurrency, lotExpiry, openLots } from "./ledger-reads.ts";
import { levelAfterPurchase } from "./level-decisions.ts";
import { takeFromLots, total } from "./lots.ts";
import { levelEvents, operationResult, pointsEvent } from "./results.ts";
import { auditTillOperation } from "./till-audit.ts";
import { tillRestaurant } from "./till-restaurant.ts";
import type { CheckOrigin, VerbCall } from "./verb.ts";
import { saleCheck, writeOperation } from "./write-operation.ts";

export type RedeemRequest = VerbCall<RedemptionInput & CheckOrigin>;

interface HoldRow {
  guest_id: string;
  amount_minor: string;
  currency: string;
  max_points: number;
  status: "held" | "committed" | "released";
  expires_at: Date;
}

/** The hold being committed, checked against the request; returns the points it reserved. */
async function claimHold(client: pg.PoolClient, input: RedemptionInput, at: Date): Promise<number> {
  const { rows } = await client.query<HoldRow>(
    `SELECT guest_id, amount_minor, currency, max_points, status, expires_at FROM redemption_holds
      WHERE tenant_id = app_current_tenant() AND id = $1 FOR UPDATE`,
    [input.holdId],
  );
  const hold = rows[0];
  if (!hold || hold.guest_id !== input.guestId) {
    throw new ServiceError("NOT_FOUND", "There is no such quote for this guest.", { key: "error-quote-unknown" });
  }
  if (hold.status === "committed") {
    throw new ServiceError("CONFLICT", "This quote has already been used. Quote again.", { key: "error-quote-used" });
  }
  if (hold.status === "released") {
    throw new ServiceError("CONFLICT", "A newer quote replaced this one. Use the newest quote, or quote again.", {
      key: "error-quote-replaced",
    });
  }
  if (hold.expires_at <= at) {
    throw new ServiceError("CONFLICT", "This quote has expired. Quote again.", { key: "error-quote-expired" });
  }
  if (BigInt(hold.amount_minor) !== input.amountMinor || hold.currency !== input.currency) {
    throw new ServiceError("VALIDATION", "The check amount differs from the quote. Quote again for the new amount.", {
      key: "error-quote-amount",
    });
  }
  if (input.points > hold.max_points) {
    throw new ServiceError("VALIDATION", `This quote allows at most ${hold.max_points} points.`, {
      fields: [{ path: "points", message: `at most ${hold.max_points}` }],
      details: { maxRedeemablePoints: hold.max_points },
      key: "error-hold-limit",
      vars: { max: hold.max_points },
    });
  }
  return hold.max_points;
}

function checkLimits(state: GuestState, input: RedemptionInput, reserved: number): void {
  const available = availablePoints(state, reserved);
  if (!input.holdId) {
    const limit = maxRedeemablePoints({
      amountMinor: input.amountMinor,
      maxShareBps: state.program.maxRedeemShareBps,
      pointValueMinor: state.program.pointValueMinor,
      available: Number.MAX_SAFE_INTEGER,
    });
    if (input.points > limit) {
      throw new ServiceError(
        "VALIDATION",
        `Only ${limit} points can pay for this check (${state.program.maxRedeemShareBps / 100}% of it).`,
        {
          fields: [{ path: "points", message: `at most ${limit}` }],
          details: { maxRedeemablePoints: limit },
          key: "error-share-limit",
          vars: { limit, share: state.program.maxRedeemShareBps / 100 },
        },
      );
    }
  }
  if (input.points > available) {
    throw new ServiceError("CONFLICT", `The guest has only ${available} points available now. Quote again.`, {
      details: { available },
      key: "error-not-enough-points",
      vars: { available },
    });
  }
}

export async function redeemPoints(deps: EngineDeps, request: RedeemRequest): Promise<Outcome<OperationResult>> {
  const { input, actor, tenantId } = request;
  const at = deps.clock();
  const hash = requestHash({ verb: "redemption", ...input });
  return runGuestOperation(deps, {
    tenantId,
    guestId: input.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    async work(client, state) {
      assertCurrency(state, input.currency);
      const restaurantId = await tillRestaurant(client, actor, input.restaurantId);
      const reserved = input.holdId ? await claimHold(client, input, at) : 0;
      checkLimits(state, input, reserved);

      const { program } = state;
      const takes = takeFromLots(await openLots(client, input.guestId), input.points);
      if (total(takes) !== input.points) {
        // The cached balance and the lots disagree: refuse rather than break the ledger.
        throw new Error(`lots of guest ${input.guestId} hold less than the balance`);
      }
      const paidMinor = input.amountMinor - pointsToMinor(input.points, program.pointValueMinor);
      const rate = earnRate(state);
      const earned = pointsEarnedOn(state, paidMinor);
      const closedAt = input.closedAt ?? at;
      const level = levelAfterPurchase(state, state.windowSpendMinor + input.amountMinor, at);
      const operationId = uuidv7();
      const checkId = uuidv7();
      const lotId = uuidv7();
      const expiresAt = earned > 0 ? lotExpiry(state, at) : null;
      const result = operationResult({
        operationId,
        kind: "redemption",
        state,
        checkId,
        counts: { redeemed: input.points, earned },
        pointsDelta: earned - input.points,
        amountMinor: input.amountMinor,
        paidMinor,
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
          kind: "redemption",
          source: actor.source,
          checkId,
          actorStaffId: actor.staffId ?? null,
          result,
        },
        check: saleCheck({
          id: checkId,
          source: actor.source,
          input: { ...input, restaurantId },
          paidMinor: paidMinor,
          pointsRedeemed: input.points,
          closedAt,
        }),
        newLots: earned > 0 ? [{ id: lotId, checkId, points: earned, expiresAt }] : [],
        lotChanges: takes.map((take) => ({ lotId: take.lotId, delta: -take.points })),
        movements: [
          ...takes.map((take) => ({ lotId: take.lotId, points: -take.points })),
          ...(earned > 0 ? [{ lotId, points: earned }] : []),
        ],
        entries: [
          { kind: "redeem", points: -input.points, checkId, reason: null },
          { kind: "earn", points: earned, checkId, reason: null },
        ],
        balanceBefore: state.balance,
        level,
        lastVisitAt: closedAt,
        events: [
          { type: "points.redeemed", payload: pointsEvent(result) },
          ...(earned > 0
            ? [{ type: "points.earned", payload: pointsEvent(result, { reason: "purchase", rateBps: rate }) }]
            : []),
          ...levelEvents(result),
        ],
        committedHoldId: input.holdId ?? null,
      });
      await auditTillOperation(client, actor, result, { restaurantId: restaurantId ?? null, at });
      return result;
    },
  });
}
