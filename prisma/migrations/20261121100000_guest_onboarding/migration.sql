-- AlterTable
ALTER TABLE "guests" ADD COLUMN     "referral_code" TEXT,
ADD COLUMN     "referred_by_id" UUID,
ADD COLUMN     "registered_at" TIMESTAMPTZ(3),
ADD COLUMN     "signup_restaurant_id" UUID;

-- CreateTable
CREATE TABLE "staff_telegram_invites" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "staff_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "used_by_telegram_user_id" BIGINT,
    "created_by_staff_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_telegram_invites_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "staff_telegram_invites_tenant_id_staff_id_idx" ON "staff_telegram_invites"("tenant_id", "staff_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_telegram_invites_tenant_id_token_hash_key" ON "staff_telegram_invites"("tenant_id", "token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "guests_tenant_id_referral_code_key" ON "guests"("tenant_id", "referral_code");

-- AddForeignKey
ALTER TABLE "guests" ADD CONSTRAINT "guests_tenant_id_referred_by_id_fkey" FOREIGN KEY ("tenant_id", "referred_by_id") REFERENCES "guests"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guests" ADD CONSTRAINT "guests_tenant_id_signup_restaurant_id_fkey" FOREIGN KEY ("tenant_id", "signup_restaurant_id") REFERENCES "restaurants"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_telegram_invites" ADD CONSTRAINT "staff_telegram_invites_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_telegram_invites" ADD CONSTRAINT "staff_telegram_invites_tenant_id_staff_id_fkey" FOREIGN KEY ("tenant_id", "staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_telegram_invites" ADD CONSTRAINT "staff_telegram_invites_tenant_id_created_by_staff_id_fkey" FOREIGN KEY ("tenant_id", "created_by_staff_id") REFERENCES "staff_users"("tenant_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------------------------
ALTER TABLE "guests" ADD CONSTRAINT "guests_referral_code_format" CHECK ("referral_code" ~ '^[a-z0-9]{6,16}$');
ALTER TABLE "guests" ADD CONSTRAINT "guests_not_referred_by_self" CHECK ("referred_by_id" <> "id");
ALTER TABLE "staff_telegram_invites" ADD CONSTRAINT "staff_telegram_invites_used_together" CHECK (
  ("used_at" IS NULL) = ("used_by_telegram_user_id" IS NULL)
);

SELECT app_enable_tenant_rls('staff_telegram_invites');
-- Invites are used up, never deleted: the history of who linked which account stays.
GRANT SELECT, INSERT, UPDATE ON "staff_telegram_invites" TO maxl_app;
GRANT SELECT ON "staff_telegram_invites" TO maxl_platform;
