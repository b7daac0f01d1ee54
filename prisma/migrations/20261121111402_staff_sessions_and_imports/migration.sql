-- CreateTable
CREATE TABLE "staff_sessions" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "previous_token_hash" TEXT,
    "rotated_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "staff_access_links" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_by_staff_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_access_links_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "guest_imports" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "created_by_staff_id" UUID,
    "file_name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "processed_rows" INTEGER NOT NULL DEFAULT 0,
    "created_rows" INTEGER NOT NULL DEFAULT 0,
    "updated_rows" INTEGER NOT NULL DEFAULT 0,
    "failed_rows" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "guest_imports_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "staff_sessions_tenant_id_staff_id_idx" ON "staff_sessions"("tenant_id", "staff_id");

-- CreateIndex
CREATE INDEX "staff_access_links_tenant_id_staff_id_idx" ON "staff_access_links"("tenant_id", "staff_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_access_links_tenant_id_token_hash_key" ON "staff_access_links"("tenant_id", "token_hash");

-- CreateIndex
CREATE INDEX "guest_imports_tenant_id_created_at_idx" ON "guest_imports"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_tenant_id_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_access_links" ADD CONSTRAINT "staff_access_links_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_access_links" ADD CONSTRAINT "staff_access_links_tenant_id_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_access_links" ADD CONSTRAINT "staff_access_links_tenant_id_created_by_staff_id_fkey" FOREIGN KEY ("tenant_id", "created_by_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guest_imports" ADD CONSTRAINT "guest_imports_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guest_imports" ADD CONSTRAINT "guest_imports_tenant_id_created_by_staff_id_fkey" FOREIGN KEY ("tenant_id", "created_by_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_revoked_reason" CHECK (
  "revoked_reason" IS NULL OR "revoked_reason" IN ('signed_out', 'reuse_detected', 'password_changed', 'deactivated')
);
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_revoked_together" CHECK (("revoked_at" IS NULL) = ("revoked_reason" IS NULL));
ALTER TABLE "staff_access_links" ADD CONSTRAINT "staff_access_links_purpose" CHECK ("purpose" IN ('invite', 'reset'));
ALTER TABLE "guest_imports" ADD CONSTRAINT "guest_imports_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed'));

SELECT app_enable_tenant_rls('staff_sessions');
SELECT app_enable_tenant_rls('staff_access_links');
SELECT app_enable_tenant_rls('guest_imports');
-- Sessions and links are revoked or used up, never deleted by the request path: their history
-- is what reuse detection and the audit read.
GRANT SELECT, INSERT, UPDATE ON "staff_sessions" TO maxl_app;
GRANT SELECT, DELETE ON "staff_sessions" TO maxl_platform;
GRANT SELECT, INSERT, UPDATE ON "staff_access_links" TO maxl_app;
GRANT SELECT ON "staff_access_links" TO maxl_platform;
GRANT SELECT, INSERT, UPDATE ON "guest_imports" TO maxl_app;
GRANT SELECT ON "guest_imports" TO maxl_platform;
