-- Retention of the POS inbox and the outbox (issue #6 leftovers). Nightly workers jobs, as
-- maxl_platform, delete finished POS events and long-published outbox rows in small batches
-- (workers/src/jobs/purge-pos-events.ts, purge-outbox.ts).

-- Until now the platform role only read the inbox and marked events handed over. The inbox needs
-- no new index: (tenant_id, integration_id, status, received_at) and pos_events_unidentified_idx
-- give the purge its ranges.
GRANT DELETE ON "pos_events" TO maxl_platform;

-- The status page counts what the inbox holds and took "last event" from it. Once old events are
-- gone both would mislead, so the purge notes on the integration the newest event it has seen
-- (last_event_at, unused until now) and the cutoff before which finished events were deleted.
ALTER TABLE "pos_integrations" ADD COLUMN "events_purged_before" TIMESTAMPTZ(3);
GRANT UPDATE ("events_purged_before") ON "pos_integrations" TO maxl_platform;

-- The outbox purge's work lists: published rows by tenant and time of publishing, one range scan
-- per batch. Rows carrying a dedupe key are kept longer (the key is what stops a reminder going
-- out twice), so they get an index of their own: neither purge then steps over the other's rows.
-- A row enters one of the two when it is published. That update is never HOT anyway (published_at
-- is in the relay's partial index's predicate), so this costs one index entry more per row.
-- Migrations run in a transaction, so these are built while outbox writes wait; the outbox has
-- never been purged before, so a large deployment can build both by hand first with CREATE INDEX
-- CONCURRENTLY and these same definitions, which this then leaves alone.
CREATE INDEX IF NOT EXISTS "outbox_events_published_idx" ON "outbox_events" ("tenant_id", "published_at")
  WHERE "published_at" IS NOT NULL AND "dedupe_key" IS NULL;
CREATE INDEX IF NOT EXISTS "outbox_events_published_deduped_idx" ON "outbox_events" ("tenant_id", "published_at")
  WHERE "published_at" IS NOT NULL AND "dedupe_key" IS NOT NULL;
