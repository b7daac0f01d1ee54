-- MAX Loyalty: the multi-tenant core.
-- The DDL below "Roles" was rendered from schema.prisma by Prisma's schema engine; the parts after
-- "What Prisma cannot express" (CHECKs, RLS, grants, partitions, functions) are written by hand.

-- Roles ----------------------------------------------------------------------------------------
-- maxl_app: the request path. Does not own the tables, has no BYPASSRLS; sees one tenant at a time.
-- maxl_platform: named jobs that must cross tenants (outbox relay, schedulers). Never the request path.
-- Both are group roles without LOGIN; `pnpm db:migrate` gives the users of DATABASE_URL and
-- DATABASE_PLATFORM_URL membership in them. Roles are cluster-wide, hence IF NOT EXISTS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'maxl_app') THEN
    CREATE ROLE maxl_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'maxl_platform') THEN
    CREATE ROLE maxl_platform NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;

-- CreateEnum
CREATE TYPE "tenant_status" AS ENUM ('active', 'restricted', 'suspended');

-- CreateEnum
CREATE TYPE "locale" AS ENUM ('ru', 'en');

-- CreateEnum
CREATE TYPE "staff_role" AS ENUM ('owner', 'admin', 'manager', 'cashier');

-- CreateEnum
CREATE TYPE "rounding_mode" AS ENUM ('floor', 'half_up', 'ceil');

-- CreateEnum
CREATE TYPE "points_source" AS ENUM ('cashier', 'pos', 'system', 'admin');

-- CreateEnum
CREATE TYPE "operation_kind" AS ENUM ('accrual', 'redemption', 'refund', 'adjustment', 'bonus', 'expiry');

-- CreateEnum
CREATE TYPE "ledger_entry_kind" AS ENUM ('earn', 'redeem', 'expire', 'adjust', 'bonus', 'reversal');

-- CreateEnum
CREATE TYPE "check_kind" AS ENUM ('sale', 'refund');

-- CreateEnum
CREATE TYPE "pos_integration_kind" AS ENUM ('generic', 'iiko', 'rkeeper');

-- CreateEnum
CREATE TYPE "audit_actor_kind" AS ENUM ('staff', 'guest', 'system', 'pos');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'Europe/Moscow',
    "currency" CHAR(3) NOT NULL DEFAULT 'RUB',
    "default_locale" "locale" NOT NULL DEFAULT 'ru',
    "status" "tenant_status" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restaurants" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT,
    "time_zone" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "restaurants_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "staff_users" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "name" TEXT NOT NULL,
    "role" "staff_role" NOT NULL,
    "telegram_user_id" BIGINT,
    "locale" "locale",
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_users_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "staff_restaurants" (
    "tenant_id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "restaurant_id" UUID NOT NULL,

    CONSTRAINT "staff_restaurants_pkey" PRIMARY KEY ("tenant_id","staff_id","restaurant_id")
);

