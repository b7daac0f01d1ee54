// The migration runner, on scratch databases: it applies the folder and records each migration
// as `prisma migrate deploy` would, does nothing the second time, and leaves nothing behind
// when a migration fails.
import { createHash, randomUUID } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { StartupError } from "../src/connection-errors.ts";
import { migrate } from "../src/migrate/runner.ts";
import { listLocalMigrations, migrationsDir } from "../src/migrations.ts";
import { testServices, withDatabase } from "../src/testing/index.ts";

const services = testServices();
const scratchDatabases: string[] = [];
const tempDirs: string[] = [];

function scratchUrl(): string {
  const name = `maxl_migrate_${randomUUID().slice(0, 8)}`;
  scratchDatabases.push(name);
  return withDatabase(services.adminUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of scratchDatabases) {
    await query(
      withDatabase(services.adminUrl, "postgres"),
      `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`,
    );
  }
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("migrate", () => {
  it("creates the database, applies every migration and records it as Prisma does", async () => {
    const url = scratchUrl();
    const local = await listLocalMigrations();
    const result = await migrate({ adminUrl: url });
    expect(result.applied).toEqual(local.map((migration) => migration.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished: boolean;
      steps: number;
      rolled_back: boolean;
    }>(
      url,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count AS steps,
              rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations ORDER BY started_at`,
    );
    expect(rows).toEqual(
      local.map((migration) => ({
        migration_name: migration.name,
        checksum: createHash("sha256").update(migration.sql).digest("hex"),
        finished: true,
        steps: 1,
        rolled_back: false,
      })),
    );
  });

  it("does nothing when the database is up to date", async () => {
    const url = scratchUrl();
    await migrate({ adminUrl: url });
    const again = await migrate({ adminUrl: url });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe((await listLocalMigrations()).length);
  });

  it("rolls a failing migration back completely, records it as rolled back, and applies it once fixed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "maxl-migrations-"));
    tempDirs.push(dir);
    await cp(migrationsDir, dir, { recursive: true });
    const broken = join(dir, "20991231000000_broken");
    await mkdir(broken);
    await writeFile(join(broken, "migration.sql"), `CREATE TABLE half_done (id int);\nSELECT no_such_function();\n`);

    const url = scratchUrl();
    await expect(migrate({ adminUrl: url, dir })).rejects.toThrow(
      /Migration 20991231000000_broken failed and was rolled back: function no_such_function\(\) does not exist/,
    );
    const [table] = await query<{ exists: string | null }>(url, "SELECT to_regclass('half_done')::text AS exists");
    expect(table?.exists).toBeNull();
    const [record] = await query<{ logs: string; rolled_back: boolean; finished: boolean }>(
      url,
      `SELECT logs, rolled_back_at IS NOT NULL AS rolled_back, finished_at IS NOT NULL AS finished
         FROM _prisma_migrations WHERE migration_name = '20991231000000_broken'`,
    );
    expect(record).toEqual({ logs: expect.stringContaining("no_such_function"), rolled_back: true, finished: false });

    await writeFile(join(broken, "migration.sql"), "CREATE TABLE half_done (id int);\n");
    const fixed = await migrate({ adminUrl: url, dir });
    expect(fixed.applied).toEqual(["20991231000000_broken"]);
  });

  it("refuses to give the application role to a superuser", async () => {
    const url = scratchUrl();
    const superuserAppUrl = withDatabase(services.adminUrl, "ignored");
    await expect(migrate({ adminUrl: url, appUrl: superuserAppUrl })).rejects.toThrow(StartupError);
    await expect(migrate({ adminUrl: url, appUrl: superuserAppUrl })).rejects.toThrow(
      /DATABASE_URL logs in as ".+", which is a superuser: row-level security would not apply/,
    );
  });

  it("creates a login of another name and makes it a member of maxl_app", async () => {
    const url = scratchUrl();
    const login = `maxl_test_login_${randomUUID().slice(0, 8)}`;
    const appUrl = new URL(withDatabase(services.appUrl, "ignored"));
    appUrl.username = login;
    appUrl.password = "s3cret";
    try {
      await migrate({ adminUrl: url, appUrl: appUrl.toString() });
      const [role] = await query<{ can_login: boolean; member: boolean }>(
        url,
        "SELECT rolcanlogin AS can_login, pg_has_role($1, 'maxl_app', 'MEMBER') AS member FROM pg_roles WHERE rolname = $1",
        [login],
      );
      expect(role).toEqual({ can_login: true, member: true });
    } finally {
      await query(url, `DROP ROLE IF EXISTS ${pg.escapeIdentifier(login)}`);
    }
  });

  it("explains an unreachable server instead of failing with a stack", async () => {
    await expect(migrate({ adminUrl: "postgresql://postgres@127.0.0.1:1/nowhere" })).rejects.toThrow(
      /PostgreSQL refused the connection at 127\.0\.0\.1:1 \(DATABASE_ADMIN_URL\)\. Is it running\?/,
    );
  });
});
