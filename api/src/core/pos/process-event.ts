// Processing inbox events: a sale earns points for its guest, a refund reverses its sale,
// both through the loyalty engine under the idempotency key "pos:<integration>:<externalId>",
// so the same check processed twice (a retry, a worker killed after the commit, the same order
// by webhook and by polling) earns once.
//
// What cannot be done now is kept, not dropped: a sale with no guest we can find waits as
// `unidentified` for staff to attach it; a refund whose sale has not been processed waits as
// `awaiting_sale` and is woken when the sale is. What the POS got wrong is `rejected` with the
// reason; what keeps failing on our side is `dead` after the last attempt, for an admin to replay.
import { isServiceError, type PosCheck, posCheckSchema } from "@maxl/shared";
import type pg from "pg";
import type { Actor, EngineDeps } from "../context.ts";
import { type AccrueRequest, accruePoints } from "../loyalty/accrue-points.ts";
import { accruePointsTogether } from "../loyalty/accrue-points-batch.ts";
import { refundCheck } from "../loyalty/refund-check.ts";
import { findPosGuests, type GuestLookup } from "./guest-lookup.ts";
import { POS_INBOX_CHANNEL } from "./inbox.ts";

export const posActor: Actor = { source: "pos" };

export type ProcessOutcome =
  | { status: "processed"; checkId: string | null; guestId: string; pointsDelta: number }
  | { status: "unidentified" | "awaiting_sale" | "rejected" | "dead"; reason: string }
  /** the event was not waiting to be processed (already settled, or unknown) */
  | { status: "skipped" };

export interface ProcessOptions {
  /** after this many attempts a failure is final (`dead`) instead of retried */
  maxAttempts: number;
}

interface ClaimedEvent {
  id: string;
  integration_id: string;
  kind: "sale" | "refund";
  check: unknown;
  external_id: string;
  refund_of: string | null;
  guest_id: string | null;
  restaurant_id: string | null;
  attempts: number;
}

// Claiming counts the attempt; only events still waiting are claimed, so a batch handed over
// twice (or an event settled meanwhile) is not processed again.
const CLAIM = `
  UPDATE pos_events SET attempts = attempts + 1, updated_at = now()
   WHERE tenant_id = app_current_tenant() AND id = ANY($1::uuid[]) AND status = 'received'
  RETURNING id, integration_id, kind, "check", external_id, refund_of, guest_id, restaurant_id, attempts`;

const SETTLE = `
  UPDATE pos_events e
     SET status = s.status, last_error = s.reason, check_id = coalesce(s.check_id, e.check_id),
         guest_id = coalesce(s.guest_id, e.guest_id), updated_at = now(),
         processed_at = CASE WHEN s.status = 'processed' THEN now() ELSE e.processed_at END
    FROM jsonb_to_recordset($1::jsonb)
         AS s(id uuid, status pos_event_status, reason text, check_id uuid, guest_id uuid)
   WHERE e.tenant_id = app_current_tenant() AND e.id = s.id AND e.status = 'received'`;

/** A transient failure: the attempt is recorded and the error rethrown for the queue to retry. */
export class PosRetryableError extends Error {
  override readonly name = "PosRetryableError";
}

function idempotencyKey(integrationId: string, externalId: string): string {
  return `pos:${integrationId}:${externalId}`;
}

/** How many of a batch's checks go through the engine at once (each is its own transaction). */
const PARALLEL_CHECKS = 4;

interface Settlement {
  id: string;
  status: "processed" | "unidentified" | "awaiting_sale" | "rejected" | "dead" | "received";
  reason: string | null;
  check_id: string | null;
  guest_id: string | null;
}

/**
 * Processes a batch of one tenant's inbox events: claims those still waiting, finds their guests
 * in one go, runs each check through the engine, and settles them all in one statement. Events
 * that failed on our side stay `received` with their error and make the call throw
 * PosRetryableError once the rest are settled, so the queue retries just those.
 */
