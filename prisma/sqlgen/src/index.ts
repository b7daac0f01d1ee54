// Prisma's native schema engine cannot be downloaded on our machines, so `prisma migrate diff`
// of the current CLI does not run. Prisma 6.19 still ships a WebAssembly schema engine that
// renders the SQL for a datamodel offline, when its config names a driver adapter ("js"
// engine). We use it for two things only: the drift test (what Prisma expects the database to
// be) and drafting new migrations. It never applies anything.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

export interface RenderSqlOptions {
  /** schema.prisma text of the starting point; omitted: an empty database */
  from?: string;
  /** schema.prisma text to reach */
  to: string;
  /**
   * A reachable PostgreSQL URL. The engine opens it through the adapter to learn the server's
   * version; nothing is read from or written to that database.
   */
  databaseUrl: string;
}

/** The SQL script that takes a database from `from` to `to`, as Prisma would write it. */
export async function renderSql(options: RenderSqlOptions): Promise<string> {
  // Inside the package, so the config's imports resolve against this package's Prisma 6.
  await mkdir(join(packageDir, ".work"), { recursive: true });
  const workDir = await mkdtemp(join(packageDir, ".work", "run-"));
  try {
    const toPath = join(workDir, "to.prisma");
    await writeFile(toPath, withUrl(options.to));
    const fromArgs = ["--from-empty"];
    if (options.from !== undefined) {
      const fromPath = join(workDir, "from.prisma");
      await writeFile(fromPath, withUrl(options.from));
      fromArgs.splice(0, 1, "--from-schema-datamodel", fromPath);
    }
    const configPath = join(workDir, "prisma.config.mjs");
    await writeFile(configPath, configSource());
    return await runPrisma(
      ["migrate", "diff", "--config", configPath, ...fromArgs, "--to-schema-datamodel", toPath, "--script"],
      {
        DATABASE_URL: options.databaseUrl,
        // The CLI insists on finding engine files before it looks at the config; any existing
        // file satisfies the lookup, and with the "js" engine neither is ever loaded.
        PRISMA_QUERY_ENGINE_LIBRARY: configPath,
        PRISMA_SCHEMA_ENGINE_BINARY: configPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
      },
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

// Prisma 6 wants a url in the datasource block; Prisma 7 schemas keep it in prisma.config.ts.
function withUrl(schema: string): string {
  return schema.replace(
    /datasource\s+(\w+)\s*\{([^}]*)\}/,
    (_match, name: string, body: string) =>
      `datasource ${name} {${body.replace(/^\s*url\s*=.*$/m, "")}  url = env("DATABASE_URL")\n}`,
  );
}

function configSource(): string {
  return `import { PrismaPg } from "@prisma/adapter-pg";
export default {
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
};
`;
}

function runPrisma(args: string[], env: Record<string, string>): Promise<string> {
  const cli = require.resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`prisma ${args.slice(0, 2).join(" ")} failed (exit ${code}):\n${stderr}`));
    });
  });
}
