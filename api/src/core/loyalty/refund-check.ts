// Refund: a sale is refunded in full or in part. Rules (docs/loyalty-rules.md):
// - The points the sale spent go back to exactly the lots they came from, keeping each lot's
//   own expiry. Points returned to a lot that has meanwhile expired expire again at once.
// - The points the sale earned are taken back: first from the lots the sale created, then from
//   the guest's other lots, oldest expiry first. What the guest has already spent and cannot be
//   taken back is recorded as `unrecovered`; a balance never goes below zero.
// - Partial refunds are proportional and cumulative: after refunds totalling R of a sale of A,
//   round_half_up(spent x R / A) points have been returned and round_half_up(earned x R / A)
//   taken back, so several partial refunds add up to exactly one full refund.
// - The refund lowers the guest's spend in the level window; if the refunded sale is what lifted
//   the guest to their current level and they no longer reach it, the upgrade is undone.
// - A cashier may refund only their own sales, and only for a short while; others need a manager.
import { divideRounded, type OperationResult, proportionalPoints, type RefundInput, ServiceError } from "@maxl/shared";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import type { Actor, EngineDeps } from "../context.ts";
import type { GuestState } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation, storedOutcome } from "./idempotency.ts";
import { inLevelWindow, lotsById, openLots } from "./ledger-reads.ts";
import { levelAfterRefund } from "./level-decisions.ts";
import { byExpiryThenAge, type OpenLot, takeFromLots, total } from "./lots.ts";
import { levelEvents, operationResult } from "./results.ts";
import { auditTillOperation } from "./till-audit.ts";
import { assertTillMayTouch } from "./till-restaurant.ts";
import type { CheckOrigin, VerbCall } from "./verb.ts";
import { type EntryWrite, writeOperation } from "./write-operation.ts";

export type RefundRequest = VerbCall<RefundInput & CheckOrigin>;

interface SaleRow {
  id: string;
  kind: "sale" | "refund";
  guest_id: string | null;
  amount_minor: string;
  paid_minor: string;
  currency: string;
  restaurant_id: string | null;
  closed_at: Date;
}

interface SaleHistory {
  sale: SaleRow;
  amountMinor: bigint;
  paidMinor: bigint;
  /** points the sale's operations earned */
  earned: number;
  /** the level the sale's purchase lifted the guest to, if it did */
  upgradedTo: string | null;
  /** the operations that made the sale, and who made them */
  saleOperations: { id: string; actorStaffId: string | null; createdAt: Date }[];
  /** per lot: points the sale took from it */
  spentByLot: Map<string, number>;
  /** lots the sale created */
  earnedLotIds: string[];
  refundedMinor: bigint;
  refundedPaidMinor: bigint;
  returned: number;
  /** per lot: points earlier refunds already put back */
  returnedByLot: Map<string, number>;
  reversed: number;
  unrecovered: number;
}

async function readSale(client: pg.PoolClient, checkId: string): Promise<SaleRow | null> {
  const { rows } = await client.query<SaleRow>(
    `SELECT id, kind, guest_id, amount_minor, paid_minor, currency, restaurant_id, closed_at FROM checks
      WHERE tenant_id = app_current_tenant() AND id = $1`,
    [checkId],
  );
  return rows[0] ?? null;
}

async function readHistory(client: pg.PoolClient, sale: SaleRow): Promise<SaleHistory> {
  const operations = await client.query<{
    id: string;
    kind: string;
    result: OperationResult;
    actor_staff_id: string | null;
    created_at: Date;
    refund: boolean;
  }>(
    `SELECT o.id, o.kind, o.result, o.actor_staff_id, o.created_at, (o.check_id <> $1) AS refund
       FROM loyalty_operations o
      WHERE o.tenant_id = app_current_tenant()
        AND (o.check_id = $1
             OR o.check_id IN (SELECT id FROM checks WHERE tenant_id = app_current_tenant() AND refund_of_id = $1))`,
    [sale.id],
  );
  const saleOps = operations.rows.filter((row) => !row.refund);
  const refundOps = operations.rows.filter((row) => row.refund);
  const movements = await client.query<{ operation_id: string; lot_id: string; points: number }>(
    `SELECT operation_id, lot_id, points FROM lot_movements
      WHERE tenant_id = app_current_tenant() AND operation_id = ANY($1::uuid[])`,
    [operations.rows.map((row) => row.id)],
  );
  const refunds = await client.query<{ amount: string; paid: string }>(
    `SELECT coalesce(sum(amount_minor), 0) AS amount, coalesce(sum(paid_minor), 0) AS paid FROM checks
      WHERE tenant_id = app_current_tenant() AND refund_of_id = $1`,
    [sale.id],
  );
  const earnedLots = await client.query<{ id: string }>(
    "SELECT id FROM point_lots WHERE tenant_id = app_current_tenant() AND check_id = $1",
    [sale.id],
  );

  const saleOpIds = new Set(saleOps.map((row) => row.id));
  const refundOpIds = new Set(refundOps.map((row) => row.id));
  const spentByLot = new Map<string, number>();
  const returnedByLot = new Map<string, number>();
  for (const move of movements.rows) {
    if (saleOpIds.has(move.operation_id) && move.points < 0) {
      spentByLot.set(move.lot_id, (spentByLot.get(move.lot_id) ?? 0) - move.points);
    }
    if (refundOpIds.has(move.operation_id) && move.points > 0 && spentByLot.has(move.lot_id)) {
      returnedByLot.set(move.lot_id, (returnedByLot.get(move.lot_id) ?? 0) + move.points);
    }
  }
  const sum = (rows: typeof refundOps, key: "returned" | "reversed" | "unrecovered" | "earned") =>
    rows.reduce((acc, row) => acc + (row.result[key] ?? 0), 0);
  const upgrade = saleOps.map((row) => row.result.levelChange).find((change) => change?.reason === "purchase");
  return {
    sale,
    amountMinor: BigInt(sale.amount_minor),
    paidMinor: BigInt(sale.paid_minor),
    earned: sum(saleOps, "earned"),
    upgradedTo: upgrade?.toLevelId ?? null,
    saleOperations: saleOps.map((row) => ({ id: row.id, actorStaffId: row.actor_staff_id, createdAt: row.created_at })),
    spentByLot,
    earnedLotIds: earnedLots.rows.map((row) => row.id),
    refundedMinor: BigInt(refunds.rows[0]?.amount ?? 0),
    refundedPaidMinor: BigInt(refunds.rows[0]?.paid ?? 0),
    returned: sum(refundOps, "returned"),
    returnedByLot,
    reversed: sum(refundOps, "reversed"),
    unrecovered: sum(refundOps, "unrecovered"),
  };
}

