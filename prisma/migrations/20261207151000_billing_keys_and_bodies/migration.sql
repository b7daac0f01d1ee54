-- Billing review (issue #8): YooKassa takes an Idempotence-Key of at most 64 characters, so the
-- key sent is now a UUID derived from a readable label, which is kept for people beside it; the
-- body sent is stored so a retry after a lost answer sends exactly the same request; a renewal
-- of a business without an active owner sends its receipt to the e-mail the last checkout's
-- receipt went to; and the trial-ending notice is sent once per trial.

ALTER TABLE "billing_payments" ADD COLUMN "idempotence_label" TEXT,
                               ADD COLUMN "request_body" JSONB;
ALTER TABLE "billing_refunds" ADD COLUMN "idempotence_label" TEXT,
                              ADD COLUMN "request_body" JSONB;
ALTER TABLE "subscriptions" ADD COLUMN "billing_email" TEXT,
                            ADD COLUMN "trial_notice_at" TIMESTAMPTZ(3);

-- Keys written before this were the readable strings themselves (too long for YooKassa, which
-- refused them, so none is still open): keep them as the labels they are.
UPDATE "billing_payments" SET "idempotence_label" = "idempotence_key" WHERE "kind" = 'renewal';
UPDATE "billing_refunds" SET "idempotence_label" = "idempotence_key";
