// Start-up checks for a service's database URL: reachable, the right kind of role, and the
// schema this code was built for. Each failure is one sentence naming what to do.
import pg from "pg";
import { describeDatabaseError, StartupError } from "./connection-errors.ts";
import { listLocalMigrations } from "./migrations.ts";

export interface VerifyDatabaseOptions {
  url: string;
  /** the variable the URL came from, for messages */
  variable: string;
  role: "maxl_app" | "maxl_platform";
}

export async function verifyDatabase({ url, variable, role }: VerifyDatabaseOptions): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(describeDatabaseError(error, variable, url));
  }
  try {
    await checkRole(client, variable, role);
    await checkMigrations(client);
  } finally {
    await client.end();
  }
}

async function checkRole(client: pg.Client, variable: string, role: string): Promise<void> {
  const { rows } = await client.query<{
    user: string;
    rolsuper: boolean;
    rolbypassrls: boolean;
    member: boolean | null;
  }>(
    `SELECT current_user AS user, r.rolsuper, r.rolbypassrls,
            CASE WHEN to_regrole($1) IS NULL THEN NULL ELSE pg_has_role(current_user, $1, 'MEMBER') END AS member
       FROM pg_roles r WHERE r.rolname = current_user`,
    [role],
  );
  const me = rows[0];
  if (!me) throw new StartupError(`${variable}: cannot read the current role.`);
  if (me.rolsuper || me.rolbypassrls) {
    throw new StartupError(
      `${variable} connects as "${me.user}", which ${me.rolsuper ? "is a superuser" : "has BYPASSRLS"}: ` +
        `row-level security would not isolate tenants. Point ${variable} at the ${role} role (see .env.example).`,
    );
  }
  if (me.member === null) {
    throw new StartupError(`The database has no role ${role} yet. Run "pnpm db:migrate".`);
  }
  if (!me.member) {
    throw new StartupError(
      `${variable} connects as "${me.user}", which is not a member of ${role}. Run "pnpm db:migrate" with this URL set, or GRANT ${role} TO "${me.user}".`,
    );
  }
}

async function checkMigrations(client: pg.Client): Promise<void> {
  let applied: Set<string>;
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = new Set(rows.map((row) => row.migration_name));
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") {
      throw new StartupError(`The database has no migrations applied. Run "pnpm db:migrate".`);
    }
    throw error;
  }
  const missing = (await listLocalMigrations()).filter((migration) => !applied.has(migration.name));
  if (missing.length > 0) {
    throw new StartupError(
      `The database is missing ${missing.length} migration(s), the latest ${missing.at(-1)?.name}. Run "pnpm db:migrate".`,
    );
  }
}