function assertMayRefund(actor: Actor, history: SaleHistory, at: Date, windowMinutes: number): void {
  if (actor.role !== "cashier") return;
  const made = history.saleOperations[0];
  const ownSale = made !== undefined && made.actorStaffId === actor.staffId;
  const recent = made !== undefined && at.getTime() - made.createdAt.getTime() <= windowMinutes * 60_000;
  if (!ownSale || !recent) {
    throw new ServiceError(
      "FORBIDDEN",
      `A cashier can refund only their own checks within ${windowMinutes} minutes. Ask a manager to refund this one.`,
      { key: "error-cashier-refund-window", vars: { minutes: windowMinutes } },
    );
  }
}

export async function refundCheck(deps: EngineDeps, request: RefundRequest): Promise<Outcome<OperationResult>> {
  const { input, actor, tenantId } = request;
  const at = deps.clock();
  const hash = requestHash({ verb: "refund", ...input });
  // The guest to lock is the sale's; a retry of a finished refund is answered before that.
  const replay = await storedOutcome<OperationResult>(deps.db, tenantId, request.idempotencyKey, hash);
  if (replay) return replay;
  const sale = await deps.db.withTenantClient(tenantId, (client) => readSale(client, input.checkId));
  if (!sale)
    throw new ServiceError("NOT_FOUND", "There is no such check in this program.", { key: "error-check-unknown" });
  if (sale.kind !== "sale")
    throw new ServiceError("VALIDATION", "This is a refund already; refund the original check.", {
      key: "error-refund-of-refund",
    });
  if (!sale.guest_id) {
    throw new ServiceError("VALIDATION", "No guest was identified on this check, so it moved no points to refund.", {
      key: "error-check-no-guest",
    });
  }

  return runGuestOperation(deps, {
    tenantId,
    guestId: sale.guest_id,
    key: request.idempotencyKey,
    hash,
    at,
    async work(client, state) {
      const history = await readHistory(client, sale);
      await assertTillMayTouch(client, actor, sale.restaurant_id);
      assertMayRefund(actor, history, at, deps.settings.cashierRefundWindowMinutes);
      const left = history.amountMinor - history.refundedMinor;
      if (left <= 0n)
        throw new ServiceError("VALIDATION", "This check has already been refunded in full.", {
          key: "error-already-refunded",
        });
      const refundMinor = input.amountMinor ?? left;
      if (refundMinor > left) {
        throw new ServiceError("VALIDATION", `Only ${formatMinor(left)} of this check is left to refund.`, {
          fields: [{ path: "amountMinor", message: `at most ${left}` }],
          details: { refundableMinor: left.toString() },
          key: "error-refund-too-much",
          vars: { left: formatMinor(left) },
        });
      }
      return writeRefund(client, request, state, history, refundMinor, at, hash);
    },
  });
}

