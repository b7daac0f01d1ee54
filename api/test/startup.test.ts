// The API process as an operator meets it: a wrong or unreachable dependency is one readable
// line and exit code 1, never a stack trace; a good configuration serves and stops cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { testServices } from "@maxl/db/testing";
import { describe, expect, it } from "vitest";
import { testEnv } from "./support.ts";

const apiDir = fileURLToPath(new URL("..", import.meta.url));

function startApi(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: apiDir,
    // Only what is given: the developer's .env must not leak into these cases.
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = startApi(env);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stderr };
}

function expectOneClearLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("API start-up", () => {
  it("lists missing settings and exits 1", async () => {
    const { code, stderr } = await run({});
    expect(code).toBe(1);
    expectOneClearLine(stderr, /^api: Invalid configuration:\n {2}- DATABASE_URL: is not set/);
  });

  it("names PostgreSQL when it cannot be reached", async () => {
    const { code, stderr } = await run({ ...testEnv(), DATABASE_URL: "postgresql://maxl_app@127.0.0.1:1/maxloyalty" });
    expect(code).toBe(1);
    expectOneClearLine(
      stderr,
      /^api: PostgreSQL refused the connection at 127\.0\.0\.1:1 \(DATABASE_URL\)\. Is it running\?/,
    );
  });

  it("names Redis when it cannot be reached", async () => {
    const { code, stderr } = await run({ ...testEnv(), REDIS_URL: "redis://127.0.0.1:1" });
    expect(code).toBe(1);
    expectOneClearLine(stderr, /^api: Redis is not reachable at 127\.0\.0\.1:1 \(REDIS_URL\)/);
  });

  it("refuses to run as a superuser, which would bypass row-level security", async () => {
    const { code, stderr } = await run({ ...testEnv(), DATABASE_URL: testServices().adminUrl });
    expect(code).toBe(1);
    expectOneClearLine(stderr, /^api: DATABASE_URL connects as ".+", which is a superuser/);
  });

  it("serves, then stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const child = startApi({ ...testEnv(), PORT: String(port), HOST: "127.0.0.1" });
    try {
      const health = await poll(`http://127.0.0.1:${port}/healthz`);
      expect(health).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function poll(url: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return (await fetch(url)).status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
