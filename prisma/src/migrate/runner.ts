// Applies the SQL migrations and records them exactly as `prisma migrate deploy` does, in the
// same _prisma_migrations table, so a machine that has Prisma's schema engine can switch to
// Prisma's own commands on the same database at any time. Differences from Prisma, on purpose:
// each migration runs in one transaction (PostgreSQL DDL is transactional), so a failure
// leaves nothing half-applied and is recorded as rolled back; and the database is created when
// it is missing, for the two-command quick start.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { describeDatabaseError, StartupError, urlParts } from "../connection-errors.ts";
import { type LocalMigration, listLocalMigrations, migrationsDir } from "../migrations.ts";
import { provisionLogin } from "./provision.ts";

// The advisory lock key Prisma's schema engine takes, so our runner and Prisma's never overlap.
const PRISMA_MIGRATE_LOCK = 72707369;

export interface MigrateOptions {
  /** owner of the tables (DATABASE_ADMIN_URL) */
  adminUrl: string;
  /** application role login to provision (DATABASE_URL) */
  appUrl?: string;
  /** platform role login to provision (DATABASE_PLATFORM_URL) */
  platformUrl?: string;
  dir?: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
  warnings: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  await ensureDatabase(options.adminUrl, log);
  const client = new pg.Client({ connectionString: options.adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(describeDatabaseError(error, "DATABASE_ADMIN_URL", options.adminUrl));
  }
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum"            VARCHAR(64) NOT NULL,
        "finished_at"         TIMESTAMPTZ,
        "migration_name"      VARCHAR(255) NOT NULL,
        "logs"                TEXT,
        "rolled_back_at"      TIMESTAMPTZ,
        "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
    const local = await listLocalMigrations(options.dir ?? migrationsDir);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const warnings = checkHistory(local, rows);
    const done = new Set(rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => row.migration_name));
    const pending = local.filter((migration) => !done.has(migration.name));
    for (const migration of pending) {
      await applyOne(client, migration, log);
    }
    // Services check at start-up that the schema they were built for is in place.
    await client.query(`GRANT SELECT ON "_prisma_migrations" TO maxl_app, maxl_platform`);
    if (options.appUrl) await provisionLogin(client, options.appUrl, "maxl_app", "DATABASE_URL", log);
    if (options.platformUrl) {
      await provisionLogin(client, options.platformUrl, "maxl_platform", "DATABASE_PLATFORM_URL", log);
    }
    for (const warning of warnings) log(`warning: ${warning}`);
    return { applied: pending.map((migration) => migration.name), alreadyApplied: done.size, warnings };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
}

/** Refuses to go on past a failed migration (as Prisma's P3009) and notes edited ones. */
function checkHistory(local: LocalMigration[], rows: AppliedRow[]): string[] {
  const failed = rows.filter((row) => !row.finished_at && !row.rolled_back_at);
  if (failed.length > 0) {
    throw new StartupError(
      `Migration ${failed.map((row) => row.migration_name).join(", ")} failed earlier and was not resolved. ` +
        `Fix the database, then mark it with "prisma migrate resolve" or delete its row from _prisma_migrations.`,
    );
  }
  const warnings: string[] = [];
  const byName = new Map(local.map((migration) => [migration.name, migration]));
  for (const row of rows) {
    if (!row.finished_at || row.rolled_back_at) continue;
    const migration = byName.get(row.migration_name);
    if (!migration) {
      warnings.push(`the database has migration ${row.migration_name}, which this checkout does not`);
    } else if (migration.checksum !== row.checksum) {
      warnings.push(`migration ${row.migration_name} was edited after it was applied`);
    }
  }
  return warnings;
}

async function applyOne(client: pg.Client, migration: LocalMigration, log: (line: string) => void): Promise<void> {
  const id = randomUUID();
  const started = performance.now();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query("BEGIN");
    await client.query(migration.sql);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const message = error instanceof Error ? error.message : String(error);
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1`, [
      id,
      message,
    ]);
    throw new StartupError(`Migration ${migration.name} failed and was rolled back: ${message}`);
  }
  await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
    id,
  ]);
  log(`applied ${migration.name} (${Math.round(performance.now() - started)} ms)`);
}

/** Creates the target database when it does not exist yet, through the server's `postgres` database. */
async function ensureDatabase(adminUrl: string, log: (line: string) => void): Promise<void> {
  const { database } = urlParts(adminUrl);
  const maintenanceUrl = new URL(adminUrl);
  maintenanceUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenanceUrl.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(describeDatabaseError(error, "DATABASE_ADMIN_URL", adminUrl));
  }
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      log(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
}
