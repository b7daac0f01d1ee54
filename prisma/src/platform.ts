// The platform role, for named jobs that must look across tenants (the outbox relay, the
// schedulers that find due work per tenant, partition upkeep). Never used on the request path:
// only the workers construct it, and the API does not import this module.
import type pg from "pg";
import { createPool, createPrismaClient, type DbOptions } from "./client.ts";
import type { PrismaClient } from "./generated/client.ts";

export interface PlatformDb {
  /** Prisma as maxl_platform: every tenant's rows are visible. */
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  /** Creates the ledger's monthly partitions up to `monthsAhead`; returns how many were new. */
  ensureLedgerPartitions(monthsAhead: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createPlatformDb(options: DbOptions): PlatformDb {
  const pool = createPool({ applicationName: "maxloyalty-platform", ...options });
  const prisma = createPrismaClient(pool);
  return {
    prisma,
    pool,
    async ensureLedgerPartitions(monthsAhead) {
      const result = await pool.query<{ created: number }>("SELECT ensure_ledger_partitions(0, $1) AS created", [
        monthsAhead,
      ]);
      return result.rows[0]?.created ?? 0;
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
