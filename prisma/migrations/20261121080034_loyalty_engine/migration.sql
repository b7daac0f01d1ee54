-- CreateEnum
CREATE TYPE "hold_status" AS ENUM ('held', 'committed', 'released');

-- AlterTable
ALTER TABLE "guests" ADD COLUMN     "level_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "level_downgrade_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "manual_level_id" UUID,
ADD COLUMN     "manual_level_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "dedupe_key" TEXT;

-- CreateTable
CREATE TABLE "redemption_holds" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "guest_id" UUID NOT NULL,
    "staff_id" UUID,
    "restaurant_id" UUID,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "max_points" INTEGER NOT NULL,
    "status" "hold_status" NOT NULL DEFAULT 'held',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "operation_id" UUID,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "redemption_holds_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "redemption_holds_tenant_id_guest_id_status_expires_at_idx" ON "redemption_holds"("tenant_id", "guest_id", "status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "redemption_holds_tenant_id_idempotency_key_key" ON "redemption_holds"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_tenant_id_dedupe_key_key" ON "outbox_events"("tenant_id", "dedupe_key");

-- AddForeignKey
ALTER TABLE "guests" ADD CONSTRAINT "guests_tenant_id_manual_level_id_fkey" FOREIGN KEY ("tenant_id", "manual_level_id") REFERENCES "levels"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_tenant_id_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_tenant_id_operation_id_fkey" FOREIGN KEY ("tenant_id", "operation_id") REFERENCES "loyalty_operations"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_amounts_valid" CHECK (
  "amount_minor" > 0 AND "max_points" >= 0 AND "currency" ~ '^[A-Z]{3}$'
);
ALTER TABLE "redemption_holds" ADD CONSTRAINT "redemption_holds_committed_has_operation" CHECK (
  ("status" = 'committed') = ("operation_id" IS NOT NULL)
);

-- Monthly partitions, again: rows already in the default partition for a month being created
-- (clock skew, imported history) are moved into the new partition rather than making its creation
-- fail for ever. Creating a partition locks the ledger and the tables its foreign keys reference;
-- under load it gives way after 3 s (the workers retry) rather than queue every ledger write.
CREATE OR REPLACE FUNCTION ensure_ledger_partitions(months_back integer, months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  SET "TimeZone" = 'UTC'
  SET lock_timeout = '3s'
AS $$
DECLARE
  this_month timestamptz := date_trunc('month', now());
  month_start timestamptz;
  month_end timestamptz;
  partition_name text;
  created integer := 0;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    month_start := this_month + make_interval(months => i);
    month_end := month_start + interval '1 month';
    partition_name := 'ledger_entries_' || to_char(month_start, 'YYYYMM');
    IF to_regclass(partition_name) IS NOT NULL THEN
      CONTINUE;
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_entries_default WHERE created_at >= month_start AND created_at < month_end) THEN
      EXECUTE format('CREATE TABLE %I (LIKE ledger_entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
      EXECUTE format(
        'WITH moved AS (DELETE FROM ledger_entries_default WHERE created_at >= %L AND created_at < %L RETURNING *)
         INSERT INTO %I SELECT * FROM moved', month_start, month_end, partition_name);
      EXECUTE format('ALTER TABLE ledger_entries ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, month_end);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF ledger_entries FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, month_end);
    END IF;
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- The relay publishes a batch all or nothing; an event without a type would block every event
-- behind it.
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_type_present" CHECK ("type" <> '');

SELECT app_enable_tenant_rls('redemption_holds');
-- Holds are settled, never deleted: a lapsed hold simply stops counting.
GRANT SELECT, INSERT, UPDATE ON "redemption_holds" TO maxl_app;
GRANT SELECT ON "redemption_holds" TO maxl_platform;

-- Staff sign in with an e-mail before any tenant is known. This returns only the ids of the
-- tenants where that e-mail belongs to an active member; the password is then checked inside
-- each tenant's own scope. Runs as maxl_platform, like tenant_id_by_slug.
CREATE FUNCTION staff_tenants_by_email(p_email text) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM staff_users WHERE email = lower(p_email) AND is_active $$;
REVOKE ALL ON FUNCTION staff_tenants_by_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION staff_tenants_by_email(text) TO maxl_app;
GRANT CREATE ON SCHEMA public TO maxl_platform;
ALTER FUNCTION staff_tenants_by_email(text) OWNER TO maxl_platform;
REVOKE CREATE ON SCHEMA public FROM maxl_platform;
