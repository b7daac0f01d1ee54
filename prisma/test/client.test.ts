// The tenant-scoped unit of work and the start-up checks of a service's database URL.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, createDbOnPool } from "../src/client.ts";
import { verifyDatabase } from "../src/startup.ts";
import { createTestTenant, testServices, withDatabase } from "../src/testing/index.ts";

const services = testServices();
const db = createDb({ url: services.appUrl });

afterAll(() => db.close());

describe("withTenant", () => {
  it("scopes every query of the unit of work to the tenant", async () => {
    const tenant = await createTestTenant(db);
    const seen = await db.withTenant(tenant.id, (tx) => tx.tenant.findMany({ select: { id: true } }));
    expect(seen).toEqual([{ id: tenant.id }]);
  });

  it("leaves no tenant on the pooled connection once the transaction ends", async () => {
    const tenant = await createTestTenant(db);
    // One connection, so the query after the unit of work runs on the very connection it used.
    const pool = new pg.Pool({ connectionString: services.appUrl, max: 1 });
    const single = createDbOnPool(pool);
    try {
      expect(await single.withTenant(tenant.id, (tx) => tx.tenant.count())).toBe(1);
      const { rows } = await pool.query(
        "SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant, count(*) AS visible FROM tenants",
      );
      expect(rows[0]).toEqual({ tenant: null, visible: "0" });
    } finally {
      await single.close();
    }
  });

  it("rolls the whole unit back when the work fails", async () => {
    const tenant = await createTestTenant(db);
    await expect(
      db.withTenant(tenant.id, async (tx) => {
        await tx.restaurant.create({ data: { tenantId: tenant.id, name: "Never saved" } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.withTenant(tenant.id, (tx) => tx.restaurant.count())).toBe(0);
  });

  it("refuses a tenant id that is not a uuid, before touching the database", async () => {
    await expect(db.withTenant("demo", async () => 1)).rejects.toThrow(/needs a tenant id \(uuid\)/);
  });

  it("resolves a slug to its tenant, and an unknown slug to null", async () => {
    const tenant = await createTestTenant(db);
    expect(await db.tenantIdBySlug(tenant.slug)).toBe(tenant.id);
    expect(await db.tenantIdBySlug("no-such-tenant")).toBeNull();
  });
});

describe("verifyDatabase", () => {
  it("accepts the application role on the migrated database", async () => {
    await expect(
      verifyDatabase({ url: services.appUrl, variable: "DATABASE_URL", role: "maxl_app" }),
    ).resolves.toBeUndefined();
  });

  it("refuses a superuser, which row-level security would not bind", async () => {
    await expect(
      verifyDatabase({ url: services.adminUrl, variable: "DATABASE_URL", role: "maxl_app" }),
    ).rejects.toThrow(
      /DATABASE_URL connects as ".+", which is a superuser: row-level security would not isolate tenants/,
    );
  });

  it("names a database that does not exist and how to create it", async () => {
    const url = withDatabase(services.appUrl, "maxl_missing_database");
    await expect(verifyDatabase({ url, variable: "DATABASE_URL", role: "maxl_app" })).rejects.toThrow(
      'Database "maxl_missing_database" does not exist on 127.0.0.1:5432 (DATABASE_URL). Run "pnpm db:migrate" to create and migrate it.',
    );
  });

  it("says when the server is not running", async () => {
    await expect(
      verifyDatabase({ url: "postgresql://maxl_app@127.0.0.1:1/x", variable: "DATABASE_URL", role: "maxl_app" }),
    ).rejects.toThrow(/PostgreSQL refused the connection at 127\.0\.0\.1:1 \(DATABASE_URL\)/);
  });

  it("says when migrations are missing", async () => {
    const name = `maxl_unmigrated_${Date.now()}`;
    const admin = new pg.Client({ connectionString: withDatabase(services.adminUrl, "postgres") });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      await expect(
        verifyDatabase({ url: withDatabase(services.appUrl, name), variable: "DATABASE_URL", role: "maxl_app" }),
      ).rejects.toThrow('The database has no migrations applied. Run "pnpm db:migrate".');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
