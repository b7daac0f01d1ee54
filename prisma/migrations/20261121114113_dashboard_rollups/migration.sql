-- CreateEnum
CREATE TYPE "DashboardUnit" AS ENUM ('day', 'week', 'month');

-- CreateTable
CREATE TABLE "dashboard_rollups" (
    "tenant_id" UUID NOT NULL,
    "rolled_through" DATE NOT NULL,
    "epoch" DATE NOT NULL,
    "time_zone" TEXT NOT NULL,
    "last_run_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dashboard_rollups_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "dashboard_days" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "day" DATE NOT NULL,
    "restaurant_id" UUID,
    "checks" INTEGER NOT NULL,
    "sold_minor" BIGINT NOT NULL,
    "refunded_minor" BIGINT NOT NULL,
    "points_issued" BIGINT NOT NULL,
    "points_redeemed" BIGINT NOT NULL,
    "points_expired" BIGINT NOT NULL,

    CONSTRAINT "dashboard_days_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "guest_visits" (
    "tenant_id" UUID NOT NULL,
    "guest_id" UUID NOT NULL,
    "days" VARBIT NOT NULL,
    "multi" VARBIT NOT NULL,

    CONSTRAINT "guest_visits_pkey" PRIMARY KEY ("tenant_id","guest_id")
);

-- CreateTable
CREATE TABLE "dashboard_active_guests" (
    "tenant_id" UUID NOT NULL,
    "unit" "DashboardUnit" NOT NULL,
    "start" DATE NOT NULL,
    "guests" INTEGER NOT NULL,

    CONSTRAINT "dashboard_active_guests_pkey" PRIMARY KEY ("tenant_id","unit","start")
);

-- CreateIndex
CREATE INDEX "dashboard_days_tenant_id_day_idx" ON "dashboard_days"("tenant_id", "day");

-- CreateIndex
CREATE INDEX "checks_tenant_id_created_at_idx" ON "checks"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "dashboard_rollups" ADD CONSTRAINT "dashboard_rollups_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dashboard_days" ADD CONSTRAINT "dashboard_days_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guest_visits" ADD CONSTRAINT "guest_visits_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dashboard_active_guests" ADD CONSTRAINT "dashboard_active_guests_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Row-level security. The workers' dashboard.rollup job recomputes a tenant's rows through the
-- application role inside that tenant's unit of work (so RLS applies to it too): it deletes and
-- rewrites whole days, hence DELETE; the dashboard itself only reads. The platform role needs none.
SELECT app_enable_tenant_rls('dashboard_rollups');
GRANT SELECT, INSERT, UPDATE, DELETE ON "dashboard_rollups" TO maxl_app;
SELECT app_enable_tenant_rls('dashboard_days');
GRANT SELECT, INSERT, UPDATE, DELETE ON "dashboard_days" TO maxl_app;
SELECT app_enable_tenant_rls('guest_visits');
GRANT SELECT, INSERT, UPDATE, DELETE ON "guest_visits" TO maxl_app;
SELECT app_enable_tenant_rls('dashboard_active_guests');
GRANT SELECT, INSERT, UPDATE, DELETE ON "dashboard_active_guests" TO maxl_app;
