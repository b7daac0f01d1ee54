-- CreateEnum
CREATE TYPE "pos_event_status" AS ENUM ('received', 'processed', 'unidentified', 'awaiting_sale', 'rejected', 'dead');

-- CreateTable
CREATE TABLE "pos_events" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "status" "pos_event_status" NOT NULL DEFAULT 'received',
    "kind" "check_kind",
    "check" JSONB,
    "raw" JSONB,
    "external_id" TEXT,
    "refund_of" TEXT,
    "guest_id" UUID,
    "restaurant_id" UUID,
    "check_id" UUID,
    "closed_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "enqueued_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pos_events_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "pos_events_tenant_id_integration_id_status_received_at_idx" ON "pos_events"("tenant_id", "integration_id", "status", "received_at");

-- CreateIndex
CREATE INDEX "pos_events_tenant_id_integration_id_received_at_idx" ON "pos_events"("tenant_id", "integration_id", "received_at");

-- CreateIndex
CREATE INDEX "pos_events_tenant_id_integration_id_refund_of_idx" ON "pos_events"("tenant_id", "integration_id", "refund_of");

-- CreateIndex
CREATE INDEX "pos_events_status_enqueued_at_idx" ON "pos_events"("status", "enqueued_at");

-- CreateIndex
CREATE INDEX "pos_events_tenant_id_status_closed_at_idx" ON "pos_events"("tenant_id", "status", "closed_at");

-- CreateIndex
-- A POS finds its integration by id alone (the webhook URL names no tenant).
CREATE UNIQUE INDEX "pos_integrations_id_key" ON "pos_integrations"("id");

-- CreateIndex
CREATE UNIQUE INDEX "pos_events_tenant_id_integration_id_event_id_key" ON "pos_events"("tenant_id", "integration_id", "event_id");

-- AddForeignKey
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_tenant_id_integration_id_fkey" FOREIGN KEY ("tenant_id", "integration_id") REFERENCES "pos_integrations"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_tenant_id_guest_id_fkey" FOREIGN KEY ("tenant_id", "guest_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_tenant_id_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_tenant_id_check_id_fkey" FOREIGN KEY ("tenant_id", "check_id") REFERENCES "checks"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_check_when_usable" CHECK (
  ("status" = 'rejected') OR ("check" IS NOT NULL AND "kind" IS NOT NULL AND "external_id" IS NOT NULL)
);
ALTER TABLE "pos_events" ADD CONSTRAINT "pos_events_refund_names_sale" CHECK (
  ("kind" = 'refund') = ("refund_of" IS NOT NULL)
);

SELECT app_enable_tenant_rls('pos_events');
-- Events are kept as the record of what the POS sent: their status moves, they are not deleted.
GRANT SELECT, INSERT, UPDATE ON "pos_events" TO maxl_app;
-- The relay (maxl_platform) hands every tenant's new events to the queue and marks them.
GRANT SELECT, UPDATE ON "pos_events" TO maxl_platform;
GRANT UPDATE ("config", "last_error", "last_error_at", "last_event_at") ON "pos_integrations" TO maxl_platform;

-- A POS calls /api/v1/pos/<integration id>/... before any tenant is known. This returns the
-- tenant of an active integration and nothing else, so the request path can scope itself to that
-- tenant without being able to list integrations. Runs as maxl_platform, like tenant_id_by_slug.
CREATE FUNCTION pos_integration_tenant(p_integration_id uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM pos_integrations WHERE id = p_integration_id AND is_active $$;
REVOKE ALL ON FUNCTION pos_integration_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pos_integration_tenant(uuid) TO maxl_app;
GRANT CREATE ON SCHEMA public TO maxl_platform;
ALTER FUNCTION pos_integration_tenant(uuid) OWNER TO maxl_platform;
REVOKE CREATE ON SCHEMA public FROM maxl_platform;
