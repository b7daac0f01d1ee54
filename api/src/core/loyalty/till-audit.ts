// The audit row of a till operation done by staff (accrual, redemption, undo/refund), written in
// the operation's own transaction. A retry with the same Idempotency-Key is answered from the
// stored result before any work runs, so it never reaches here and never writes a second row.
import type { OperationResult } from "@maxl/shared";
import type pg from "pg";
import { recordActionIn } from "../audit/record-action.ts";
import type { Actor } from "../context.ts";

export const tillAuditActions = {
  accrual: "till.accrual",
  redemption: "till.redemption",
  refund: "till.refund",
} as const;

export async function auditTillOperation(
  client: pg.PoolClient,
  actor: Actor,
  result: OperationResult,
  booked: { restaurantId: string | null; refundOfCheckId?: string; reason?: string | null; at: Date },
): Promise<void> {
  if (actor.source !== "cashier" || !actor.staffId) return;
  if (result.kind !== "accrual" && result.kind !== "redemption" && result.kind !== "refund") return;
  await recordActionIn(
    client,
    actor,
    tillAuditActions[result.kind],
    "check",
    result.checkId ?? result.operationId,
    {
      channel: actor.channel ?? null,
      guestId: result.guestId,
      restaurantId: booked.restaurantId,
      operationId: result.operationId,
      ...(booked.refundOfCheckId ? { refundOf: booked.refundOfCheckId } : {}),
      amountMinor: result.amountMinor,
      paidMinor: result.paidMinor,
      pointsDelta: result.pointsDelta,
      earned: result.earned,
      redeemed: result.redeemed,
      returned: result.returned,
      reversed: result.reversed,
      balance: result.balance,
    },
    { reason: booked.reason ?? null, at: booked.at },
  );
}
