// Accruals of one tenant credited together, for the POS pipeline (issue #6): the guests of a
// batch are locked and read in two statements and every operation is written in one, instead of
// two statements per check. Each accrual is decided by planAccrual, the same code accruePoints
// runs (currency, the plan's guest limit, the restaurant, points, level, lot, events), so the rows
// written are the same as accruePoints would write one by one.
//
// It runs inside the caller's transaction and takes only the plain case: the first accrual of
// each guest whose key has no stored answer. The rest (a guest's second check in the batch, a
// replay, an unknown guest) are left to the caller for accruePoints, in the same transaction and
// after these, where they see what these wrote.
import type { OperationResult } from "@maxl/shared";
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { type AccrueRequest, accrualHash, planAccrual } from "./accrue-points.ts";
import { lockGuestsAndFind } from "./guest-state.ts";
import type { Outcome } from "./idempotency.ts";
import { type OperationWrite, writeOperations } from "./write-operation.ts";

/**
 * Credits the plain accruals among `requests` (one tenant's) on `client`, in its transaction.
 * Answers in the order of `requests`: the outcome of each accrual written here, or null for those
 * left to accruePoints. Throws what accruePoints would throw for any of them (e.g. a refused
 * currency or a guest beyond a restricted plan), having written nothing of its own: the caller's
 * transaction is then to be rolled back and the checks tried one by one.
 */
export async function accruePointsTogether(
  deps: EngineDeps,
  client: pg.PoolClient,
  tenantId: string,
  requests: readonly AccrueRequest[],
): Promise<(Outcome<OperationResult> | null)[]> {
  const at = deps.clock();
  const taken = new Map<string, number>();
  for (const [index, request] of requests.entries()) {
    if (request.tenantId !== tenantId) throw new Error("accruePointsTogether: one tenant at a time");
    if (!taken.has(request.input.guestId)) taken.set(request.input.guestId, index);
  }
  const locked = await lockGuestsAndFind(
    client,
    deps.rules,
    tenantId,
    [...taken].map(([guestId, index]) => ({ guestId, operationKey: requests[index]?.idempotencyKey ?? "" })),
    at,
  );
  const outcomes: (Outcome<OperationResult> | null)[] = requests.map(() => null);
  const writes: OperationWrite[] = [];
  for (const [guestId, index] of taken) {
    const request = requests[index];
    const guest = locked.get(guestId);
    if (!request || !guest || guest.stored) continue;
    const planned = await planAccrual(deps, client, request, guest.state, accrualHash(request), at);
    writes.push(planned.write);
    outcomes[index] = { result: planned.result, replayed: false };
  }
  await writeOperations(client, writes);
  return outcomes;
}
