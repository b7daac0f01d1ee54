// pnpm db:new-migration <name>: drafts the next migration from the change to schema.prisma
// since the last commit. The committed schema always matches the committed migrations (the
// drift test enforces it), so that diff is exactly what the database lacks. New tenant tables
// get their row-level security and grants drafted too; read the file before committing it.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderSql } from "@maxl/prisma-sqlgen";
import { env, parseEnv } from "@maxl/shared";
import { z } from "zod";
import { migrationsDir } from "../migrations.ts";
import { runCli } from "./run.ts";

await runCli("db:new-migration", async () => {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error("give the migration a snake_case name: pnpm db:new-migration add_event_tables");
  }
  const { DATABASE_ADMIN_URL } = parseEnv(z.object({ DATABASE_ADMIN_URL: env.postgresUrl }), process.env);
  const schemaPath = join(migrationsDir, "..", "schema.prisma");
  const committed = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
  const current = await readFile(schemaPath, "utf8");
  const sql = await renderSql({ from: committed, to: current, databaseUrl: DATABASE_ADMIN_URL });
  if (sql.trim() === "" || /^-- This is an empty migration\.\s*$/.test(sql.trim())) {
    console.log("db:new-migration: schema.prisma has no changes since the last commit");
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir);
  await writeFile(join(dir, "migration.sql"), `${sql.trim()}\n${tenantTableDrafts(sql)}`);
  console.log(`db:new-migration: wrote ${join(dir, "migration.sql")}; review it, then run pnpm db:migrate`);
});

function tenantTableDrafts(sql: string): string {
  const tables = [...sql.matchAll(/CREATE TABLE "(\w+)" \(([^;]*?)\);/g)]
    .filter(([, , body]) => body?.includes('"tenant_id"'))
    .map(([, table]) => table);
  if (tables.length === 0) return "";
  const lines = tables.flatMap((table) => [
    `SELECT app_enable_tenant_rls('${table}');`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON "${table}" TO maxl_app; -- trim to what the request path needs`,
    `GRANT SELECT ON "${table}" TO maxl_platform;`,
  ]);
  return `\n-- Row-level security and grants for the new tenant tables (drafted; review).\n${lines.join("\n")}\n`;
}
