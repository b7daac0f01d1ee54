-- Points that move for a restaurant without a check of it (a place at one of its events paid in
-- points, the return of that payment, the bonus for attending) name the restaurant on their
-- ledger entries, so that the dashboard credits them to the event's restaurant instead of the
-- guest's signup restaurant. Nullable, and no foreign key: the value is copied from
-- events.restaurant_id, itself checked, and every check credited pays for the ledger's
-- constraints (see 20261207140000_pos_inbox_lean_writes).

-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN "restaurant_id" UUID;

-- The event payments, returns and attendance bonuses written before this, where the registration
-- still names them.
UPDATE "ledger_entries" l
   SET "restaurant_id" = e."restaurant_id"
  FROM "event_registrations" r
  JOIN "events" e ON e."tenant_id" = r."tenant_id" AND e."id" = r."event_id"
  JOIN "loyalty_operations" o ON o."tenant_id" = r."tenant_id"
 WHERE e."restaurant_id" IS NOT NULL
   AND o."id" IN (r."payment_operation_id", r."refund_operation_id")
   AND l."tenant_id" = o."tenant_id" AND l."operation_id" = o."id";

UPDATE "ledger_entries" l
   SET "restaurant_id" = e."restaurant_id"
  FROM "event_registrations" r
  JOIN "events" e ON e."tenant_id" = r."tenant_id" AND e."id" = r."event_id"
  JOIN "loyalty_operations" o ON o."tenant_id" = r."tenant_id" AND o."idempotency_key" = 'event-attend:' || r."id"
 WHERE e."restaurant_id" IS NOT NULL
   AND l."tenant_id" = o."tenant_id" AND l."operation_id" = o."id";
