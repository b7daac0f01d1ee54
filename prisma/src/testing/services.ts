// Where tests find PostgreSQL and Redis: the same servers as .env, but a database of their own
// (<name>_test) and Redis logical database 15, so a test run never touches development data.
import pg from "pg";
import { migrate } from "../migrate/runner.ts";

export interface TestServices {
  adminUrl: string;
  appUrl: string;
  platformUrl: string;
  redisUrl: string;
}

// The documented defaults of .env.example, for a checkout that has no .env yet.
const defaults = {
  DATABASE_URL: "postgresql://maxl_app:maxl_app@127.0.0.1:5432/maxloyalty",
  DATABASE_PLATFORM_URL: "postgresql://maxl_platform:maxl_platform@127.0.0.1:5432/maxloyalty",
  DATABASE_ADMIN_URL: "postgresql://postgres:postgres@127.0.0.1:5432/maxloyalty",
  REDIS_URL: "redis://127.0.0.1:6379/0",
};

export function testServices(env: NodeJS.ProcessEnv = process.env): TestServices {
  const base = env.DATABASE_ADMIN_URL ?? defaults.DATABASE_ADMIN_URL;
  const database = env.TEST_DATABASE_NAME ?? `${new URL(base).pathname.slice(1) || "maxloyalty"}_test`;
  const redis = new URL(env.TEST_REDIS_URL ?? env.REDIS_URL ?? defaults.REDIS_URL);
  if (!env.TEST_REDIS_URL) redis.pathname = "/15";
  return {
    adminUrl: withDatabase(base, database),
    appUrl: withDatabase(env.DATABASE_URL ?? defaults.DATABASE_URL, database),
    platformUrl: withDatabase(env.DATABASE_PLATFORM_URL ?? defaults.DATABASE_PLATFORM_URL, database),
    redisUrl: redis.toString(),
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops the test database and migrates a fresh one: every run starts from the migrations. */
export async function resetTestDatabase(services: TestServices): Promise<void> {
  const database = new URL(services.adminUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(services.adminUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrate({ adminUrl: services.adminUrl, appUrl: services.appUrl, platformUrl: services.platformUrl });
}
