// The migration folder in Prisma's layout: migrations/<14-digit timestamp>_<name>/migration.sql.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const migrationsDir = fileURLToPath(new URL("../migrations", import.meta.url));

export interface LocalMigration {
  name: string;
  sql: string;
  /** as Prisma records it: the SHA-256 of the file, hex */
  checksum: string;
}

export async function listLocalMigrations(dir = migrationsDir): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && /^\d{14}_[\w-]+$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}