async function writeRefund(
  client: pg.PoolClient,
  request: RefundRequest,
  state: GuestState,
  history: SaleHistory,
  refundMinor: bigint,
  at: Date,
  hash: string,
): Promise<OperationResult> {
  const { actor, tenantId, input } = request;
  const refundedAfter = history.refundedMinor + refundMinor;
  const spent = [...history.spentByLot.values()].reduce((sum, points) => sum + points, 0);

  // 1. Give back what the sale spent, to the same lots, in the order it took them.
  const returnNow = Math.max(
    0,
    proportionalPoints(spent, refundedAfter, history.amountMinor, "half_up") - history.returned,
  );
  const spentLots = (await lotsById(client, [...history.spentByLot.keys()])).sort(byExpiryThenAge);
  const lots = new Map<string, OpenLot>((await openLots(client, state.guestId)).map((lot) => [lot.id, lot]));
  const deltas = new Map<string, number>();
  const movements: { lotId: string; points: number }[] = [];
  const change = (lot: OpenLot, points: number) => {
    deltas.set(lot.id, (deltas.get(lot.id) ?? 0) + points);
    movements.push({ lotId: lot.id, points });
    lots.set(lot.id, { ...lot, remaining: (lots.get(lot.id)?.remaining ?? lot.remaining) + points });
  };
  let returned = 0;
  let expiredAgain = 0;
  for (const lot of spentLots) {
    if (returned >= returnNow) break;
    const room = (history.spentByLot.get(lot.id) ?? 0) - (history.returnedByLot.get(lot.id) ?? 0);
    const back = Math.min(room, returnNow - returned);
    if (back <= 0) continue;
    change(lot, back);
    returned += back;
    if (lot.expiresAt && lot.expiresAt <= at) {
      change(lot, -back);
      expiredAgain += back;
    }
  }

  // 2. Take back what the sale earned: its own lots first, then the oldest-expiring others.
  const reverseNow = Math.max(
    0,
    proportionalPoints(history.earned, refundedAfter, history.amountMinor, "half_up") -
      history.reversed -
      history.unrecovered,
  );
  const own = new Set(history.earnedLotIds);
  const open = [...lots.values()].filter((lot) => lot.remaining > 0);
  const takes = [
    ...takeFromLots(
      open.filter((lot) => own.has(lot.id)),
      reverseNow,
    ),
  ];
  takes.push(
    ...takeFromLots(
      open.filter((lot) => !own.has(lot.id)),
      reverseNow - total(takes),
    ),
  );
  for (const take of takes) {
    const lot = lots.get(take.lotId);
    if (lot) change(lot, -take.points);
  }
  const reversed = total(takes);
  const unrecovered = reverseNow - reversed;

  const pointsDelta = returned - expiredAgain - reversed;
  const refundPaid =
    divideRounded(history.paidMinor * refundedAfter, history.amountMinor, "half_up") - history.refundedPaidMinor;
  const spendAfter = inLevelWindow(state, history.sale.closed_at, at)
    ? state.windowSpendMinor - refundMinor
    : state.windowSpendMinor;
  const level = levelAfterRefund(state, spendAfter, at, history.upgradedTo);
  const operationId = uuidv7();
  const refundCheckId = uuidv7();
  const result = operationResult({
    operationId,
    kind: "refund",
    state,
    checkId: refundCheckId,
    counts: { returned, reversed, unrecovered, expired: expiredAgain },
    pointsDelta,
    amountMinor: refundMinor,
    paidMinor: refundPaid < 0n ? 0n : refundPaid,
    expiresAt: null,
    level,
    at,
  });
  const entries: EntryWrite[] = [
    {
      kind: "reversal",
      points: returned,
      checkId: refundCheckId,
      reason: "refund: points paid with the check returned",
    },
    { kind: "expire", points: -expiredAgain, checkId: refundCheckId, reason: "returned points had already expired" },
    {
      kind: "reversal",
      points: -reversed,
      checkId: refundCheckId,
      reason: "refund: points earned on the check taken back",
    },
  ];
  await writeOperation(client, {
    tenantId,
    guestId: state.guestId,
    at,
    operation: {
      id: operationId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      kind: "refund",
      source: actor.source,
      checkId: refundCheckId,
      actorStaffId: actor.staffId ?? null,
      result,
    },
    check: {
      id: refundCheckId,
      kind: "refund",
      source: actor.source,
      restaurantId: history.sale.restaurant_id,
      integrationId: input.integrationId ?? null,
      externalId: input.externalId ?? null,
      refundOfId: history.sale.id,
      amountMinor: refundMinor,
      paidMinor: refundPaid < 0n ? 0n : refundPaid,
      pointsRedeemed: returned,
      currency: history.sale.currency,
      closedAt: input.closedAt ?? at,
      items: input.items,
    },
    newLots: [],
    lotChanges: [...deltas].map(([lotId, delta]) => ({ lotId, delta })),
    movements,
    entries,
    balanceBefore: state.balance,
    level,
    lastVisitAt: null,
    events: [
      {
        type: "check.refunded",
        payload: {
          guestId: state.guestId,
          operationId,
          checkId: history.sale.id,
          refundCheckId,
          amountMinor: refundMinor.toString(),
          fullyRefunded: refundedAfter === history.amountMinor,
          returned,
          reversed,
          unrecovered,
          expired: expiredAgain,
          balance: result.balance,
          reason: input.reason ?? null,
          at: result.at,
        },
      },
      ...levelEvents(result),
    ],
    committedHoldId: null,
  });
  await auditTillOperation(client, actor, result, {
    restaurantId: history.sale.restaurant_id,
    refundOfCheckId: history.sale.id,
    reason: input.reason ?? null,
    at,
  });
  return result;
}

function formatMinor(minor: bigint): string {
  return `${minor / 100n}.${(minor % 100n).toString().padStart(2, "0")}`;
}
