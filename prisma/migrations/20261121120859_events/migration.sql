-- CreateEnum
CREATE TYPE "event_status" AS ENUM ('draft', 'published', 'cancelled', 'finished');

-- CreateEnum
CREATE TYPE "event_registration_status" AS ENUM ('registered', 'waitlisted', 'cancelled');

-- CreateTable
CREATE TABLE "events" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "restaurant_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "min_level_id" UUID,
    "price_points" INTEGER NOT NULL DEFAULT 0,
    "attendance_bonus_points" INTEGER NOT NULL DEFAULT 0,
    "registration_deadline" TIMESTAMPTZ(3),
    "status" "event_status" NOT NULL DEFAULT 'draft',
    "registered_count" INTEGER NOT NULL DEFAULT 0,
    "day_reminder_sent_at" TIMESTAMPTZ(3),
    "hour_reminder_sent_at" TIMESTAMPTZ(3),
    "published_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" TEXT,
    "created_by_staff_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "event_covers" (
    "tenant_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "content_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_covers_pkey" PRIMARY KEY ("tenant_id","event_id")
);

-- CreateTable
CREATE TABLE "event_registrations" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "guest_id" UUID NOT NULL,
    "status" "event_registration_status" NOT NULL,
    "payment_operation_id" UUID,
    "refund_operation_id" UUID,
    "checked_in_at" TIMESTAMPTZ(3),
    "checked_in_by_staff_id" UUID,
    "promoted_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_registrations_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "events_tenant_id_status_starts_at_idx" ON "events"("tenant_id", "status", "starts_at");

-- CreateIndex
CREATE INDEX "event_registrations_tenant_id_event_id_status_created_at_idx" ON "event_registrations"("tenant_id", "event_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "event_registrations_tenant_id_guest_id_idx" ON "event_registrations"("tenant_id", "guest_id");

-- CreateIndex
CREATE UNIQUE INDEX "event_registrations_tenant_id_event_id_guest_id_key" ON "event_registrations"("tenant_id", "event_id", "guest_id");

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_min_level_id_fkey" FOREIGN KEY ("tenant_id", "min_level_id") REFERENCES "levels"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_tenant_id_created_by_staff_id_fkey" FOREIGN KEY ("tenant_id", "created_by_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_covers" ADD CONSTRAINT "event_covers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_covers" ADD CONSTRAINT "event_covers_tenant_id_event_id_fkey" FOREIGN KEY ("tenant_id", "event_id") REFERENCES "events"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_registrations" ADD CONSTRAINT "event_registrations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_registrations" ADD CONSTRAINT "event_registrations_tenant_id_event_id_fkey" FOREIGN KEY ("tenant_id", "event_id") REFERENCES "events"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_registrations" ADD CONSTRAINT "event_registrations_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "events" ADD CONSTRAINT "events_times" CHECK ("ends_at" > "starts_at");
ALTER TABLE "events" ADD CONSTRAINT "events_deadline" CHECK ("registration_deadline" IS NULL OR "registration_deadline" <= "starts_at");
ALTER TABLE "events" ADD CONSTRAINT "events_numbers" CHECK (
  "capacity" > 0 AND "price_points" >= 0 AND "attendance_bonus_points" >= 0
);
-- The capacity invariant, enforced by the database as well as by the verbs.
ALTER TABLE "events" ADD CONSTRAINT "events_capacity_kept" CHECK ("registered_count" BETWEEN 0 AND "capacity");
ALTER TABLE "event_registrations" ADD CONSTRAINT "event_registrations_checked_in_registered" CHECK (
  "checked_in_at" IS NULL OR "status" = 'registered'
);

SELECT app_enable_tenant_rls('events');
SELECT app_enable_tenant_rls('event_covers');
SELECT app_enable_tenant_rls('event_registrations');
GRANT SELECT, INSERT, UPDATE ON "events", "event_registrations" TO maxl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "event_covers" TO maxl_app;
-- The reminder scheduler finds events starting soon across tenants; it sends and marks them in
-- each tenant's own unit of work.
GRANT SELECT ON "events", "event_registrations" TO maxl_platform;
