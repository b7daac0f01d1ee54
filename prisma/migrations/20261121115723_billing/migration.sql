-- CreateEnum
CREATE TYPE "subscription_status" AS ENUM ('trialing', 'active', 'past_due', 'restricted', 'canceled');

-- CreateEnum
CREATE TYPE "billing_payment_kind" AS ENUM ('checkout', 'renewal');

-- CreateEnum
CREATE TYPE "billing_payment_status" AS ENUM ('pending', 'waiting_for_capture', 'succeeded', 'canceled');

-- CreateTable
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'RUB',
    "period_months" INTEGER NOT NULL DEFAULT 1,
    "trial_days" INTEGER,
    "max_restaurants" INTEGER,
    "max_staff" INTEGER,
    "max_guests" INTEGER,
    "max_broadcasts_per_month" INTEGER,
    "is_public" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "tenant_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "status" "subscription_status" NOT NULL,
    "current_period_start" TIMESTAMPTZ(3) NOT NULL,
    "current_period_end" TIMESTAMPTZ(3) NOT NULL,
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "next_plan_id" TEXT,
    "payment_method_id" TEXT,
    "payment_method_title" TEXT,
    "grace_until" TIMESTAMPTZ(3),
    "renewal_attempts" INTEGER NOT NULL DEFAULT 0,
    "next_renewal_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "billing_payments" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" "billing_payment_kind" NOT NULL,
    "plan_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "idempotence_key" TEXT NOT NULL,
    "yookassa_payment_id" TEXT,
    "status" "billing_payment_status" NOT NULL DEFAULT 'pending',
    "confirmation_url" TEXT,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "cancellation_reason" TEXT,
    "refunded_minor" BIGINT NOT NULL DEFAULT 0,
    "created_by_staff_id" UUID,
    "paid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_payments_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "billing_refunds" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "idempotence_key" TEXT NOT NULL,
    "yookassa_refund_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_refunds_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "billing_notifications" (
    "id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "source_ip" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "billing_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subscriptions_status_next_renewal_at_idx" ON "subscriptions"("status", "next_renewal_at");

-- CreateIndex
CREATE UNIQUE INDEX "billing_payments_yookassa_payment_id_key" ON "billing_payments"("yookassa_payment_id");

-- CreateIndex
CREATE INDEX "billing_payments_tenant_id_created_at_idx" ON "billing_payments"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "billing_payments_idempotence_key_key" ON "billing_payments"("idempotence_key");

-- CreateIndex
CREATE UNIQUE INDEX "billing_refunds_yookassa_refund_id_key" ON "billing_refunds"("yookassa_refund_id");

-- CreateIndex
CREATE UNIQUE INDEX "billing_refunds_idempotence_key_key" ON "billing_refunds"("idempotence_key");

-- CreateIndex
CREATE INDEX "billing_notifications_status_received_at_idx" ON "billing_notifications"("status", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "billing_notifications_event_object_id_key" ON "billing_notifications"("event", "object_id");

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_next_plan_id_fkey" FOREIGN KEY ("next_plan_id") REFERENCES "plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_payments" ADD CONSTRAINT "billing_payments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_payments" ADD CONSTRAINT "billing_payments_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_refunds" ADD CONSTRAINT "billing_refunds_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_refunds" ADD CONSTRAINT "billing_refunds_tenant_id_payment_id_fkey" FOREIGN KEY ("tenant_id", "payment_id") REFERENCES "billing_payments"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "plans" ADD CONSTRAINT "plans_price" CHECK ("price_minor" >= 0 AND "period_months" > 0);
ALTER TABLE "plans" ADD CONSTRAINT "plans_trial_free" CHECK ("trial_days" IS NULL OR ("trial_days" > 0 AND "price_minor" = 0));
ALTER TABLE "billing_payments" ADD CONSTRAINT "billing_payments_amount" CHECK ("amount_minor" > 0 AND "refunded_minor" BETWEEN 0 AND "amount_minor");
ALTER TABLE "billing_refunds" ADD CONSTRAINT "billing_refunds_status" CHECK ("status" IN ('pending', 'succeeded', 'canceled'));
ALTER TABLE "billing_refunds" ADD CONSTRAINT "billing_refunds_amount" CHECK ("amount_minor" > 0);
ALTER TABLE "billing_notifications" ADD CONSTRAINT "billing_notifications_status" CHECK ("status" IN ('received', 'processed', 'ignored', 'failed'));

-- The first plans. Operators change prices and limits with plain SQL; code never names a plan
-- except the trial a new tenant starts on.
INSERT INTO "plans" ("id", "name", "price_minor", "currency", "period_months", "trial_days", "max_restaurants", "max_staff", "max_guests", "max_broadcasts_per_month", "is_public", "sort_order") VALUES
  ('trial',    'Trial',    0,       'RUB', 1, 14,   1,    5,    500,   2,    false, 0),
  ('start',    'Start',    149000,  'RUB', 1, NULL, 1,    10,   3000,  4,    true,  1),
  ('business', 'Business', 399000,  'RUB', 1, NULL, 5,    50,   30000, 20,   true,  2),
  ('chain',    'Chain',    990000,  'RUB', 1, NULL, NULL, NULL, NULL,  NULL, true,  3);

SELECT app_enable_tenant_rls('subscriptions');
SELECT app_enable_tenant_rls('billing_payments');
SELECT app_enable_tenant_rls('billing_refunds');
GRANT SELECT ON "plans" TO maxl_app, maxl_platform;
GRANT SELECT, INSERT, UPDATE ON "subscriptions", "billing_payments", "billing_refunds" TO maxl_app;
-- The renewal scheduler finds due subscriptions across tenants; the changes themselves are made
-- in each tenant's own unit of work through the application role.
GRANT SELECT ON "subscriptions", "billing_payments", "billing_refunds" TO maxl_platform;
-- Notifications arrive before anyone knows the tenant: the API stores them, the workers settle them.
GRANT SELECT, INSERT ON "billing_notifications" TO maxl_app;
GRANT SELECT, UPDATE ON "billing_notifications" TO maxl_platform;
