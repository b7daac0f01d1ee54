// Points that pay for a place at a restaurant event, and their return when the place is given up.
// Unlike the other verbs these run inside the caller's transaction: the events verbs hold the
// event's row lock, and the place and its payment must land together or not at all. The guest's
// row is locked here all the same, after the event's (always in that order, so no two event
// transactions deadlock), and the stored answer for the key is found under that lock.
// - Paying takes points from the guest's lots oldest-expiry-first, like a redemption (no check).
// - Returning puts back exactly what the payment took, lot by lot, keeping each lot's expiry;
//   points returned to a lot that has meanwhile expired expire again at once (as refund-check).
// Neither writes a points.* event: the event's own notification tells the guest about the points.
import { type OperationResult, ServiceError } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import type { Actor, EngineDeps } from "../context.ts";
import { availablePoints, lockGuestAndFind } from "./guest-state.ts";
import { type Outcome, requestHash } from "./idempotency.ts";
import { lotsById, openLots } from "./ledger-reads.ts";
import { levelFields } from "./level-decisions.ts";
import { byExpiryThenAge, type OpenLot, takeFromLots, total } from "./lots.ts";
import { operationResult } from "./results.ts";
import { writeOperation } from "./write-operation.ts";

export interface EventPaymentRequest {
  tenantId: string;
  guestId: string;
  actor: Actor;
  idempotencyKey: string;
  eventId: string;
  eventTitle: string;
  /** the event's restaurant (null: the whole business), named on the ledger entry */
  restaurantId: string | null;
  points: number;
  at: Date;
}

function replayed(stored: { request_hash: string; result: unknown }, hash: string): Outcome<OperationResult> {
  if (stored.request_hash !== hash) {
    throw new ServiceError("VALIDATION", "This key was already used for a different points operation.", {
      key: "error-idempotency-reuse",
    });
  }
  return { result: stored.result as OperationResult, replayed: true };
}

/** Pays `points` for a place at an event, within `client`'s transaction. */
export async function payForEventIn(
  client: pg.PoolClient,
  deps: EngineDeps,
  request: EventPaymentRequest,
): Promise<Outcome<OperationResult>> {
  const { tenantId, guestId, at, points } = request;
  if (!Number.isInteger(points) || points <= 0) throw new Error("payForEventIn: points must be a positive integer");
  const hash = requestHash({ verb: "event-payment", guestId, eventId: request.eventId, points });
  const { state, stored } = await lockGuestAndFind(client, deps.rules, tenantId, guestId, at, request.idempotencyKey);
  if (stored) return replayed(stored, hash);
  const available = availablePoints(state);
  if (points > available) {
    throw new ServiceError("CONFLICT", `This event costs ${points} points; the guest has ${available}.`, {
      details: { available, price: points },
      key: "error-event-not-enough-points",
      vars: { price: points, available },
    });
  }
  const takes = takeFromLots(await openLots(client, guestId), points);
  if (total(takes) !== points) throw new Error(`lots of guest ${guestId} hold less than the balance`);
  const operationId = uuidv7();
  const level = { ...levelFields(state), change: null };
  const result = operationResult({
    operationId,
    kind: "redemption",
    state,
    checkId: null,
    counts: { redeemed: points },
    pointsDelta: -points,
    level,
    at,
  });
  await writeOperation(client, {
    tenantId,
    guestId,
    at,
    operation: {
      id: operationId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      kind: "redemption",
      source: request.actor.source,
      checkId: null,
      actorStaffId: request.actor.staffId ?? null,
      result,
    },
    newLots: [],
    lotChanges: takes.map((take) => ({ lotId: take.lotId, delta: -take.points })),
    movements: takes.map((take) => ({ lotId: take.lotId, points: -take.points })),
    entries: [
      {
        kind: "redeem",
        points: -points,
        checkId: null,
        reason: `event: ${request.eventTitle}`,
        restaurantId: request.restaurantId,
      },
    ],
    balanceBefore: state.balance,
    level,
    lastVisitAt: null,
    events: [],
    committedHoldId: null,
  });
  return { result, replayed: false };
}

