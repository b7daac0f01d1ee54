export { createDb, type Db, type DbOptions, type TenantTx, type UnitOfWorkOptions } from "./client.ts";
export { describeDatabaseError, redactUrl, StartupError } from "./connection-errors.ts";
export type { BotConnection, Guest, Level, LoyaltyProgram, StaffUser, Tenant } from "./generated/client.ts";
export { Prisma } from "./generated/client.ts";
export * from "./generated/enums.ts";
export type * from "./generated/models.ts";
export { migrate } from "./migrate/runner.ts";
export { listLocalMigrations } from "./migrations.ts";
export { isCheckViolation, isTransientConflict, isUniqueViolation } from "./pg-errors.ts";
export { createPlatformDb, type PlatformDb } from "./platform.ts";
export { hashPassword, verifyPassword } from "./security/passwords.ts";
export {
  createSecretBox,
  encryptionKeySchema,
  parseEncryptionKey,
  type SecretBox,
  secretContext,
} from "./security/secrets.ts";
export { demoDefaults } from "./seed/defaults.ts";
export { DEMO_SLUG, demoIds, demoTelegramIds } from "./seed/demo.ts";
export { verifyDatabase } from "./startup.ts";
