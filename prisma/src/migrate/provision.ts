// Gives the login in a service URL its group role. Group roles (maxl_app, maxl_platform) come
// from the first migration; which user logs in is a deployment choice, taken from the URLs.
import pg from "pg";
import { StartupError, urlParts } from "../connection-errors.ts";

export async function provisionLogin(
  client: pg.Client,
  url: string,
  groupRole: "maxl_app" | "maxl_platform",
  variable: string,
  log: (line: string) => void,
): Promise<void> {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) return;
  const password = decodeURIComponent(new URL(url).password);
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1",
    [user],
  );
  const existing = rows[0];
  if (existing && (existing.rolsuper || existing.rolbypassrls)) {
    throw new StartupError(
      `${variable} logs in as "${user}", which ${existing.rolsuper ? "is a superuser" : "has BYPASSRLS"}: ` +
        `row-level security would not apply to it. Use a role of its own (default: ${groupRole}).`,
    );
  }
  const passwordClause = password ? ` PASSWORD ${pg.escapeLiteral(password)}` : "";
  try {
    if (!existing) {
      await client.query(`CREATE ROLE ${pg.escapeIdentifier(user)} LOGIN${passwordClause}`);
      log(`created login role ${user}`);
    } else if (user === groupRole) {
      await client.query(`ALTER ROLE ${pg.escapeIdentifier(user)} LOGIN${passwordClause}`);
    }
    if (user !== groupRole) {
      await client.query(`GRANT ${groupRole} TO ${pg.escapeIdentifier(user)}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { database } = urlParts(url);
    throw new StartupError(
      `Cannot set up the login "${user}" for ${variable} (${message}). Ask a database administrator to run: ` +
        `CREATE ROLE "${user}" LOGIN PASSWORD '...'; GRANT ${groupRole} TO "${user}"; (database ${database}).`,
    );
  }
}