export interface EventRefundRequest {
  tenantId: string;
  guestId: string;
  actor: Actor;
  /** the operation payForEventIn wrote */
  paymentOperationId: string;
  idempotencyKey: string;
  reason: string;
  at: Date;
}

/** Returns exactly the lots an event payment took, within `client`'s transaction. */
export async function returnEventPaymentIn(
  client: pg.PoolClient,
  deps: EngineDeps,
  request: EventRefundRequest,
): Promise<Outcome<OperationResult>> {
  const { tenantId, guestId, at } = request;
  const hash = requestHash({ verb: "event-refund", guestId, paymentOperationId: request.paymentOperationId });
  const { state, stored } = await lockGuestAndFind(client, deps.rules, tenantId, guestId, at, request.idempotencyKey);
  if (stored) return replayed(stored, hash);
  const { rows } = await client.query<{ lot_id: string; points: number }>(
    `SELECT m.lot_id, -m.points AS points FROM lot_movements m
       JOIN loyalty_operations o ON o.tenant_id = m.tenant_id AND o.id = m.operation_id
      WHERE m.tenant_id = app_current_tenant() AND m.operation_id = $1 AND o.guest_id = $2 AND m.points < 0`,
    [request.paymentOperationId, guestId],
  );
  if (rows.length === 0) throw new Error(`event payment ${request.paymentOperationId} moved no points of ${guestId}`);
  // The return belongs where the payment was made, even if the event has moved since.
  const { rows: paidAt } = await client.query<{ restaurant_id: string | null }>(
    `SELECT restaurant_id FROM ledger_entries
      WHERE tenant_id = app_current_tenant() AND operation_id = $1 AND kind = 'redeem' LIMIT 1`,
    [request.paymentOperationId],
  );
  const restaurantId = paidAt[0]?.restaurant_id ?? null;
  const spent = new Map(rows.map((row) => [row.lot_id, row.points]));
  const lots: OpenLot[] = (await lotsById(client, [...spent.keys()])).sort(byExpiryThenAge);
  const movements: { lotId: string; points: number }[] = [];
  const deltas = new Map<string, number>();
  let returned = 0;
  let expiredAgain = 0;
  for (const lot of lots) {
    const back = spent.get(lot.id) ?? 0;
    movements.push({ lotId: lot.id, points: back });
    returned += back;
    let delta = back;
    if (lot.expiresAt && lot.expiresAt <= at) {
      movements.push({ lotId: lot.id, points: -back });
      expiredAgain += back;
      delta = 0;
    }
    deltas.set(lot.id, delta);
  }
  const operationId = uuidv7();
  const level = { ...levelFields(state), change: null };
  const result = operationResult({
    operationId,
    kind: "refund",
    state,
    checkId: null,
    counts: { returned, expired: expiredAgain },
    pointsDelta: returned - expiredAgain,
    level,
    at,
  });
  await writeOperation(client, {
    tenantId,
    guestId,
    at,
    operation: {
      id: operationId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      kind: "refund",
      source: request.actor.source,
      checkId: null,
      actorStaffId: request.actor.staffId ?? null,
      result,
    },
    newLots: [],
    lotChanges: [...deltas].map(([lotId, delta]) => ({ lotId, delta })),
    movements,
    entries: [
      { kind: "reversal", points: returned, checkId: null, reason: request.reason, restaurantId },
      {
        kind: "expire",
        points: -expiredAgain,
        checkId: null,
        reason: "returned points had already expired",
        restaurantId,
      },
    ],
    balanceBefore: state.balance,
    level,
    lastVisitAt: null,
    events: [],
    committedHoldId: null,
  });
  return { result, replayed: false };
}
