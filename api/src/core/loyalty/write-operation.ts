// Writes one operation and everything it changes in a single statement: the operation row, its
// check, new lots, changes to existing lots, lot movements, ledger entries (with running
// balances), outbox events, a committed hold, and the guest's cached balance and level. Data-
// modifying CTEs run together and foreign keys are checked at the end of the statement, so the
// whole change is one round trip and either all of it lands or none.
import type pg from "pg";
import type { LevelFields } from "./level-decisions.ts";

export interface CheckWrite {
  id: string;
  kind: "sale" | "refund";
  source: "cashier" | "pos" | "system" | "admin";
  restaurantId: string | null;
  integrationId: string | null;
  externalId: string | null;
  refundOfId: string | null;
  amountMinor: bigint;
  paidMinor: bigint;
  pointsRedeemed: number;
  currency: string;
  closedAt: Date;
  items?: unknown;
}

/** A sale made at the till or sent by a POS. */
export function saleCheck(fields: {
  id: string;
  source: CheckWrite["source"];
  input: {
    restaurantId?: string | undefined;
    integrationId?: string | undefined;
    externalId?: string | undefined;
    items?: unknown;
    currency: string;
    amountMinor: bigint;
  };
  paidMinor: bigint;
  pointsRedeemed: number;
  closedAt: Date;
}): CheckWrite {
  const { input } = fields;
  return {
    id: fields.id,
    kind: "sale",
    source: fields.source,
    restaurantId: input.restaurantId ?? null,
    integrationId: input.integrationId ?? null,
    externalId: input.externalId ?? null,
    refundOfId: null,
    amountMinor: input.amountMinor,
    paidMinor: fields.paidMinor,
    pointsRedeemed: fields.pointsRedeemed,
    currency: input.currency,
    closedAt: fields.closedAt,
    items: input.items,
  };
}

export interface EntryWrite {
  kind: "earn" | "redeem" | "expire" | "adjust" | "bonus" | "reversal";
  points: number;
  checkId: string | null;
  reason: string | null;
  /**
   * Where points moved without a check of that restaurant: a place at an event and the bonus for
   * attending it. Entries with a check take their restaurant from the check.
   */
  restaurantId?: string | null;
}

export interface EventWrite {
  type: string;
  payload: Record<string, unknown>;
  dedupeKey?: string;
}

export interface OperationWrite {
  tenantId: string;
  guestId: string;
  at: Date;
  operation: {
    id: string;
    idempotencyKey: string;
    requestHash: string;
    kind: "accrual" | "redemption" | "refund" | "adjustment" | "bonus" | "expiry";
    source: "cashier" | "pos" | "system" | "admin";
    checkId: string | null;
    actorStaffId: string | null;
    result: unknown;
  };
  check?: CheckWrite;
  newLots: { id: string; checkId: string | null; points: number; expiresAt: Date | null }[];
  /** changes to lots that already exist, by id */
  lotChanges: { lotId: string; delta: number }[];
  /** every change to any lot, new or old, as recorded movements */
  movements: { lotId: string; points: number }[];
  entries: EntryWrite[];
  /** the guest's balance before the operation; entries carry running balances from it */
  balanceBefore: number;
  level: LevelFields;
  lastVisitAt: Date | null;
  events: EventWrite[];
  committedHoldId: string | null;
}

