// Tenant isolation, proved against the real database through the application role. The tables
// come from the catalog, not from a list in this file: a new table that carries tenant_id but
// lacks forced RLS, the tenant policy or a fixture row fails here; a new table without
// tenant_id fails unless it is declared global below.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/client.ts";
import { createTestTenant, testServices } from "../src/testing/index.ts";
import { writeTenantRows } from "./fixtures/tenant-rows.ts";

/** Tables that hold no tenant's data. Adding one here needs a reason next to it. */
const GLOBAL_TABLES = [
  "_prisma_migrations", // migration bookkeeping, readable by the services, never written by them
  "plans", // the platform's price list, the same for every tenant; the services may only read it
  // YooKassa's notifications arrive before anyone knows their tenant (it is learnt from the
  // re-fetched payment); the API may only insert and read them, the workers settle them
  "billing_notifications",
];

interface TableInfo {
  name: string;
  tenantColumn: string;
  rls: boolean;
  forced: boolean;
}

const services = testServices();
const catalog = await readCatalog(services.adminUrl);
const tenantTables = catalog.filter((table) => table.tenantColumn !== "");
const appUser = decodeURIComponent(new URL(services.appUrl).username);

const db = createDb({ url: services.appUrl });
const appPool = new pg.Pool({ connectionString: services.appUrl, max: 4 });
let tenantA: string;
let tenantB: string;

beforeAll(async () => {
  [tenantA, tenantB] = await Promise.all([createTestTenant(db, "Tenant A"), createTestTenant(db, "Tenant B")]).then(
    (tenants) => tenants.map((tenant) => tenant.id),
  );
  await writeTenantRows(db, tenantA);
  await writeTenantRows(db, tenantB);
});

afterAll(async () => {
  await Promise.all([db.close(), appPool.end()]);
});