export async function processPosEvents(
  deps: EngineDeps,
  tenantId: string,
  eventIds: readonly string[],
  options: ProcessOptions,
): Promise<Map<string, ProcessOutcome>> {
  const outcomes = new Map<string, ProcessOutcome>(eventIds.map((id) => [id, { status: "skipped" }]));
  const claimed = await deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<ClaimedEvent>(CLAIM, [eventIds]);
    const checks = rows.map((event) => posCheckSchema.safeParse(event.check));
    const unresolved = rows.map((event, index) => {
      const check = checks[index];
      return event.kind === "sale" && !event.guest_id && check?.success ? check.data.guest : undefined;
    });
    const lookups = await findPosGuests(deps, client, tenantId, unresolved);
    return rows.map((event, index) => ({
      event,
      check: checks[index]?.success ? (checks[index]?.data ?? null) : null,
      lookup: event.kind === "sale" && !event.guest_id ? lookups[index] : undefined,
    }));
  });
  if (claimed.length === 0) return outcomes;

  const together = await inOneTransaction(deps, tenantId, claimed);
  const results = together ?? (await oneByOne(deps, tenantId, claimed, options));
  const failures: string[] = [];
  for (const { outcome, settlement } of results) {
    outcomes.set(settlement.id, outcome);
    if (settlement.status === "received") failures.push(settlement.reason ?? "failed");
  }
  if (!together) await settleAndWake(deps, tenantId, claimed, results);
  if (failures.length > 0) {
    throw new PosRetryableError(`${failures.length} of ${claimed.length} POS events will be retried: ${failures[0]}`);
  }
  return outcomes;
}

type Claimed = { event: ClaimedEvent; check: PosCheck | null; lookup: GuestLookup | undefined };
type Result = { outcome: ProcessOutcome; settlement: Settlement };

/** Settles the batch in one statement, and puts refunds waiting for its sales back in the queue. */
async function settleAndWake(
  deps: EngineDeps,
  tenantId: string,
  claimed: readonly Claimed[],
  results: readonly Result[],
): Promise<void> {
  await deps.db.withTenantClient(tenantId, (client) =>
    client.query(SETTLE, [JSON.stringify(results.map((result) => result.settlement))]),
  );
  const processed = new Set(results.filter((r) => r.outcome.status === "processed").map((r) => r.settlement.id));
  const sales = claimed.filter(({ event }) => event.kind === "sale" && processed.has(event.id));
  if (sales.length > 0)
    await wakeRefunds(
      deps,
      tenantId,
      sales.map(({ event }) => event),
    );
}

/**
 * The fast path: the whole batch in one transaction, every verb's unit of work joining it, the
 * plain sales credited together by accruePointsTogether (two statements to lock and read all
 * their guests, one to write all their operations), the rest through the verbs one by one; one
 * commit for the batch.
 * Guests are locked in id order, as every batch does, so two batches cannot deadlock on each
 * other. Anything going wrong (a check the engine refuses, a conflict) rolls the whole batch
 * back; then it is done check by check (null), which settles each one on its own merits.
 */
async function inOneTransaction(
  deps: EngineDeps,
  tenantId: string,
  claimed: readonly Claimed[],
): Promise<Result[] | null> {
  if (claimed.length < 2) return null;
  const guestOf = ({ event, lookup }: Claimed) =>
    event.kind === "refund" ? "~" : (event.guest_id ?? lookup?.guestId ?? "");
  const ordered = [...claimed].sort((a, b) => (guestOf(a) < guestOf(b) ? -1 : guestOf(a) > guestOf(b) ? 1 : 0));
  try {
    return await deps.db.withTenantClient(tenantId, async (client) => {
      const joined: EngineDeps = {
        ...deps,
        db: { ...deps.db, withTenantClient: (_tenantId, work) => work(client) },
      };
      const results: Result[] = [];
      // The plain sales first, credited together (a few statements for the whole batch); what
      // that leaves (refunds, a guest's second check, a replay, no guest) goes one by one after.
      const sales = ordered.flatMap((item) => {
        const request = item.check ? saleRequest(tenantId, item.event, item.check, item.lookup) : null;
        return request ? [{ item, request }] : [];
      });
      const credited = new Set<Claimed>();
      if (sales.length > 1) {
        const outcomes = await accruePointsTogether(
          joined,
          client,
          tenantId,
          sales.map((sale) => sale.request),
        );
        for (const [index, outcome] of outcomes.entries()) {
          const sale = sales[index];
          if (!outcome || !sale) continue;
          credited.add(sale.item);
          const { checkId, pointsDelta } = outcome.result;
          const guestId = sale.request.input.guestId;
          results.push(
            settlerFor(sale.item.event)(
              { status: "processed", checkId, guestId, pointsDelta },
              "processed",
              null,
              checkId,
              guestId,
            ),
          );
        }
      }
      for (const item of ordered) {
        if (!credited.has(item)) results.push(await applyClaimed(joined, tenantId, item));
      }
      await settleAndWake(joined, tenantId, claimed, results);
      return results;
    });
  } catch {
    return null;
  }
}