-- CreateTable
CREATE TABLE "guests" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "telegram_user_id" BIGINT,
    "phone" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "birthday" DATE,
    "locale" "locale",
    "consent_at" TIMESTAMPTZ(3),
    "consent_version" TEXT,
    "level_id" UUID,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "notifications_enabled" BOOLEAN NOT NULL DEFAULT true,
    "bot_blocked_at" TIMESTAMPTZ(3),
    "last_visit_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guests_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "bot_connections" (
    "tenant_id" UUID NOT NULL,
    "bot_id" BIGINT NOT NULL,
    "bot_username" TEXT NOT NULL,
    "token_ciphertext" TEXT NOT NULL,
    "webhook_secret_ciphertext" TEXT NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_connections_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "loyalty_programs" (
    "tenant_id" UUID NOT NULL,
    "earn_rate_bps" INTEGER NOT NULL DEFAULT 500,
    "max_redeem_share_bps" INTEGER NOT NULL DEFAULT 3000,
    "rounding_mode" "rounding_mode" NOT NULL DEFAULT 'floor',
    "point_value_minor" INTEGER NOT NULL DEFAULT 100,
    "points_lifetime_days" INTEGER DEFAULT 365,
    "expiry_reminder_days" INTEGER NOT NULL DEFAULT 7,
    "welcome_bonus_points" INTEGER NOT NULL DEFAULT 0,
    "birthday_bonus_points" INTEGER NOT NULL DEFAULT 0,
    "birthday_days_before" INTEGER NOT NULL DEFAULT 3,
    "birthday_days_after" INTEGER NOT NULL DEFAULT 3,
    "min_check_minor" BIGINT NOT NULL DEFAULT 0,
    "level_window_days" INTEGER DEFAULT 365,
    "level_downgrade_grace_days" INTEGER NOT NULL DEFAULT 30,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_programs_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "levels" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "threshold_minor" BIGINT NOT NULL,
    "earn_rate_bps" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "levels_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "checks" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" "check_kind" NOT NULL,
    "source" "points_source" NOT NULL,
    "restaurant_id" UUID,
    "guest_id" UUID,
    "integration_id" UUID,
    "external_id" TEXT,
    "refund_of_id" UUID,
    "amount_minor" BIGINT NOT NULL,
    "paid_minor" BIGINT NOT NULL,
    "points_redeemed" INTEGER NOT NULL DEFAULT 0,
    "currency" CHAR(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL,
    "items" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checks_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "loyalty_operations" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "kind" "operation_kind" NOT NULL,
    "source" "points_source" NOT NULL,
    "guest_id" UUID NOT NULL,
    "check_id" UUID,
    "actor_staff_id" UUID,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "loyalty_operations_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "tenant_id" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "guest_id" UUID NOT NULL,
    "operation_id" UUID NOT NULL,
    "check_id" UUID,
    "kind" "ledger_entry_kind" NOT NULL,
    "points" INTEGER NOT NULL,
    "balance_after" INTEGER NOT NULL,
    "source" "points_source" NOT NULL,
    "actor_staff_id" UUID,
    "reason" TEXT,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("tenant_id","created_at","id")
) PARTITION BY RANGE ("created_at");

-- CreateTable
CREATE TABLE "point_lots" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "guest_id" UUID NOT NULL,
    "check_id" UUID,
    "initial_points" INTEGER NOT NULL,
    "remaining_points" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "point_lots_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "lot_movements" (
    "tenant_id" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "operation_id" UUID NOT NULL,
    "lot_id" UUID NOT NULL,
    "points" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lot_movements_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "tenant_id" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "tenant_id" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" "audit_actor_kind" NOT NULL,
    "actor_staff_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "reason" TEXT,
    "ip" TEXT,
    "user_agent" TEXT,
    "changes" JSONB,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "pos_integrations" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" "pos_integration_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "restaurant_id" UUID,
    "secret_ciphertext" TEXT NOT NULL,
    "previous_secret_ciphertext" TEXT,
    "previous_secret_valid_until" TIMESTAMPTZ(3),
    "config" JSONB NOT NULL DEFAULT '{}',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "last_event_at" TIMESTAMPTZ(3),
    "last_error_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pos_integrations_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_tenant_id_email_key" ON "staff_users"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_tenant_id_telegram_user_id_key" ON "staff_users"("tenant_id", "telegram_user_id");

-- CreateIndex
CREATE INDEX "staff_restaurants_tenant_id_restaurant_id_idx" ON "staff_restaurants"("tenant_id", "restaurant_id");

-- CreateIndex
CREATE INDEX "guests_tenant_id_level_id_idx" ON "guests"("tenant_id", "level_id");

-- CreateIndex
CREATE INDEX "guests_tenant_id_created_at_idx" ON "guests"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "guests_tenant_id_telegram_user_id_key" ON "guests"("tenant_id", "telegram_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "guests_tenant_id_phone_key" ON "guests"("tenant_id", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "bot_connections_bot_id_key" ON "bot_connections"("bot_id");

-- CreateIndex
CREATE UNIQUE INDEX "levels_tenant_id_rank_key" ON "levels"("tenant_id", "rank");

-- CreateIndex
CREATE INDEX "checks_tenant_id_guest_id_closed_at_idx" ON "checks"("tenant_id", "guest_id", "closed_at");

-- CreateIndex
CREATE INDEX "checks_tenant_id_closed_at_idx" ON "checks"("tenant_id", "closed_at");

-- CreateIndex
CREATE INDEX "checks_tenant_id_refund_of_id_idx" ON "checks"("tenant_id", "refund_of_id");

-- CreateIndex
CREATE UNIQUE INDEX "checks_tenant_id_integration_id_external_id_key" ON "checks"("tenant_id", "integration_id", "external_id");

-- CreateIndex
CREATE INDEX "loyalty_operations_tenant_id_guest_id_created_at_idx" ON "loyalty_operations"("tenant_id", "guest_id", "created_at");

-- CreateIndex
CREATE INDEX "loyalty_operations_tenant_id_check_id_idx" ON "loyalty_operations"("tenant_id", "check_id");

-- CreateIndex
CREATE UNIQUE INDEX "loyalty_operations_tenant_id_idempotency_key_key" ON "loyalty_operations"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_entries_tenant_id_guest_id_created_at_idx" ON "ledger_entries"("tenant_id", "guest_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "ledger_entries_tenant_id_operation_id_idx" ON "ledger_entries"("tenant_id", "operation_id");

-- CreateIndex
CREATE INDEX "point_lots_tenant_id_guest_id_expires_at_idx" ON "point_lots"("tenant_id", "guest_id", "expires_at");

-- CreateIndex
CREATE INDEX "point_lots_tenant_id_expires_at_idx" ON "point_lots"("tenant_id", "expires_at");

-- CreateIndex
CREATE INDEX "lot_movements_tenant_id_operation_id_idx" ON "lot_movements"("tenant_id", "operation_id");

-- CreateIndex
CREATE INDEX "lot_movements_tenant_id_lot_id_idx" ON "lot_movements"("tenant_id", "lot_id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_id_idx" ON "outbox_events"("published_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_tenant_id_created_at_idx" ON "audit_log"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_tenant_id_entity_type_entity_id_idx" ON "audit_log"("tenant_id", "entity_type", "entity_id");

-- AddForeignKey
ALTER TABLE "restaurants" ADD CONSTRAINT "restaurants_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_restaurants" ADD CONSTRAINT "staff_restaurants_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_restaurants" ADD CONSTRAINT "staff_restaurants_tenant_id_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_restaurants" ADD CONSTRAINT "staff_restaurants_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guests" ADD CONSTRAINT "guests_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guests" ADD CONSTRAINT "guests_tenant_id_level_id_fkey" FOREIGN KEY ("tenant_id", "level_id") REFERENCES "levels"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bot_connections" ADD CONSTRAINT "bot_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_programs" ADD CONSTRAINT "loyalty_programs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "levels" ADD CONSTRAINT "levels_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_tenant_id_integration_id_fkey" FOREIGN KEY ("tenant_id", "integration_id") REFERENCES "pos_integrations"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checks" ADD CONSTRAINT "checks_tenant_id_refund_of_id_fkey" FOREIGN KEY ("tenant_id", "refund_of_id") REFERENCES "checks"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_operations" ADD CONSTRAINT "loyalty_operations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_operations" ADD CONSTRAINT "loyalty_operations_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_operations" ADD CONSTRAINT "loyalty_operations_tenant_id_check_id_fkey" FOREIGN KEY ("tenant_id", "check_id") REFERENCES "checks"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loyalty_operations" ADD CONSTRAINT "loyalty_operations_tenant_id_actor_staff_id_fkey" FOREIGN KEY ("tenant_id", "actor_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_operation_id_fkey" FOREIGN KEY ("tenant_id", "operation_id") REFERENCES "loyalty_operations"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_tenant_id_check_id_fkey" FOREIGN KEY ("tenant_id", "check_id") REFERENCES "checks"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_tenant_id_check_id_fkey" FOREIGN KEY ("tenant_id", "check_id") REFERENCES "checks"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot_movements" ADD CONSTRAINT "lot_movements_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot_movements" ADD CONSTRAINT "lot_movements_tenant_id_operation_id_fkey" FOREIGN KEY ("tenant_id", "operation_id") REFERENCES "loyalty_operations"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot_movements" ADD CONSTRAINT "lot_movements_tenant_id_lot_id_fkey" FOREIGN KEY ("tenant_id", "lot_id") REFERENCES "point_lots"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_actor_staff_id_fkey" FOREIGN KEY ("tenant_id", "actor_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_integrations" ADD CONSTRAINT "pos_integrations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_integrations" ADD CONSTRAINT "pos_integrations_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------

-- Invariants the database keeps whatever the code does.
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_slug_format" CHECK ("slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$');
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_currency_format" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_email_lower_case" CHECK ("email" = lower("email"));
ALTER TABLE "guests" ADD CONSTRAINT "guests_phone_e164" CHECK ("phone" ~ '^\+[1-9][0-9]{6,14}$');
ALTER TABLE "guests" ADD CONSTRAINT "guests_balance_non_negative" CHECK ("balance" >= 0);
ALTER TABLE "loyalty_programs" ADD CONSTRAINT "loyalty_programs_ranges" CHECK (
  "earn_rate_bps" BETWEEN 0 AND 10000
  AND "max_redeem_share_bps" BETWEEN 0 AND 10000
  AND "point_value_minor" > 0
  AND ("points_lifetime_days" IS NULL OR "points_lifetime_days" > 0)
  AND "expiry_reminder_days" >= 0
  AND "welcome_bonus_points" >= 0
  AND "birthday_bonus_points" >= 0
  AND "birthday_days_before" BETWEEN 0 AND 31
  AND "birthday_days_after" BETWEEN 0 AND 31
  AND "min_check_minor" >= 0
  AND ("level_window_days" IS NULL OR "level_window_days" > 0)
  AND "level_downgrade_grace_days" >= 0
);
ALTER TABLE "levels" ADD CONSTRAINT "levels_ranges" CHECK (
  "rank" >= 0 AND "threshold_minor" >= 0 AND "earn_rate_bps" BETWEEN 0 AND 10000
);
ALTER TABLE "checks" ADD CONSTRAINT "checks_amounts_valid" CHECK (
  "amount_minor" >= 0 AND "paid_minor" >= 0 AND "paid_minor" <= "amount_minor" AND "points_redeemed" >= 0
);
ALTER TABLE "checks" ADD CONSTRAINT "checks_currency_format" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "checks" ADD CONSTRAINT "checks_only_refunds_refer" CHECK ("kind" = 'refund' OR "refund_of_id" IS NULL);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_points_non_zero" CHECK ("points" <> 0);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_balance_after_non_negative" CHECK ("balance_after" >= 0);
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_remaining_in_range" CHECK (
  "initial_points" > 0 AND "remaining_points" BETWEEN 0 AND "initial_points"
);
ALTER TABLE "lot_movements" ADD CONSTRAINT "lot_movements_points_non_zero" CHECK ("points" <> 0);

-- Monthly partitions of the ledger. Bounds are UTC months. The workers call this daily with a
-- few months ahead, so every month has its partition before its first entry; the default
-- partition only catches imported history older than the partitions created here.
CREATE FUNCTION ensure_ledger_partitions(months_back integer, months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  SET "TimeZone" = 'UTC'
AS $$
DECLARE
  this_month timestamptz := date_trunc('month', now());
  month_start timestamptz;
  partition_name text;
  created integer := 0;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    month_start := this_month + make_interval(months => i);
    partition_name := 'ledger_entries_' || to_char(month_start, 'YYYYMM');
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF ledger_entries FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, month_start + interval '1 month');
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_ledger_partitions(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_ledger_partitions(integer, integer) TO maxl_platform;

CREATE TABLE "ledger_entries_default" PARTITION OF "ledger_entries" DEFAULT;
SELECT ensure_ledger_partitions(12, 3);

-- Row-level security ---------------------------------------------------------------------------
-- The tenant of the current unit of work, set by withTenant() through
-- set_config('app.tenant_id', id, true). NULL when unset, and '' once a transaction-local value
-- has been reset, so every policy then matches nothing.
CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Turns tenant isolation on for one table. Later migrations call it for each new tenant table;
-- the isolation test fails for any tenant table that is left without it.
CREATE FUNCTION app_enable_tenant_rls(tbl regclass, tenant_column name DEFAULT 'tenant_id') RETURNS void
  LANGUAGE plpgsql
AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO maxl_app '
    'USING (%I = app_current_tenant()) WITH CHECK (%I = app_current_tenant())',
    tbl, tenant_column, tenant_column);
  EXECUTE format(
    'CREATE POLICY platform_jobs ON %s AS PERMISSIVE FOR ALL TO maxl_platform USING (true) WITH CHECK (true)',
    tbl);
END
$$;
REVOKE ALL ON FUNCTION app_enable_tenant_rls(regclass, name) FROM PUBLIC;

SELECT app_enable_tenant_rls('tenants', 'id');
SELECT app_enable_tenant_rls(t::regclass) FROM unnest(ARRAY[
  'restaurants', 'staff_users', 'staff_restaurants', 'guests', 'bot_connections',
  'loyalty_programs', 'levels', 'checks', 'loyalty_operations', 'ledger_entries', 'point_lots',
  'lot_movements', 'outbox_events', 'audit_log', 'pos_integrations'
]) AS t;

-- Grants ---------------------------------------------------------------------------------------
-- The request path gets what it needs and no more. The ledger, lot movements, operations and
-- the audit log are append-only for it: no UPDATE, no DELETE.
GRANT USAGE ON SCHEMA public TO maxl_app, maxl_platform;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO maxl_app;
GRANT SELECT, INSERT, UPDATE ON
  tenants, restaurants, staff_users, guests, loyalty_programs, checks, point_lots, pos_integrations
  TO maxl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON staff_restaurants, bot_connections, levels TO maxl_app;
GRANT SELECT, INSERT ON loyalty_operations, ledger_entries, lot_movements, outbox_events, audit_log TO maxl_app;
GRANT DELETE ON pos_integrations TO maxl_app;

-- Platform jobs read across tenants and maintain the outbox and the audit log's retention.
GRANT SELECT ON
  tenants, restaurants, staff_users, staff_restaurants, guests, bot_connections, loyalty_programs,
  levels, checks, loyalty_operations, ledger_entries, point_lots, lot_movements, outbox_events,
  audit_log, pos_integrations
  TO maxl_platform;
GRANT UPDATE, DELETE ON outbox_events TO maxl_platform;
GRANT DELETE ON audit_log TO maxl_platform;

-- Tenant resolution ----------------------------------------------------------------------------
-- Maps the X-Tenant slug of a Mini App call to its tenant id before any tenant is set. It runs
-- as maxl_platform (whose policy sees every tenant) and returns only the id, so the request
-- path can resolve a slug without being able to list tenants.
CREATE FUNCTION tenant_id_by_slug(p_slug text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$ SELECT id FROM tenants WHERE slug = p_slug $$;
REVOKE ALL ON FUNCTION tenant_id_by_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_id_by_slug(text) TO maxl_app;

-- Handing a function to maxl_platform needs membership in it and its CREATE right on the schema:
-- a superuser has both; an ordinary owner role gets them for these statements only.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT maxl_platform TO %I', current_user);
  END IF;
END
$$;
GRANT CREATE ON SCHEMA public TO maxl_platform;
ALTER FUNCTION tenant_id_by_slug(text) OWNER TO maxl_platform;
REVOKE CREATE ON SCHEMA public FROM maxl_platform;
