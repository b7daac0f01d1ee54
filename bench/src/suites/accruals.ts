// Accruals per second: through the accruePoints verb, through POST /api/v1/till/accruals on a
// real HTTP server, and the same writes as hand-written SQL (lock the guest, then
// raw-accrual.ts, in one transaction). Spread
// over many guests, as a busy evening is.
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { type AppType, accruePoints, type EngineDeps } from "@maxl/api";
import type pg from "pg";
import { measure } from "../measure.ts";
import { rawAccrual } from "../raw-accrual.ts";
import type { Comparison } from "../report.ts";

export interface AccrualFixture {
  engine: EngineDeps;
  pool: pg.Pool;
  app: AppType;
  tenantId: string;
  guestIds: string[];
  staffToken: string;
}

export async function accrualSuite(fixture: AccrualFixture, durationMs: number): Promise<Comparison[]> {
  const { engine, pool, app, tenantId, guestIds } = fixture;
  const guestAt = (i: number) => guestIds[(i * 7919) % guestIds.length] ?? "";
  // A busy evening across restaurants: many requests in flight. Write transactions wait for
  // their commit's WAL flush, and PostgreSQL flushes concurrent commits together, so throughput
  // depends on how many are in flight; pools are sized to match.
  const concurrency = 32;

  const baseline = await measure(
    "raw SQL: lock guest, same inserts and update, one transaction",
    (i) => rawAccrual(pool, tenantId, guestAt(i)),
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
