// 100 requests per minute per principal, counted in Redis, answered 429 with Retry-After.
import { randomUUID } from "node:crypto";
import { startTcpProxy, testServices, viaPort } from "@maxl/db/testing";
import { describe, expect, it } from "vitest";
import { createRedis, redisReady } from "../src/runtime/redis.ts";
import { createTestApp } from "./support.ts";

const from = (ip: string) => ({ headers: { "X-Forwarded-For": ip } });

describe("rate limit", () => {
  it("allows 100 requests a minute from one caller and answers the 101st with 429 and Retry-After", async () => {
    const test = await createTestApp({ env: { TRUST_PROXY: "true" } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++)
        statuses.push((await test.app.request("/api/v1/openapi.json", from("203.0.113.7"))).status);
      expect(statuses.every((status) => status === 200)).toBe(true);

      const limited = await test.app.request("/api/v1/openapi.json", from("203.0.113.7"));
      expect(limited.status).toBe(429);
      expect(limited.headers.get("content-type")).toBe("application/problem+json");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get("ratelimit-remaining")).toBe("0");
      expect(await limited.json()).toMatchObject({
        code: "RATE_LIMITED",
        detail: `Limit of 100 requests per minute reached; retry in ${retryAfter} s.`,
      });

      // Another caller has its own budget, and health probes are never limited.
      expect((await test.app.request("/api/v1/openapi.json", from("203.0.113.8"))).status).toBe(200);
      expect((await test.app.request("/healthz", from("203.0.113.7"))).status).toBe(200);
    } finally {
      await test.close();
    }
  });

  it("shares the count between API instances through Redis", async () => {
    const shared = { env: { TRUST_PROXY: "true", RATE_LIMIT_PER_MINUTE: "3" }, redisPrefix: `test:${randomUUID()}` };
    const first = await createTestApp(shared);
    const second = await createTestApp(shared);
    try {
      const statuses = [];
      for (const instance of [first, first, second, second]) {
        statuses.push((await instance.app.request("/api/v1/openapi.json", from("192.0.2.10"))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("keeps limiting when Redis is away, from memory", async () => {
    const services = testServices();
    const proxy = await startTcpProxy("127.0.0.1", Number(new URL(services.redisUrl).port || 6379));
    const redis = createRedis({ url: viaPort(services.redisUrl, proxy.port), kind: "command", name: "rate-outage" });
    await redisReady(redis);
    const test = await createTestApp({ redis, env: { TRUST_PROXY: "true", RATE_LIMIT_PER_MINUTE: "5" } });
    try {
      await proxy.cut();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await test.app.request("/api/v1/openapi.json", from("198.51.100.1"))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await test.close();
      await proxy.close();
    }
  });
});
