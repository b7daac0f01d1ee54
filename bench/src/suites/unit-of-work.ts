// What a tenant-scoped unit of work costs: a guest read inside db.withTenant (transaction,
// set_config, Prisma query), against the same four statements sent as raw SQL on the same kind
// of pool. The ratio is the price of Prisma's interactive transaction on the request path.
import type { Db } from "@maxl/db";
import type pg from "pg";
import { measure } from "../measure.ts";
import type { Comparison } from "../report.ts";

export interface UnitOfWorkFixture {
  db: Db;
  pool: pg.Pool;
  tenantId: string;
  guestIds: string[];
}

export async function unitOfWorkSuite(fixture: UnitOfWorkFixture, durationMs: number): Promise<Comparison> {
  const { db, pool, tenantId, guestIds } = fixture;
  const guestAt = (i: number) => guestIds[i % guestIds.length] ?? "";
  const concurrency = 8;

  const baseline = await measure(
    "raw SQL: BEGIN, set_config, SELECT guest, COMMIT",
    async (i) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
        await client.query("SELECT * FROM guests WHERE tenant_id = $1 AND id = $2", [tenantId, guestAt(i)]);
        await client.query("COMMIT");
      } finally {
        client.release();
      }
    },
    { concurrency, durationMs },
  );
  const subject = await measure(
    "db.withTenant + guest.findUnique",
    (i) =>
      db.withTenant(tenantId, (tx) => tx.guest.findUnique({ where: { tenantId_id: { tenantId, id: guestAt(i) } } })),
    { concurrency, durationMs },
  );
  return { suite: "tenant unit of work", subject, baseline };
}
