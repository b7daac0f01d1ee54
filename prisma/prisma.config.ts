// Prisma CLI configuration. `prisma generate` runs everywhere; `prisma migrate deploy` and the
// other schema-engine commands work where Prisma can download its engine (not on our CI
// machines, which use `pnpm db:migrate`: same folder, same _prisma_migrations bookkeeping).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: {
    url: process.env.DATABASE_ADMIN_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/maxloyalty",
  },
});