const WRITE_OPERATION = `
WITH
op AS (
  INSERT INTO loyalty_operations
    (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, actor_staff_id, result, created_at)
  VALUES ($1, $2, $3, $4, $5::operation_kind, $6::points_source, $7, $8, $9, $10::jsonb, $11)
),
chk AS (
  INSERT INTO checks (tenant_id, id, kind, source, restaurant_id, guest_id, integration_id, external_id, refund_of_id,
                      amount_minor, paid_minor, points_redeemed, currency, closed_at, items, created_at)
  SELECT $1, c.id, c.kind::check_kind, c.source::points_source, c.restaurant_id, $7, c.integration_id, c.external_id,
         c.refund_of_id, c.amount_minor, c.paid_minor, c.points_redeemed, c.currency, c.closed_at, c.items, $11
    FROM jsonb_to_recordset($12::jsonb) AS c(id uuid, kind text, source text, restaurant_id uuid, integration_id uuid,
         external_id text, refund_of_id uuid, amount_minor bigint, paid_minor bigint, points_redeemed int, currency text,
         closed_at timestamptz, items jsonb)
),
new_lots AS (
  INSERT INTO point_lots (tenant_id, id, guest_id, check_id, initial_points, remaining_points, expires_at, created_at)
  SELECT $1, l.id, $7, l.check_id, l.points, l.points, l.expires_at, $11
    FROM jsonb_to_recordset($13::jsonb) AS l(id uuid, check_id uuid, points int, expires_at timestamptz)
),
changed_lots AS (
  UPDATE point_lots p SET remaining_points = p.remaining_points + c.delta
    FROM jsonb_to_recordset($14::jsonb) AS c(lot_id uuid, delta int)
   WHERE p.tenant_id = $1 AND p.id = c.lot_id
),
moves AS (
  INSERT INTO lot_movements (tenant_id, operation_id, lot_id, points, created_at)
  SELECT $1, $2, m.lot_id, m.points, $11 FROM jsonb_to_recordset($15::jsonb) AS m(lot_id uuid, points int)
),
entries AS (
  INSERT INTO ledger_entries (tenant_id, created_at, guest_id, operation_id, check_id, kind, points, balance_after,
                              source, actor_staff_id, reason, restaurant_id)
  SELECT $1, $11, $7, $2, e.check_id, e.kind::ledger_entry_kind, e.points, e.balance_after, $6::points_source, $9, e.reason,
         e.restaurant_id
    FROM jsonb_to_recordset($16::jsonb) AS e(check_id uuid, kind text, points int, balance_after int, reason text,
         restaurant_id uuid)
),
events AS (
  INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
  SELECT $1, v.type, v.payload, v.dedupe_key, $11 FROM jsonb_to_recordset($17::jsonb) AS v(type text, payload jsonb, dedupe_key text)
  ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
),
hold AS (
  UPDATE redemption_holds SET status = 'committed', operation_id = $2 WHERE tenant_id = $1 AND id = $18
)
UPDATE guests
   SET balance = $19, level_id = $20, level_changed_at = $21, manual_level_id = $22, manual_level_until = $23,
       level_downgrade_due_at = $24, last_visit_at = coalesce($25, last_visit_at), updated_at = $11
 WHERE tenant_id = $1 AND id = $7`;

/** Writes the operation; returns the guest's balance after it. */
export async function writeOperation(client: pg.PoolClient, write: OperationWrite): Promise<number> {
  let balance = write.balanceBefore;
  const entries = write.entries
    .filter((entry) => entry.points !== 0)
    .map((entry) => {
      balance += entry.points;
      return {
        check_id: entry.checkId,
        kind: entry.kind,
        points: entry.points,
        balance_after: balance,
        reason: entry.reason,
        restaurant_id: entry.restaurantId ?? null,
      };
    });
  const check = write.check
    ? [
        {
          id: write.check.id,
          kind: write.check.kind,
          source: write.check.source,
          restaurant_id: write.check.restaurantId,
          integration_id: write.check.integrationId,
          external_id: write.check.externalId,
          refund_of_id: write.check.refundOfId,
          amount_minor: write.check.amountMinor.toString(),
          paid_minor: write.check.paidMinor.toString(),
          points_redeemed: write.check.pointsRedeemed,
          currency: write.check.currency,
          closed_at: write.check.closedAt.toISOString(),
          items: write.check.items ?? null,
        },
      ]
    : [];
  const { operation, level } = write;
  // Named, so each connection plans this large statement once.
  await client.query({
    name: "loyalty.write-operation",
    text: WRITE_OPERATION,
    values: [
      write.tenantId,
      operation.id,
      operation.idempotencyKey,
      operation.requestHash,
      operation.kind,
      operation.source,
      write.guestId,
      operation.checkId,
      operation.actorStaffId,
      JSON.stringify(operation.result),
      write.at,
      JSON.stringify(check),
      JSON.stringify(
        write.newLots.map((lot) => ({
          id: lot.id,
          check_id: lot.checkId,
          points: lot.points,
          expires_at: lot.expiresAt?.toISOString() ?? null,
        })),
      ),
      JSON.stringify(
        write.lotChanges.filter((change) => change.delta !== 0).map((c) => ({ lot_id: c.lotId, delta: c.delta })),
      ),
      JSON.stringify(
        write.movements.filter((move) => move.points !== 0).map((m) => ({ lot_id: m.lotId, points: m.points })),
      ),
      JSON.stringify(entries),
      JSON.stringify(
        write.events.map((event) => ({
          type: event.type,
          payload: event.payload,
          dedupe_key: event.dedupeKey ?? null,
        })),
      ),
      write.committedHoldId,
      balance,
      level.levelId,
      level.levelChangedAt,
      level.manualLevelId,
      level.manualLevelUntil,
      level.levelDowngradeDueAt,
      write.lastVisitAt,
    ],
  });
  return balance;
}

