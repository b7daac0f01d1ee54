// Liveness and readiness for load balancers and orchestrators. /readyz checks PostgreSQL and
// Redis on every call, with a short timeout, so it turns 503 while either is away and back to
// 200 by itself once they return.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { healthSchema, problemSchema, readinessSchema } from "@maxl/shared";
import type { AppEnv } from "../../http/context.ts";
import { problem } from "../../http/problem.ts";

export interface HealthDeps {
  checks: {
    postgres: () => Promise<unknown>;
    redis: () => Promise<unknown>;
  };
  startedAt: number;
  /** per dependency */
  timeoutMs?: number;
}

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "Liveness: the process is up",
  responses: {
    200: { description: "Up", content: { "application/json": { schema: healthSchema } } },
  },
});

const readinessRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  summary: "Readiness: PostgreSQL and Redis answer",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: readinessSchema } } },
    503: {
      description: "A dependency is down; `checks` says which",
      content: {
        "application/problem+json": { schema: problemSchema.extend({ checks: readinessSchema.shape.checks }) },
      },
    },
  },
});

export function healthRoutes(deps: HealthDeps) {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  return new OpenAPIHono<AppEnv>()
    .openapi(healthRoute, (c) =>
      c.json({ status: "ok" as const, uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) }, 200),
    )
    .openapi(readinessRoute, async (c) => {
      const [postgres, redis] = await Promise.all([
        probe(deps.checks.postgres, timeoutMs),
        probe(deps.checks.redis, timeoutMs),
      ]);
      const checks = { postgres, redis };
      if (postgres === "ok" && redis === "ok") return c.json({ status: "ready" as const, checks }, 200);
      const down = Object.entries(checks)
        .filter(([, state]) => state === "down")
        .map(([name]) => (name === "postgres" ? "PostgreSQL" : "Redis"));
      return problem(c, {
        code: "UNAVAILABLE",
        status: 503,
        detail: `Not ready: ${down.join(" and ")} ${down.length === 1 ? "is" : "are"} not answering.`,
        extensions: { checks },
      });
    });
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<"ok" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}
