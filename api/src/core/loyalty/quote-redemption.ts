// Quote: the first step of paying with points at the till. Tells the cashier how many points
// may pay for this check and what the rest would earn, and reserves those points for a few
// minutes (a hold), so a parallel operation cannot spend them meanwhile. A new quote by the same
// cashier for the same guest replaces their previous one.
import { maxRedeemablePoints, pointsToMinor, type QuoteInput, type QuoteResult } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import { availablePoints, pointsEarnedOn } from "./guest-state.ts";
import { type Outcome, requestHash, runGuestOperation } from "./idempotency.ts";
import { assertCurrency } from "./ledger-reads.ts";
import { tillRestaurant } from "./till-restaurant.ts";
import type { VerbCall } from "./verb.ts";

export async function quoteRedemption(deps: EngineDeps, request: VerbCall<QuoteInput>): Promise<Outcome<QuoteResult>> {
  const { input, actor, tenantId } = request;
  const at = deps.clock();
  const hash = requestHash({ verb: "quote", ...input });
  return runGuestOperation(deps, {
    tenantId,
    guestId: input.guestId,
    key: request.idempotencyKey,
    hash,
    at,
    store: "holds",
    async work(client, state) {
      assertCurrency(state, input.currency);
      const restaurantId = await tillRestaurant(client, actor, input.restaurantId);
      let released = 0;
      if (actor.staffId) {
        const { rows } = await client.query<{ released: string }>(
          `WITH released AS (
             UPDATE redemption_holds SET status = 'released'
              WHERE tenant_id = app_current_tenant() AND guest_id = $1 AND staff_id = $2
                AND status = 'held' AND expires_at > $3
             RETURNING max_points)
           SELECT coalesce(sum(max_points), 0) AS released FROM released`,
          [input.guestId, actor.staffId, at],
        );
        released = Number(rows[0]?.released ?? 0);
      }
      const available = availablePoints(state, released);
      const { program } = state;
      const maxPoints = maxRedeemablePoints({
        amountMinor: input.amountMinor,
        maxShareBps: program.maxRedeemShareBps,
        pointValueMinor: program.pointValueMinor,
        available,
      });
      const earnOn = (paidMinor: bigint) => pointsEarnedOn(state, paidMinor);
      const holdId = uuidv7();
      const expiresAt = new Date(at.getTime() + deps.settings.holdTtlSeconds * 1000);
      const result: QuoteResult = {
        holdId,
        guestId: input.guestId,
        amountMinor: input.amountMinor.toString(),
        currency: input.currency,
        balance: state.balance,
        available,
        maxRedeemablePoints: maxPoints,
        maxRedeemableMinor: pointsToMinor(maxPoints, program.pointValueMinor).toString(),
        earnIfAccrued: earnOn(input.amountMinor),
        earnIfMaxRedeemed: earnOn(input.amountMinor - pointsToMinor(maxPoints, program.pointValueMinor)),
        expiresAt: expiresAt.toISOString(),
      };
      await client.query(
        `INSERT INTO redemption_holds (tenant_id, id, idempotency_key, request_hash, guest_id, staff_id, restaurant_id,
                                       amount_minor, currency, max_points, expires_at, result, created_at)
         VALUES (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12)`,
        [
          holdId,
          request.idempotencyKey,
          hash,
          input.guestId,
          actor.staffId ?? null,
          restaurantId ?? null,
          input.amountMinor.toString(),
          input.currency,
          maxPoints,
          expiresAt,
          JSON.stringify(result),
          at,
        ],
      );
      return result;
    },
  });
}
