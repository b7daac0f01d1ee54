// The application's only way to the tenant data: every unit of work runs in one transaction
// with app.tenant_id set for that transaction alone, so row-level security scopes each query
// to one tenant. Connections come from a pool shared with Prisma, as the application role.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "./generated/client.ts";
import type { StaffRole } from "./generated/enums.ts";

export type TenantTx = Prisma.TransactionClient;

export interface DbOptions {
  /** the application role's URL (DATABASE_URL) */
  url: string;
  poolSize?: number;
  /** shown in pg_stat_activity */
  applicationName?: string;
  /** a dropped idle connection is reported here instead of crashing the process */
  onPoolError?: (error: Error) => void;
}

export interface UnitOfWorkOptions {
  isolationLevel?: Prisma.TransactionIsolationLevel;
  /** how long the whole unit of work may take */
  timeoutMs?: number;
  /** how long to wait for a free connection */
  maxWaitMs?: number;
}

export interface Db {
  /** Runs `work` in one transaction scoped to `tenantId`; the result of `work` is returned. */
  withTenant<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>, options?: UnitOfWorkOptions): Promise<T>;
  /**
   * The same unit of work on a bare pg client, for the few hot paths (the ledger verbs) where
   * Prisma's interactive transaction costs more than the work itself (see bench/). Scoped the
   * same way: BEGIN, app.tenant_id for this transaction only, COMMIT or ROLLBACK.
   */
  withTenantClient<T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /**
   * A transaction with no tenant set, for the few platform tables the application role writes
   * before anyone knows the tenant (YooKassa's notifications, see billing). Every tenant table
   * shows nothing here: row-level security has no tenant to match.
   */
  withoutTenant<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** The id of the tenant with this slug, or null. Needs no tenant set. */
  tenantIdBySlug(slug: string): Promise<string | null>;
  /** The tenants where this e-mail belongs to an active staff member (for sign-in). */
  staffTenantsByEmail(email: string): Promise<string[]>;
  /** The tenant of an active POS integration (webhook URLs name only the integration), or null. */
  posIntegrationTenant(integrationId: string): Promise<string | null>;
  /**
   * What a staff access token is checked against: that member's role, activation and access
   * generation, or null when the tenant has no such member. One statement, no transaction.
   */
  staffAccess(tenantId: string, staffId: string): Promise<StaffAccessRow | null>;
  /** Resolves when PostgreSQL answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StaffAccessRow {
  role: StaffRole;
  isActive: boolean;
  accessGeneration: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertTenantId(tenantId: string): void {
  if (!UUID.test(tenantId)) {
    throw new TypeError(`withTenant needs a tenant id (uuid), got ${JSON.stringify(tenantId)}`);
  }
}

export function createPool(options: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "maxloyalty",
    keepAlive: true,
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  return pool;
}

export function createPrismaClient(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export function createDb(options: DbOptions): Db {
  return createDbOnPool(createPool(options));
}

/** A Db over an existing pool (closing the Db ends the pool). */
export function createDbOnPool(pool: pg.Pool): Db {
  const prisma = createPrismaClient(pool);

  return {
    async withTenant(tenantId, work, unitOptions = {}) {
      assertTenantId(tenantId);
      return prisma.$transaction(
        async (tx) => {
          // `true`: local to this transaction, so a pooled connection never carries it further.
          await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
          return work(tx);
        },
        {
          maxWait: unitOptions.maxWaitMs ?? 5_000,
          timeout: unitOptions.timeoutMs ?? 15_000,
          ...(unitOptions.isolationLevel ? { isolationLevel: unitOptions.isolationLevel } : {}),
        },
      );
    },

    async withTenantClient(tenantId, work) {
      assertTenantId(tenantId);
      const client = await pool.connect();
      try {
        // One round trip for both: every write transaction waits for its commit's WAL flush, so
        // the trips before it are what is left to save. Safe to inline: assertTenantId checked
        // that this is a bare UUID.
        await client.query(`BEGIN; SET LOCAL app.tenant_id = '${tenantId}'`);
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },

    async withoutTenant(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },

    async tenantIdBySlug(slug) {
      const result = await pool.query<{ id: string | null }>("SELECT tenant_id_by_slug($1) AS id", [slug]);
      return result.rows[0]?.id ?? null;
    },

    async staffTenantsByEmail(email) {
      const result = await pool.query<{ id: string }>("SELECT staff_tenants_by_email($1) AS id", [email]);
      return result.rows.map((row) => row.id);
    },

    async posIntegrationTenant(integrationId) {
      if (!UUID.test(integrationId)) return null;
      const result = await pool.query<{ id: string | null }>("SELECT pos_integration_tenant($1) AS id", [
        integrationId,
      ]);
      return result.rows[0]?.id ?? null;
    },

    async staffAccess(tenantId, staffId) {
      if (!UUID.test(tenantId) || !UUID.test(staffId)) return null;
      const result = await pool.query<{ role: StaffRole; is_active: boolean; access_generation: number }>(
        "SELECT role, is_active, access_generation FROM staff_access($1, $2)",
        [tenantId, staffId],
      );
      const row = result.rows[0];
      return row ? { role: row.role, isActive: row.is_active, accessGeneration: row.access_generation } : null;
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