/** The careful path: each check its own transaction, a few at a time, each failure its own. */
async function oneByOne(
  deps: EngineDeps,
  tenantId: string,
  claimed: readonly Claimed[],
  options: ProcessOptions,
): Promise<Result[]> {
  const results: Result[] = [];
  const queue = [...claimed];
  const lane = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      results.push(await processClaimed(deps, tenantId, item, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, claimed.length) }, lane));
  return results;
}

/** One event (staff attaching a check, or a replay): the batch of one. */
export async function processPosEvent(
  deps: EngineDeps,
  tenantId: string,
  eventId: string,
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const outcomes = await processPosEvents(deps, tenantId, [eventId], options);
  return outcomes.get(eventId) ?? { status: "skipped" };
}

function settlerFor(event: ClaimedEvent): Settled {
  return (outcome, status, reason, checkId = null, guestId = null) => ({
    outcome,
    settlement: { id: event.id, status, reason, check_id: checkId, guest_id: guestId },
  });
}

/** What processing an event does; throws what the engine throws. */
async function applyClaimed(deps: EngineDeps, tenantId: string, claimed: Claimed): Promise<Result> {
  const { event, check, lookup } = claimed;
  const settled = settlerFor(event);
  if (!check) {
    const reason = "The stored check no longer reads as a POS check.";
    return settled({ status: "rejected", reason }, "rejected", reason);
  }
  if (event.kind === "refund") return processRefund(deps, tenantId, event, check, settled);
  const guestId = event.guest_id ?? lookup?.guestId ?? null;
  if (!guestId) {
    const reason = lookup && lookup.guestId === null ? lookup.reason : "No guest was identified.";
    return settled({ status: "unidentified", reason }, "unidentified", reason);
  }
  const outcome = await accruePoints(deps, saleAccrual(tenantId, event, check, guestId));
  const { checkId, pointsDelta } = outcome.result;
  return settled({ status: "processed", checkId, guestId, pointsDelta }, "processed", null, checkId, guestId);
}

/** The accrual a sale earns its guest. */
function saleAccrual(tenantId: string, event: ClaimedEvent, check: PosCheck, guestId: string): AccrueRequest {
  return {
    tenantId,
    actor: posActor,
    idempotencyKey: idempotencyKey(event.integration_id, event.external_id),
    input: {
      guestId,
      amountMinor: check.amountMinor,
      currency: check.currency,
      ...(event.restaurant_id ? { restaurantId: event.restaurant_id } : {}),
      ...posOrigin(event, check),
    },
  };
}

/** The accrual of a sale whose guest is known, or null for anything else. */
function saleRequest(
  tenantId: string,
  event: ClaimedEvent,
  check: PosCheck,
  lookup: GuestLookup | undefined,
): AccrueRequest | null {
  const guestId = event.kind === "sale" ? (event.guest_id ?? lookup?.guestId ?? null) : null;
  return guestId ? saleAccrual(tenantId, event, check, guestId) : null;
}

/** Where a check the engine writes came from: the POS's integration, its id, time and lines. */
function posOrigin(event: ClaimedEvent, check: PosCheck) {
  return {
    integrationId: event.integration_id,
    externalId: event.external_id,
    closedAt: new Date(check.closedAt),
    items: check.items,
  };
}

