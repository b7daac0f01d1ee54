export { type AppDeps, type AppType, createApp } from "./app.ts";
export { issueStaffToken } from "./auth/staff-token.ts";
export { type ApiConfig, engineEnv, engineSettingsFromEnv, loadApiConfig } from "./config.ts";
export * from "./core/index.ts";
export { createLogger, type Logger } from "./runtime/logger.ts";
export { createRedis, type Redis, redisReady, verifyRedis } from "./runtime/redis.ts";
export { runService } from "./runtime/service.ts";
