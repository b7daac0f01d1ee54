// pnpm bench: migrates a fresh benchmark database (<DATABASE name>_bench), runs every suite, prints
// the table and saves it as bench/results/latest.{md,json}. BENCH_SECONDS sets each measurement's
// duration (default 5).
import { fileURLToPath } from "node:url";
import { createDb } from "@maxl/db";
import { createTestTenant, resetTestDatabase, testServices } from "@maxl/db/testing";
import pg from "pg";
import { uuidv7 } from "uuidv7";
import { type Comparison, renderTable, saveResults } from "./src/report.ts";
import { unitOfWorkSuite } from "./src/suites/unit-of-work.ts";

const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const services = testServices({
  ...process.env,
  TEST_DATABASE_NAME:
    process.env.BENCH_DATABASE_NAME ??
    `${new URL(process.env.DATABASE_ADMIN_URL ?? "postgresql://x/maxloyalty").pathname.slice(1)}_bench`,
});

console.log("bench: preparing a fresh benchmark database");
await resetTestDatabase(services);
const db = createDb({ url: services.appUrl, poolSize: 10 });
const pool = new pg.Pool({ connectionString: services.appUrl, max: 10 });
try {
  const tenant = await createTestTenant(db, "Bench tenant");
  const guestIds = Array.from({ length: 1000 }, () => uuidv7());
  await db.withTenant(tenant.id, (tx) =>
    tx.guest.createMany({ data: guestIds.map((id, i) => ({ tenantId: tenant.id, id, firstName: `Guest ${i}` })) }),
  );

  const comparisons: Comparison[] = [];
  console.log(`bench: tenant unit of work (${durationMs / 1000} s per side)`);
  comparisons.push(await unitOfWorkSuite({ db, pool, tenantId: tenant.id, guestIds }, durationMs));

  const table = renderTable(comparisons);
  console.log(`\n${table}\n`);
  const saved = await saveResults(fileURLToPath(new URL("./results", import.meta.url)), comparisons, table);
  console.log(`bench: saved ${saved}`);
} finally {
  await Promise.all([db.close(), pool.end()]);
}