// writeOperation for several operations of one tenant, each of a different guest, in one
// statement: the same rows, from flat per-table lists instead of one operation's parameters.
const WRITE_OPERATIONS = `
WITH
op AS (
  INSERT INTO loyalty_operations
    (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, actor_staff_id, result, created_at)
  SELECT $1, o.id, o.idempotency_key, o.request_hash, o.kind::operation_kind, o.source::points_source, o.guest_id,
         o.check_id, o.actor_staff_id, o.result, o.at
    FROM jsonb_to_recordset($2::jsonb) AS o(id uuid, idempotency_key text, request_hash text, kind text, source text,
         guest_id uuid, check_id uuid, actor_staff_id uuid, result jsonb, at timestamptz)
),
chk AS (
  INSERT INTO checks (tenant_id, id, kind, source, restaurant_id, guest_id, integration_id, external_id, refund_of_id,
                      amount_minor, paid_minor, points_redeemed, currency, closed_at, items, created_at)
  SELECT $1, c.id, c.kind::check_kind, c.source::points_source, c.restaurant_id, c.guest_id, c.integration_id,
         c.external_id, c.refund_of_id, c.amount_minor, c.paid_minor, c.points_redeemed, c.currency, c.closed_at,
         c.items, c.at
    FROM jsonb_to_recordset($3::jsonb) AS c(id uuid, kind text, source text, restaurant_id uuid, guest_id uuid,
         integration_id uuid, external_id text, refund_of_id uuid, amount_minor bigint, paid_minor bigint,
         points_redeemed int, currency text, closed_at timestamptz, items jsonb, at timestamptz)
),
new_lots AS (
  INSERT INTO point_lots (tenant_id, id, guest_id, check_id, initial_points, remaining_points, expires_at, created_at)
  SELECT $1, l.id, l.guest_id, l.check_id, l.points, l.points, l.expires_at, l.at
    FROM jsonb_to_recordset($4::jsonb) AS l(id uuid, guest_id uuid, check_id uuid, points int, expires_at timestamptz,
         at timestamptz)
),
changed_lots AS (
  UPDATE point_lots p SET remaining_points = p.remaining_points + c.delta
    FROM jsonb_to_recordset($5::jsonb) AS c(lot_id uuid, delta int)
   WHERE p.tenant_id = $1 AND p.id = c.lot_id
),
moves AS (
  INSERT INTO lot_movements (tenant_id, operation_id, lot_id, points, created_at)
  SELECT $1, m.operation_id, m.lot_id, m.points, m.at
    FROM jsonb_to_recordset($6::jsonb) AS m(operation_id uuid, lot_id uuid, points int, at timestamptz)
),
entries AS (
  INSERT INTO ledger_entries (tenant_id, created_at, guest_id, operation_id, check_id, kind, points, balance_after,
                              source, actor_staff_id, reason, restaurant_id)
  SELECT $1, e.at, e.guest_id, e.operation_id, e.check_id, e.kind::ledger_entry_kind, e.points, e.balance_after,
         e.source::points_source, e.actor_staff_id, e.reason, e.restaurant_id
    FROM jsonb_to_recordset($7::jsonb) AS e(at timestamptz, guest_id uuid, operation_id uuid, check_id uuid, kind text,
         points int, balance_after int, source text, actor_staff_id uuid, reason text, restaurant_id uuid)
),
events AS (
  INSERT INTO outbox_events (tenant_id, type, payload, dedupe_key, created_at)
  SELECT $1, v.type, v.payload, v.dedupe_key, v.at
    FROM jsonb_to_recordset($8::jsonb) AS v(type text, payload jsonb, dedupe_key text, at timestamptz)
  ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
),
hold AS (
  UPDATE redemption_holds h SET status = 'committed', operation_id = c.operation_id
    FROM jsonb_to_recordset($9::jsonb) AS c(hold_id uuid, operation_id uuid)
   WHERE h.tenant_id = $1 AND h.id = c.hold_id
)
UPDATE guests g
   SET balance = u.balance, level_id = u.level_id, level_changed_at = u.level_changed_at,
       manual_level_id = u.manual_level_id, manual_level_until = u.manual_level_until,
       level_downgrade_due_at = u.level_downgrade_due_at, last_visit_at = coalesce(u.last_visit_at, g.last_visit_at),
       updated_at = u.at
  FROM jsonb_to_recordset($10::jsonb) AS u(id uuid, balance int, level_id uuid, level_changed_at timestamptz,
       manual_level_id uuid, manual_level_until timestamptz, level_downgrade_due_at timestamptz,
       last_visit_at timestamptz, at timestamptz)
 WHERE g.tenant_id = $1 AND g.id = u.id`;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * Writes several operations of one tenant in one statement, exactly the rows writeOperation
 * writes for each; each guest at most once (its cached balance and level are set, not added to).
 * Returns each guest's balance after its operation, in order.
 */
