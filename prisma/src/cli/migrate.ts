// pnpm db:migrate: creates the database if needed, applies pending migrations, and sets up the
// login roles named in DATABASE_URL and DATABASE_PLATFORM_URL.
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";
import { migrate } from "../migrate/runner.ts";
import { runCli } from "./run.ts";

await runCli("db:migrate", async () => {
  const config = parseEnv(
    z.object({
      DATABASE_ADMIN_URL: env.postgresUrl,
      DATABASE_URL: env.postgresUrl,
      DATABASE_PLATFORM_URL: env.postgresUrl,
    }),
    process.env,
  );
  const result = await migrate({
    adminUrl: config.DATABASE_ADMIN_URL,
    appUrl: config.DATABASE_URL,
    platformUrl: config.DATABASE_PLATFORM_URL,
    log: (line) => console.log(`db:migrate: ${line}`),
  });
  const total = result.applied.length + result.alreadyApplied;
  console.log(
    result.applied.length === 0
      ? `db:migrate: the database is up to date (${total} migrations)`
      : `db:migrate: applied ${result.applied.length} of ${total} migrations`,
  );
});
