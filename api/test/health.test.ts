import { createDb } from "@maxl/db";
import { startTcpProxy, type TcpProxy, testServices, viaPort } from "@maxl/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, redisReady } from "../src/runtime/redis.ts";
import { createTestApp, type TestApp } from "./support.ts";

describe("/healthz and /readyz with PostgreSQL and Redis up", () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(() => test.close());

  it("reports the process alive", async () => {
    const response = await test.app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", uptimeSeconds: expect.any(Number) });
  });

  it("reports ready when both dependencies answer", async () => {
    const response = await test.app.request("/readyz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
  });
});

describe("/readyz through an outage", () => {
  const services = testServices();
  let postgres: TcpProxy;
  let redisProxy: TcpProxy;
  let test: TestApp;

  beforeAll(async () => {
    postgres = await startTcpProxy("127.0.0.1", Number(new URL(services.appUrl).port || 5432));
    redisProxy = await startTcpProxy("127.0.0.1", Number(new URL(services.redisUrl).port || 6379));
    const redis = createRedis({ url: viaPort(services.redisUrl, redisProxy.port), kind: "command", name: "outage" });
    await redisReady(redis);
    test = await createTestApp({ db: createDb({ url: viaPort(services.appUrl, postgres.port) }), redis });
  });

  afterAll(async () => {
    await test.close();
    await Promise.all([postgres.close(), redisProxy.close()]);
  });

  it("answers 503 naming Redis while Redis is away, and 200 again once it is back, without a restart", async () => {
    await redisProxy.cut();
    const down = await test.app.request("/readyz");
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toBe("application/problem+json");
    expect(await down.json()).toMatchObject({
      status: 503,
      code: "UNAVAILABLE",
      detail: "Not ready: Redis is not answering.",
      checks: { postgres: "ok", redis: "down" },
    });

    await redisProxy.restore();
    expect(await waitForStatus(test, 200)).toBe(200);
  });

  it("answers 503 naming PostgreSQL while PostgreSQL is away, and 200 again once it is back", async () => {
    await postgres.cut();
    const down = await test.app.request("/readyz");
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ checks: { postgres: "down", redis: "ok" } });

    await postgres.restore();
    expect(await waitForStatus(test, 200)).toBe(200);
  });
});

async function waitForStatus(test: TestApp, status: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await test.app.request("/readyz")).status;
    if (last === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}
