// Accruals per second: through the accruePoints verb, through POST /api/v1/till/accruals on a
// real HTTP server, and the same writes as hand-written SQL (lock the guest, insert operation,
// check, lot, movement, ledger entry and event, update the balance, in one transaction). Spread
// over many guests, as a busy evening is.
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { type AppType, accruePoints, type EngineDeps } from "@maxl/api";
import type pg from "pg";
import { uuidv7 } from "uuidv7";
import { measure } from "../measure.ts";
import type { Comparison } from "../report.ts";

export interface AccrualFixture {
  engine: EngineDeps;
  pool: pg.Pool;
  app: AppType;
  tenantId: string;
  guestIds: string[];
  staffToken: string;
}

const RAW_ACCRUAL = `
WITH op AS (
  INSERT INTO loyalty_operations (tenant_id, id, idempotency_key, request_hash, kind, source, guest_id, check_id, result, created_at)
  VALUES ($1, $2, $3, 'raw', 'accrual', 'cashier', $4, $5, '{}'::jsonb, now())
), chk AS (
  INSERT INTO checks (tenant_id, id, kind, source, guest_id, amount_minor, paid_minor, currency, closed_at)
  VALUES ($1, $5, 'sale', 'cashier', $4, 100000, 100000, 'RUB', now())
), lot AS (
  INSERT INTO point_lots (tenant_id, id, guest_id, check_id, initial_points, remaining_points, expires_at)
  VALUES ($1, $6, $4, $5, 50, 50, now() + interval '365 days')
), mv AS (
  INSERT INTO lot_movements (tenant_id, operation_id, lot_id, points) VALUES ($1, $2, $6, 50)
), le AS (
  INSERT INTO ledger_entries (tenant_id, guest_id, operation_id, check_id, kind, points, balance_after, source)
  VALUES ($1, $4, $2, $5, 'earn', 50, $7 + 50, 'cashier')
), ev AS (
  INSERT INTO outbox_events (tenant_id, type, payload) VALUES ($1, 'points.earned', '{}'::jsonb)
)
UPDATE guests SET balance = balance + 50 WHERE tenant_id = $1 AND id = $4`;

export async function accrualSuite(fixture: AccrualFixture, durationMs: number): Promise<Comparison[]> {
  const { engine, pool, app, tenantId, guestIds } = fixture;
  const guestAt = (i: number) => guestIds[(i * 7919) % guestIds.length] ?? "";
  // A busy evening across restaurants: many requests in flight. Write transactions wait for
  // their commit's WAL flush, and PostgreSQL flushes concurrent commits together, so throughput
  // depends on how many are in flight; pools are sized to match.
  const concurrency = 32;

  const baseline = await measure(
    "raw SQL: lock guest, same inserts and update, one transaction",
    async (i) => {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; SET LOCAL app.tenant_id = '${tenantId}'`);
        const guestId = guestAt(i);
        const { rows } = await client.query<{ balance: number }>({
          name: "raw.lock-guest",
          text: "SELECT balance FROM guests WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
          values: [tenantId, guestId],
        });
        await client.query({
          name: "raw.accrual",
          text: RAW_ACCRUAL,
          values: [tenantId, uuidv7(), `raw-${randomUUID()}`, guestId, uuidv7(), uuidv7(), rows[0]?.balance ?? 0],
        });
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    { concurrency, durationMs },
  );

  const verb = await measure(
    "accruePoints verb",
    (i) =>
      accruePoints(engine, {
        tenantId,
        actor: { source: "cashier" },
        idempotencyKey: `bench-${randomUUID()}`,
        input: { guestId: guestAt(i), amountMinor: 100_000n, currency: "RUB" },
      }),
    { concurrency, durationMs },
  );

  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const http = await measure(
      "POST /api/v1/till/accruals (HTTP on loopback)",
      async (i) => {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/till/accruals`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `Bearer ${fixture.staffToken}`,
            "Idempotency-Key": randomUUID(),
          },
          body: JSON.stringify({ guestId: guestAt(i), amountMinor: 100_000, currency: "RUB" }),
        });
        if (response.status !== 201) throw new Error(`accrual answered ${response.status}: ${await response.text()}`);
      },
      { concurrency, durationMs },
    );
    return [
      { suite: "accruals", subject: verb, baseline, goal: { ratioAtLeast: 0.5, opsPerSecondAtLeast: 1000 } },
      { suite: "accruals", subject: http, baseline },
    ];
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
