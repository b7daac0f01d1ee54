// One Vitest run for the whole workspace. The global setup migrates a fresh test database
// (<DATABASE name>_test) and empties Redis database 15 before any test file starts; tests run
// against those real services with row-level security on.
import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

if (existsSync(".env")) process.loadEnvFile(".env");

export default defineConfig({
  test: {
    include: ["{shared,prisma,api,workers,bot,miniapp}/{src,test}/**/*.test.{ts,tsx}", "e2e/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/.work/**"],
    globalSetup: ["./prisma/test/global-setup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: "silent" },
  },
});
