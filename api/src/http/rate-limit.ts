// A fixed-window limit per principal, counted in Redis so every API replica shares it. The
// principal is set by whoever verified the caller's credentials; anonymous calls count against
// their IP. If Redis is away, an in-process limiter with the same budget takes over rather than
// refusing every request.
import type { MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { clientIp, type TrustedProxies } from "./client-ip.ts";
import type { AppEnv } from "./context.ts";
import { problem } from "./problem.ts";

export interface RateLimitOptions {
  redis: Redis;
  perMinute: number;
  keyPrefix: string;
  trustProxy: TrustedProxies;
  /** requests the limit does not apply to */
  skip?: (path: string) => boolean;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.keyPrefix}:rate`,
    points: options.perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: options.perMinute, duration: 60 }),
  });

  return async (c, next) => {
    if (options.skip?.(c.req.path)) return next();
    const key = c.get("principal") ?? `ip:${clientIp(c, options.trustProxy)}`;
    let outcome: RateLimiterRes;
    try {
      outcome = await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return problem(c, {
        code: "RATE_LIMITED",
        detail: `Limit of ${options.perMinute} requests per minute reached; retry in ${retryAfter} s.`,
        messageKey: "too-many-requests",
        headers: { "Retry-After": String(retryAfter), ...limitHeaders(options.perMinute, rejection) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(limitHeaders(options.perMinute, outcome))) {
      c.header(name, value);
    }
    return undefined;
  };
}

function limitHeaders(limit: number, outcome: RateLimiterRes): Record<string, string> {
  return {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": String(Math.max(0, outcome.remainingPoints)),
    "RateLimit-Reset": String(Math.ceil(outcome.msBeforeNext / 1000)),
  };
}
