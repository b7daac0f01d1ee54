// The HTTP application: middleware in the order a request meets it, then each module's routes.
// Chained so that `AppType` carries every route's types to the typed client (Hono RPC).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Db, SecretBox } from "@maxl/db";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { Redis } from "ioredis";
import { createTenantDirectory } from "./auth/tenant-directory.ts";
import type { ApiConfig } from "./config.ts";
import { checkStaffAccess } from "./core/auth/staff-access.ts";
import { createEngineDeps } from "./core/context.ts";
import { createBatchingInboxWriter } from "./core/pos/inbox.ts";
import { createPosIntegrations } from "./core/pos/integrations.ts";
import { bodyLimitByLength } from "./http/body-limit.ts";
import { identifyCaller } from "./http/caller.ts";
import type { AppEnv } from "./http/context.ts";
import { createErrorHandler, notFound, problem, validationHook } from "./http/problem.ts";
import { rateLimit } from "./http/rate-limit.ts";
import { requestLog } from "./http/request-log.ts";
import { auditRoutes } from "./modules/audit/routes.ts";
import { authRoutes } from "./modules/auth/routes.ts";
import { billingRoutes } from "./modules/billing/routes.ts";
import { botRoutes } from "./modules/bot/routes.ts";
import { broadcastRoutes } from "./modules/broadcasts/routes.ts";
import { dashboardRoutes } from "./modules/dashboard/routes.ts";
import { docsRoutes } from "./modules/docs/routes.ts";
import { eventRoutes } from "./modules/events/routes.ts";
import { guestImportRoutes } from "./modules/guest-imports/routes.ts";
import { guestRoutes } from "./modules/guests/routes.ts";
import { healthRoutes } from "./modules/health/routes.ts";
import { integrationRoutes } from "./modules/integrations/routes.ts";
import { meRoutes } from "./modules/me/routes.ts";
import { posIntakeRoutes } from "./modules/pos/routes.ts";
import { programRoutes } from "./modules/program/routes.ts";
import { restaurantRoutes } from "./modules/restaurants/routes.ts";
import { staffRoutes } from "./modules/staff/routes.ts";
import { tillRoutes } from "./modules/till/routes.ts";
import type { Logger } from "./runtime/logger.ts";

export interface AppDeps {
  config: ApiConfig;
  logger: Logger;
  db: Db;
  /** a fail-fast ("command") connection */
  redis: Redis;
  secrets: SecretBox;
  /** prefix of every Redis key the API writes; tests give each app its own */
  redisPrefix?: string;
  /** the current instant; tests move it */
  clock?: () => Date;
  startedAt?: number;
}

