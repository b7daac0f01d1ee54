// `prisma generate` without the schema engine: generation never uses it, but the CLI looks for
// it first and tries to download it when it is missing, which fails offline. Pointing the
// variable at any existing file satisfies that lookup (see ../shared/PLATFORM.md).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";

const result = spawnSync(process.execPath, [cli, "generate"], {
  cwd: fileURLToPath(new URL("../..", import.meta.url)),
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