describe("the catalog", () => {
  it("has no table outside the tenant scope except the declared global ones", () => {
    const unscoped = catalog.filter((table) => table.tenantColumn === "").map((table) => table.name);
    expect(unscoped.sort()).toEqual([...GLOBAL_TABLES].sort());
  });

  it("lists the tenant tables this test covers", () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(16);
  });

  it("gives the application login neither superuser, BYPASSRLS nor ownership of any table", async () => {
    const admin = new pg.Client({ connectionString: services.adminUrl });
    await admin.connect();
    try {
      const role = await admin.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", [appUser]);
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const owned = await admin.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND pg_has_role($1, c.relowner, 'MEMBER')`,
        [appUser],
      );
      expect(owned.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });

  it("pins the search_path of every SECURITY DEFINER function and lets PUBLIC execute none of them", async () => {
    const { rows } = await appPool.query<{ name: string; config: string[] | null; public: boolean }>(
      `SELECT p.proname AS name, p.proconfig AS config,
              has_function_privilege('public', p.oid, 'EXECUTE') AS public
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prosecdef
        ORDER BY p.proname`,
    );
    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(["staff_access", "tenant_id_by_slug"]));
    for (const row of rows) {
      expect({ name: row.name, public: row.public }).toEqual({ name: row.name, public: false });
      expect(row.config, row.name).toContain("search_path=public, pg_temp");
    }
  });

  it("gives the application login no privileges on ledger partitions, only on the partitioned table", async () => {
    const { rows } = await appPool.query<{ name: string; usable: boolean }>(
      `SELECT c.relname AS name,
              has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'INSERT')
              OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') AS usable
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'ledger_entries'::regclass`,
    );
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.filter((row) => row.usable)).toEqual([]);
  });
});

describe.each(tenantTables)("$name", (table) => {
  const column = pg.escapeIdentifier(table.tenantColumn);
  const name = pg.escapeIdentifier(table.name);

  it("has row-level security enabled and forced, with the tenant policy for the application role", async () => {
    expect(table.rls).toBe(true);
    expect(table.forced).toBe(true);
    const { rows } = await appPool.query<{ roles: string[]; qual: string; with_check: string }>(
      `SELECT roles::text[] AS roles, qual, with_check FROM pg_policies WHERE schemaname = 'public' AND tablename = $1`,
      [table.name],
    );
    const tenantPolicy = rows.find((row) => row.roles.includes("maxl_app"));
    expect(tenantPolicy?.qual).toContain("app_current_tenant()");
    expect(tenantPolicy?.with_check).toContain("app_current_tenant()");
  });

  it("shows nothing to the application role when no tenant is set", async () => {
    const { rows } = await appPool.query<{ count: string }>(`SELECT count(*) FROM ${name}`);
    expect(Number(rows[0]?.count)).toBe(0);
  });

  it("shows a tenant its own rows and none of another tenant's", async () => {
    const counts = await asTenant(tenantA, async (client) => {
      const own = await client.query(`SELECT count(*) FROM ${name} WHERE ${column} = $1`, [tenantA]);
      const other = await client.query(`SELECT count(*) FROM ${name} WHERE ${column} = $1`, [tenantB]);
      const all = await client.query(`SELECT count(DISTINCT ${column}) FROM ${name}`);
      return [own, other, all].map((result) => Number(result.rows[0]?.count));
    });
    expect(counts).toEqual([expect.any(Number), 0, 1]);
    expect(counts[0]).toBeGreaterThan(0);
  });

  it("does not let a tenant update another tenant's rows", async () => {
    const outcome = await attempt(tenantA, `UPDATE ${name} SET ${column} = ${column} WHERE ${column} = $1`, [tenantB]);
    expect(outcome).toMatch(/^(0 rows|denied: permission denied)/);
  });

  it("does not let a tenant delete another tenant's rows", async () => {
    const outcome = await attempt(tenantA, `DELETE FROM ${name} WHERE ${column} = $1`, [tenantB]);
    expect(outcome).toMatch(/^(0 rows|denied: permission denied)/);
  });

  it("does not let a tenant insert a row for another tenant", async () => {
    // A copy of one of tenant A's own rows, relabelled as tenant B's.
    const outcome = await attempt(
      tenantA,
      `INSERT INTO ${name}
         SELECT (jsonb_populate_record(NULL::${name}, to_jsonb(t) || jsonb_build_object('${table.tenantColumn}', $1::uuid))).*
           FROM ${name} t WHERE ${column} = $2 LIMIT 1`,
      [tenantB, tenantA],
    );
    expect(outcome).toMatch(/^denied: new row violates row-level security policy/);
  });

  it("does not let a tenant move its own rows to another tenant", async () => {
    const outcome = await attempt(tenantA, `UPDATE ${name} SET ${column} = $1 WHERE ${column} = $2`, [
      tenantB,
      tenantA,
    ]);
    expect(outcome).toMatch(/^denied: (new row violates row-level security policy|permission denied)/);
  });
});

describe("append-only tables", () => {
  it.each(["ledger_entries", "lot_movements", "loyalty_operations", "outbox_events", "audit_log"])(
    "%s cannot be updated or deleted by the application role, even within its own tenant",
    async (table) => {
      const name = pg.escapeIdentifier(table);
      expect(
        await attempt(tenantA, `UPDATE ${name} SET tenant_id = tenant_id WHERE tenant_id = $1`, [tenantA]),
      ).toMatch(/^denied: permission denied/);
      expect(await attempt(tenantA, `DELETE FROM ${name} WHERE tenant_id = $1`, [tenantA])).toMatch(
        /^denied: permission denied/,
      );
    },
  );
});

describe("cross-tenant access by name", () => {
  it("resolves a tenant slug for the application role without letting it list tenants", async () => {
    const slug = await asTenant(tenantA, async (client) => {
      const result = await client.query<{ slug: string }>("SELECT slug FROM tenants");
      return result.rows.map((row) => row.slug);
    });
    expect(slug).toHaveLength(1);
    const resolved = await appPool.query("SELECT tenant_id_by_slug($1) AS id", [slug[0]]);
    expect(resolved.rows[0]?.id).toBe(tenantA);
    const listed = await appPool.query("SELECT count(*) FROM tenants");
    expect(Number(listed.rows[0]?.count)).toBe(0);
  });

  it("checks a staff member's access for the application role, and gives nothing for another tenant's staff", async () => {
    const staffOf = (tenantId: string) =>
      asTenant(tenantId, async (client) => {
        const result = await client.query<{ id: string }>("SELECT id FROM staff_users");
        return result.rows.map((row) => row.id);
      });
    const [[staffA], [staffB]] = await Promise.all([staffOf(tenantA), staffOf(tenantB)]);
    const access = (tenantId: string, staffId: string | undefined) =>
      appPool
        .query("SELECT role, is_active, access_generation FROM staff_access($1, $2)", [tenantId, staffId])
        .then((result) => result.rows);

    // The application role executes it with no tenant set, and gets exactly the row it names.
    expect(await access(tenantA, staffA)).toEqual([{ role: "owner", is_active: true, access_generation: 0 }]);
    expect(await db.staffAccess(tenantA, staffA ?? "")).toEqual({ role: "owner", isActive: true, accessGeneration: 0 });
    // A staff id of tenant B, asked for as tenant A's (or the other way round), is nobody.
    expect(await access(tenantA, staffB)).toEqual([]);
    expect(await access(tenantB, staffA)).toEqual([]);
    expect(await db.staffAccess(tenantA, staffB ?? "")).toBeNull();
    // And it opens nothing else: staff_users itself stays invisible without a tenant.
    const listed = await appPool.query("SELECT count(*) FROM staff_users");
    expect(Number(listed.rows[0]?.count)).toBe(0);
  });

  it("lets the platform role read across tenants but not write tenant data", async () => {
    const platform = new pg.Client({ connectionString: services.platformUrl });
    await platform.connect();
    try {
      const seen = await platform.query("SELECT count(DISTINCT tenant_id) FROM guests WHERE tenant_id IN ($1, $2)", [
        tenantA,
        tenantB,
      ]);
      expect(Number(seen.rows[0]?.count)).toBe(2);
      await expect(platform.query("UPDATE guests SET balance = 0 WHERE tenant_id = $1", [tenantA])).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await platform.end();
    }
  });
});

/** Runs `work` as the application role inside a transaction scoped to `tenantId`, then rolls back. */
async function asTenant<T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await appPool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    return await work(client);
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

/** "N rows" when the statement ran, "denied: <message>" when PostgreSQL refused it (42501). */
async function attempt(tenantId: string, sql: string, params: unknown[]): Promise<string> {
  return asTenant(tenantId, async (client) => {
    try {
      const result = await client.query(sql, params);
      return `${result.rowCount} rows`;
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (code === "42501") return `denied: ${message}`;
      throw error;
    }
  });
}

async function readCatalog(adminUrl: string): Promise<TableInfo[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<TableInfo>(
      `SELECT c.relname AS name,
              CASE WHEN c.relname = 'tenants' THEN 'id'
                   WHEN EXISTS (SELECT 1 FROM pg_attribute a
                                 WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                   THEN 'tenant_id' ELSE '' END AS "tenantColumn",
              c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname`,
    );
    return rows;
  } finally {
    await admin.end();
  }
}