/** applyClaimed, with what went wrong settled: rejected, dead, or left to retry. */
async function processClaimed(
  deps: EngineDeps,
  tenantId: string,
  claimed: Claimed,
  options: ProcessOptions,
): Promise<Result> {
  const { event } = claimed;
  const settled = settlerFor(event);
  try {
    return await applyClaimed(deps, tenantId, claimed);
  } catch (error) {
    if (isServiceError(error) && error.code !== "UNAVAILABLE") {
      return settled({ status: "rejected", reason: error.message }, "rejected", error.message);
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (event.attempts >= options.maxAttempts) {
      const final = `Gave up after ${event.attempts} attempts: ${reason}`;
      return settled({ status: "dead", reason: final }, "dead", final);
    }
    // Left waiting with its error; the queue's retry claims it again.
    return settled({ status: "skipped" }, "received", reason.slice(0, 1_000));
  }
}

type Settled = (
  outcome: ProcessOutcome,
  status: Settlement["status"],
  reason: string | null,
  checkId?: string | null,
  guestId?: string | null,
) => { outcome: ProcessOutcome; settlement: Settlement };

async function processRefund(
  deps: EngineDeps,
  tenantId: string,
  event: ClaimedEvent,
  check: PosCheck,
  settled: Settled,
): Promise<Result> {
  const refundOf = event.refund_of ?? "";
  const sale = await deps.db.withTenantClient(tenantId, (client) => findSale(client, event.integration_id, refundOf));
  if (!sale.checkId) {
    const reason = sale.unidentified
      ? `The sale ${refundOf} has no guest yet; this refund applies once the sale is attached to one.`
      : `The sale ${refundOf} has not been processed yet; this refund applies as soon as it is.`;
    return settled({ status: "awaiting_sale", reason }, "awaiting_sale", reason);
  }
  const outcome = await refundCheck(deps, {
    tenantId,
    actor: posActor,
    idempotencyKey: idempotencyKey(event.integration_id, event.external_id),
    input: {
      checkId: sale.checkId,
      amountMinor: check.amountMinor,
      reason: "refund from the POS",
      ...posOrigin(event, check),
    },
  });
  const { checkId, guestId, pointsDelta } = outcome.result;
  return settled({ status: "processed", checkId, guestId, pointsDelta }, "processed", null, checkId, guestId);
}

async function findSale(
  client: pg.PoolClient,
  integrationId: string,
  externalId: string,
): Promise<{ checkId: string | null; unidentified: boolean }> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM checks WHERE tenant_id = app_current_tenant() AND integration_id = $1 AND external_id = $2
        AND kind = 'sale'`,
    [integrationId, externalId],
  );
  if (rows[0]) return { checkId: rows[0].id, unidentified: false };
  const waiting = await client.query(
    `SELECT 1 FROM pos_events WHERE tenant_id = app_current_tenant() AND integration_id = $1 AND external_id = $2
        AND kind = 'sale' AND status = 'unidentified'`,
    [integrationId, externalId],
  );
  return { checkId: null, unidentified: (waiting.rowCount ?? 0) > 0 };
}

/**
 * Refunds that arrived before their sale go back to the queue now that the sale is in. (A refund
 * that raced the sale and missed this is picked up by the relay's sweep, see workers.)
 */
export async function wakeRefunds(
  deps: EngineDeps,
  tenantId: string,
  sales: readonly { integration_id: string; external_id: string }[],
): Promise<number> {
  const { rowCount } = await deps.db.withTenantClient(tenantId, (client) =>
    client.query(
      `WITH woken AS (
         UPDATE pos_events e SET status = 'received', enqueued_at = NULL, attempts = 0, updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS s(integration_id, external_id)
          WHERE e.tenant_id = app_current_tenant() AND e.integration_id = s.integration_id
            AND e.refund_of = s.external_id AND e.status = 'awaiting_sale'
         RETURNING e.id)
       SELECT id, pg_notify('${POS_INBOX_CHANNEL}', '') FROM woken`,
      [sales.map((sale) => sale.integration_id), sales.map((sale) => sale.external_id)],
    ),
  );
  return rowCount ?? 0;
}
