// Turns a failed connection into one sentence a person can act on, naming the variable that
// holds the URL and never the password.

export class StartupError extends Error {
  override readonly name = "StartupError";
}

export interface UrlParts {
  host: string;
  port: string;
  database: string;
  user: string;
}

export function urlParts(url: string): UrlParts {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || "localhost",
    port: parsed.port || "5432",
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
    user: decodeURIComponent(parsed.username) || "(default user)",
  };
}

/** A URL with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a valid URL)";
  }
}

export function describeDatabaseError(error: unknown, variable: string, url: string): string {
  const { host, port, database, user } = urlParts(url);
  const where = `${host}:${port}`;
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "ECONNREFUSED":
      return `PostgreSQL refused the connection at ${where} (${variable}). Is it running? Start it with "docker compose up -d postgres" or your system's service (see README, "PostgreSQL and Redis").`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot resolve the PostgreSQL host "${host}" from ${variable}.`;
    case "3D000":
      return `Database "${database}" does not exist on ${where} (${variable}). Run "pnpm db:migrate" to create and migrate it.`;
    case "28P01":
      return `PostgreSQL rejected the password of user "${user}" (${variable}).`;
    case "28000":
      return `PostgreSQL refused user "${user}" (${variable}): ${message}. "pnpm db:migrate" creates the application roles; otherwise check pg_hba.conf.`;
    default:
      if (/timeout/i.test(message)) {
        return `PostgreSQL at ${where} (${variable}) did not answer in time. Is the host reachable?`;
      }
      return `Cannot use PostgreSQL at ${where} (${variable}): ${message}`;
  }
}