export async function writeOperations(client: pg.PoolClient, writes: readonly OperationWrite[]): Promise<number[]> {
  const tenantId = writes[0]?.tenantId;
  if (!tenantId) return [];
  if (writes.some((write) => write.tenantId !== tenantId)) throw new Error("writeOperations: one tenant at a time");
  if (new Set(writes.map((write) => write.guestId)).size !== writes.length) {
    throw new Error("writeOperations: each guest at most once");
  }
  const rows = {
    operations: [] as unknown[],
    checks: [] as unknown[],
    lots: [] as unknown[],
    lotChanges: [] as unknown[],
    movements: [] as unknown[],
    entries: [] as unknown[],
    events: [] as unknown[],
    holds: [] as unknown[],
    guests: [] as unknown[],
  };
  const balances: number[] = [];
  for (const write of writes) {
    const { operation, level, guestId } = write;
    const at = write.at.toISOString();
    rows.operations.push({
      id: operation.id,
      idempotency_key: operation.idempotencyKey,
      request_hash: operation.requestHash,
      kind: operation.kind,
      source: operation.source,
      guest_id: guestId,
      check_id: operation.checkId,
      actor_staff_id: operation.actorStaffId,
      result: operation.result,
      at,
    });
    if (write.check) {
      const check = write.check;
      rows.checks.push({
        id: check.id,
        kind: check.kind,
        source: check.source,
        restaurant_id: check.restaurantId,
        guest_id: guestId,
        integration_id: check.integrationId,
        external_id: check.externalId,
        refund_of_id: check.refundOfId,
        amount_minor: check.amountMinor.toString(),
        paid_minor: check.paidMinor.toString(),
        points_redeemed: check.pointsRedeemed,
        currency: check.currency,
        closed_at: check.closedAt.toISOString(),
        items: check.items ?? null,
        at,
      });
    }
    for (const lot of write.newLots) {
      rows.lots.push({
        id: lot.id,
        guest_id: guestId,
        check_id: lot.checkId,
        points: lot.points,
        expires_at: iso(lot.expiresAt),
        at,
      });
    }
    for (const change of write.lotChanges) {
      if (change.delta !== 0) rows.lotChanges.push({ lot_id: change.lotId, delta: change.delta });
    }
    for (const move of write.movements) {
      if (move.points !== 0)
        rows.movements.push({ operation_id: operation.id, lot_id: move.lotId, points: move.points, at });
    }
    let balance = write.balanceBefore;
    for (const entry of write.entries) {
      if (entry.points === 0) continue;
      balance += entry.points;
      rows.entries.push({
        at,
        guest_id: guestId,
        operation_id: operation.id,
        check_id: entry.checkId,
        kind: entry.kind,
        points: entry.points,
        balance_after: balance,
        source: operation.source,
        actor_staff_id: operation.actorStaffId,
        reason: entry.reason,
        restaurant_id: entry.restaurantId ?? null,
      });
    }
    for (const event of write.events) {
      rows.events.push({ type: event.type, payload: event.payload, dedupe_key: event.dedupeKey ?? null, at });
    }
    if (write.committedHoldId) rows.holds.push({ hold_id: write.committedHoldId, operation_id: operation.id });
    rows.guests.push({
      id: guestId,
      balance,
      level_id: level.levelId,
      level_changed_at: iso(level.levelChangedAt),
      manual_level_id: level.manualLevelId,
      manual_level_until: iso(level.manualLevelUntil),
      level_downgrade_due_at: iso(level.levelDowngradeDueAt),
      last_visit_at: iso(write.lastVisitAt),
      at,
    });
    balances.push(balance);
  }
  await client.query({
    name: "loyalty.write-operations",
    text: WRITE_OPERATIONS,
    values: [
      tenantId,
      JSON.stringify(rows.operations),
      JSON.stringify(rows.checks),
      JSON.stringify(rows.lots),
      JSON.stringify(rows.lotChanges),
      JSON.stringify(rows.movements),
      JSON.stringify(rows.entries),
      JSON.stringify(rows.events),
      JSON.stringify(rows.holds),
      JSON.stringify(rows.guests),
    ],
  });
  return balances;
}
