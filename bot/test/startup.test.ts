// The bot process as an operator meets it: a wrong setting is one readable line and exit 1; a
// good one serves the connected bots (here through the fake Telegram) and stops on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBotConfig } from "../src/config.ts";
import {
  type BotWorld,
  Chat,
  createBotTenant,
  createBotWorld,
  ENCRYPTION_KEY,
  services,
  telegramUser,
} from "./world.ts";

const botDir = fileURLToPath(new URL("..", import.meta.url));

function startBot(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: botDir,
    // Only what is given: the developer's .env must not leak into these cases.
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stderr };
}

const baseEnv = () => ({
  NODE_ENV: "test",
  LOG_LEVEL: "silent",
  DATABASE_URL: services.appUrl,
  DATABASE_PLATFORM_URL: services.platformUrl,
  REDIS_URL: services.redisUrl,
  APP_ENCRYPTION_KEY: ENCRYPTION_KEY.toString("base64"),
});

let world: BotWorld;

beforeAll(async () => {
  world = await createBotWorld();
});

afterAll(async () => {
  await world.close();
});

describe("bot configuration", () => {
  it("needs a public address in webhook mode, and trims trailing slashes", () => {
    expect(() => loadBotConfig({ ...baseEnv(), BOT_MODE: "webhook" })).toThrow(/BOT_WEBHOOK_BASE_URL: is not set/);
    const config = loadBotConfig({
      ...baseEnv(),
      BOT_MODE: "webhook",
      BOT_WEBHOOK_BASE_URL: "https://bots.example.com/",
      MINIAPP_URL: "https://app.example.com/",
      QR_TOKEN_TTL_SECONDS: "90",
    });
    expect(config).toMatchObject({
      mode: "webhook",
      webhookBaseUrl: "https://bots.example.com",
      miniAppUrl: "https://app.example.com",
      engine: { qrTtlSeconds: 90, codeTtlSeconds: 300 },
    });
    expect(() => loadBotConfig({ ...baseEnv(), BOT_MODE: "push" })).toThrow(/BOT_MODE/);
  });
});

describe("bot start-up", () => {
  it("lists missing settings and exits 1", async () => {
    const { code, stderr } = await exitOf(startBot({}));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^bot: Invalid configuration:\n {2}- DATABASE_URL: is not set/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it("serves the connected bots by long polling, then stops cleanly on SIGTERM", async () => {
    const tenant = await createBotTenant(world);
    const port = await freePort();
    const child = startBot({
      ...baseEnv(),
      TELEGRAM_API_ROOT: world.telegram.apiRoot,
      BOT_PORT: String(port),
      BOT_HOST: "127.0.0.1",
    });
    const exited = exitOf(child);
    try {
      const chat = new Chat(world, tenant, telegramUser("Нина"));
      chat.start();
      expect(await chat.text(20_000)).toMatch(/^Добро пожаловать в программу лояльности «Зерно»!/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toMatchObject({ status: "ok", mode: "polling" });
      child.kill("SIGTERM");
      expect((await exited).code).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 40_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
