// One accrual's writes as hand-written SQL, the baseline the engine and the POS pipeline are
// measured against in the same run: the operation, the check, a lot, its movement, the ledger
// entry, the outbox event and the guest's balance, in one statement. For a POS check the inbox
// row is written too. Parameters: $1 tenant, $2 operation, $3 idempotency key (and the POS's
// external id), $4 guest, $5 check, $6 lot, $7 the locked balance; for "pos" also $8 the inbox
// event and $9 the integration.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { uuidv7 } from "uuidv7";

const SQL = { cashier: rawAccrualSql("cashier"), pos: rawAccrualSql("pos") };

/**
 * One accrual by hand in one transaction: lock the guest, write everything; for a POS check also
 * store its inbox event and mark it processed, as the pipeline does across its steps.
 */
export async function rawAccrual(
  pool: pg.Pool,
  tenantId: string,
  guestId: string,
  pos?: { integrationId: string },
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; SET LOCAL app.tenant_id = '${tenantId}'`);
    const { rows } = await client.query<{ balance: number }>({
      name: "raw.lock-guest",
      text: "SELECT balance FROM guests WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
      values: [tenantId, guestId],
    });
    const eventId = uuidv7();
    const values = [tenantId, uuidv7(), `raw-${randomUUID()}`, guestId, uuidv7(), uuidv7(), rows[0]?.balance ?? 0];
    await client.query({
      name: pos ? "raw.pos-accrual" : "raw.accrual",
      text: pos ? SQL.pos : SQL.cashier,
      values: pos ? [...values, eventId, pos.integrationId] : values,
    });
    if (pos) {
      await client.query({
        name: "raw.pos-settle",
        text: "UPDATE pos_events SET status = 'processed', processed_at = now() WHERE tenant_id = $1 AND id = $2",
        values: [tenantId, eventId],
      });
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

export function rawAccrualSql(source: "cashier" | "pos"): string {
  const pos = source === "pos";
  const inbox = pos
    ? `inbox AS (
  INSERT INTO pos_events (tenant_id, id, integration_id, event_id, status, kind, "check", external_id, guest_id, closed_at)
  VALUES ($1, $8, $9, $3, 'received', 'sale', '{}'::jsonb, $3, $4, now())
), `
    : "";
  return `
WITH ${inbox}op AS (
  INSERT INTO loyalty_operations (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, result, created_at)
  VALUES ($1, $2, $3, 'raw', 'accrual', '${source}', $4, $5, '{}'::jsonb, now())
), chk AS (
  INSERT INTO checks (tenant_id, id, kind, source, guest_id${pos ? ", integration_id, external_id" : ""}, amount_minor, paid_minor,
                      currency, closed_at)
  VALUES ($1, $5, 'sale', '${source}', $4${pos ? ", $9, $3" : ""}, 100000, 100000, 'RUB', now())
), lot AS (
  INSERT INTO point_lots (tenant_id, id, guest_id, check_id, initial_points, remaining_points, expires_at)
  VALUES ($1, $6, $4, $5, 50, 50, now() + interval '365 days')
), mv AS (
  INSERT INTO lot_movements (tenant_id, operation_id, lot_id, points) VALUES ($1, $2, $6, 50)
), le AS (
  INSERT INTO ledger_entries (tenant_id, guest_id, operation_id, check_id, kind, points, balance_after, source)
  VALUES ($1, $4, $2, $5, 'earn', 50, $7 + 50, '${source}')
), ev AS (
  INSERT INTO outbox_events (tenant_id, type, payload) VALUES ($1, 'points.earned', '{}'::jsonb)
)
UPDATE guests SET balance = balance + 50 WHERE tenant_id = $1 AND id = $4`;
}
