-- CreateEnum
CREATE TYPE "broadcast_status" AS ENUM ('draft', 'scheduled', 'sending', 'sent', 'cancelled');

-- CreateEnum
CREATE TYPE "broadcast_format" AS ENUM ('html', 'plain');

-- CreateEnum
CREATE TYPE "broadcast_delivery_status" AS ENUM ('pending', 'sending', 'sent', 'blocked', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "broadcasts" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "format" "broadcast_format" NOT NULL DEFAULT 'html',
    "button_label" TEXT,
    "button_url" TEXT,
    "audience" JSONB NOT NULL DEFAULT '{}',
    "restaurant_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "status" "broadcast_status" NOT NULL DEFAULT 'draft',
    "scheduled_at" TIMESTAMPTZ(3),
    "counted_month" TEXT,
    "recipients_total" INTEGER NOT NULL DEFAULT 0,
    "sent_count" INTEGER NOT NULL DEFAULT 0,
    "blocked_count" INTEGER NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "cursor_guest_id" UUID,
    "expanded_at" TIMESTAMPTZ(3),
    "lease_token" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "create_key" TEXT,
    "send_key" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" TEXT,
    "created_by_staff_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broadcasts_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "broadcast_deliveries" (
    "tenant_id" UUID NOT NULL,
    "broadcast_id" UUID NOT NULL,
    "guest_id" UUID NOT NULL,
    "status" "broadcast_delivery_status" NOT NULL DEFAULT 'pending',
    "telegram_message_id" BIGINT,
    "error" TEXT,
    "attempted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broadcast_deliveries_pkey" PRIMARY KEY ("tenant_id","broadcast_id","guest_id")
);

-- CreateIndex
CREATE INDEX "broadcasts_tenant_id_status_scheduled_at_idx" ON "broadcasts"("tenant_id", "status", "scheduled_at");

-- CreateIndex
CREATE INDEX "broadcasts_tenant_id_counted_month_idx" ON "broadcasts"("tenant_id", "counted_month");

-- CreateIndex
CREATE INDEX "broadcasts_tenant_id_created_at_idx" ON "broadcasts"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "broadcasts_tenant_id_create_key_key" ON "broadcasts"("tenant_id", "create_key");

-- CreateIndex
CREATE INDEX "broadcast_deliveries_tenant_id_broadcast_id_status_idx" ON "broadcast_deliveries"("tenant_id", "broadcast_id", "status");

-- CreateIndex
CREATE INDEX "broadcast_deliveries_tenant_id_guest_id_idx" ON "broadcast_deliveries"("tenant_id", "guest_id");

-- AddForeignKey
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_tenant_id_created_by_staff_id_fkey" FOREIGN KEY ("tenant_id", "created_by_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcast_deliveries" ADD CONSTRAINT "broadcast_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcast_deliveries" ADD CONSTRAINT "broadcast_deliveries_tenant_id_broadcast_id_fkey" FOREIGN KEY ("tenant_id", "broadcast_id") REFERENCES "broadcasts"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcast_deliveries" ADD CONSTRAINT "broadcast_deliveries_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_counts" CHECK (
  "recipients_total" >= 0 AND "sent_count" >= 0 AND "blocked_count" >= 0 AND "failed_count" >= 0
);
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_button" CHECK (
  ("button_label" IS NULL) = ("button_url" IS NULL) AND ("button_url" IS NULL OR "button_url" LIKE 'https://%')
);
-- Scheduled, started and finished broadcasts name the month they count against.
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_counted_month" CHECK (
  "status" IN ('draft', 'cancelled') OR "counted_month" IS NOT NULL
);
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_scheduled_at" CHECK ("status" <> 'scheduled' OR "scheduled_at" IS NOT NULL);

SELECT app_enable_tenant_rls('broadcasts');
SELECT app_enable_tenant_rls('broadcast_deliveries');
-- Broadcasts are cancelled, never deleted (they are the record of what guests were sent).
GRANT SELECT, INSERT, UPDATE ON "broadcasts", "broadcast_deliveries" TO maxl_app;
-- The workers' sweep finds scheduled broadcasts that are due and sending ones whose sender
-- stopped, across tenants; it sends in each tenant's own unit of work.
GRANT SELECT ON "broadcasts" TO maxl_platform;