export function createApp(deps: AppDeps) {
  const { config } = deps;
  const clock = deps.clock ?? (() => new Date());
  const redisPrefix = deps.redisPrefix ?? "maxl";
  const engine = createEngineDeps({
    db: deps.db,
    redis: deps.redis,
    clock,
    settings: { ...config.engine, redisPrefix },
  });
  const tenants = createTenantDirectory(deps.db, deps.secrets);
  const integrations = createPosIntegrations(deps.db, deps.secrets);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFound);
  app.use(requestId({ limitLength: 200 }));
  app.use(requestLog(deps.logger));
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  app.use(
    cors({
      origin: (origin) => (config.http.corsOrigins.includes(origin) ? origin : null),
      credentials: true,
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Tenant", "X-Request-Id", "X-CSRF-Token"],
      exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
      maxAge: 600,
    }),
  );
  const limitBody = bodyLimitByLength({
    maxSize: config.http.bodyLimitBytes,
    onError: (c) =>
      problem(c, {
        code: "PAYLOAD_TOO_LARGE",
        detail: `The request body is larger than ${config.http.bodyLimitBytes} bytes.`,
        messageKey: "body-too-large",
      }),
  });
  // POS routes apply their own limit (POS_BODY_LIMIT_BYTES), which may be larger or smaller, and
  // so does the guest import's upload (a CSV of up to 5 MB), and an event's cover (2 MB).
  app.use((c, next) =>
    c.req.path.startsWith("/api/v1/pos/") ||
    c.req.path === "/api/v1/guest-imports" ||
    (c.req.method === "PUT" && /^\/api\/v1\/events\/[^/]+\/cover$/.test(c.req.path))
      ? next()
      : limitBody(c, next),
  );
  app.use(
    "/api/*",
    identifyCaller({
      jwtSecret: config.auth.jwtSecret,
      initDataMaxAgeSeconds: config.auth.initDataMaxAgeSeconds,
      tenants,
      clock,
      staffAccess: (claims) => checkStaffAccess(engine, claims),
    }),
  );
  app.use(
    "/api/*",
    rateLimit({
      redis: deps.redis,
      perMinute: config.rateLimit.perMinute,
      keyPrefix: redisPrefix,
      trustProxy: config.http.trustProxy,
      // A POS is authenticated by its signature or token and legitimately sends bursts (a day's
      // checks after an outage); a per-minute budget would refuse real checks.
      // YooKassa's notifications are checked by sender address, and come in bursts after an outage.
      skip: (path) => path.startsWith("/api/v1/pos/") || path === "/api/v1/billing/yookassa/notifications",
    }),
  );

  const routes = app
    .route(
      "/",
      healthRoutes({
        startedAt: deps.startedAt ?? Date.now(),
        checks: { postgres: () => deps.db.ping(), redis: () => deps.redis.ping() },
      }),
    )
    .route("/", docsRoutes())
    .route(
      "/",
      authRoutes(engine, {
        jwtSecret: config.auth.jwtSecret,
        refreshTokenDays: config.auth.refreshTokenDays,
        loginLockAfter: config.auth.loginLockAfter,
        cookieSecure: config.auth.cookieSecure,
        trustProxy: config.http.trustProxy,
      }),
    )
    .route("/", meRoutes(engine))
    .route("/", tillRoutes(engine, config.http.trustProxy))
    .route("/", guestRoutes(engine, config.http.trustProxy))
    .route("/", guestImportRoutes(engine, config.http.trustProxy))
    .route("/", programRoutes(engine, config.http.trustProxy))
    .route("/", restaurantRoutes(engine, config.http.trustProxy))
    .route("/", auditRoutes(engine, config.http.trustProxy))
    .route("/", dashboardRoutes(engine, config.http.trustProxy))
    .route("/", eventRoutes(engine, config.http.trustProxy))
    .route(
      "/",
      broadcastRoutes(
        engine,
        { telegramApiRoot: config.telegramApiRoot, secrets: deps.secrets },
        config.http.trustProxy,
      ),
    )
    .route(
      "/",
      botRoutes(
        engine,
        { telegramApiRoot: config.telegramApiRoot, secrets: deps.secrets, webhookBaseUrl: config.botWebhookBaseUrl },
        config.http.trustProxy,
      ),
    )
    .route("/", staffRoutes(engine, { trustProxy: config.http.trustProxy, adminUrl: config.auth.adminUrl }))
    .route(
      "/",
      posIntakeRoutes(engine, {
        integrations,
        writer: createBatchingInboxWriter(deps.db),
        bodyLimitBytes: config.pos.bodyLimitBytes,
      }),
    )
    .route("/", integrationRoutes(engine, { secrets: deps.secrets, integrations, trustProxy: config.http.trustProxy }))
    .route("/", billingRoutes(engine, { billing: config.billing, trustProxy: config.http.trustProxy }));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Staff access token from POST /api/v1/auth/login",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "telegramInitData", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: "`tma <initData>` as the Mini App received it from Telegram, with the X-Tenant header",
  });

  app.doc31("/api/v1/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "MAX Loyalty API",
      version: "1.0.0",
      description:
        "Loyalty programs for restaurants and cafés, lived in Telegram. Errors are RFC 9457 problem+json; every write that moves points takes an Idempotency-Key header.",
    },
  });

  return routes;
}

export type AppType = ReturnType<typeof createApp>;
