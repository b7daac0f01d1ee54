import type { TenantTx } from "@maxl/db";

/**
 * A guest's spend within the level window at `at`, refunds deducted (a refund counts on the
 * date of the sale it refunds). The same rule the points verbs lock and decide on.
 */
export async function windowSpend(tx: TenantTx, guestId: string, windowDays: number | null, at: Date): Promise<bigint> {
  const rows = await tx.$queryRaw<{ spend: bigint | null }[]>`
    SELECT sum(CASE WHEN c.kind = 'sale' THEN c.amount_minor ELSE -c.amount_minor END) AS spend
      FROM checks c LEFT JOIN checks o ON o.tenant_id = c.tenant_id AND o.id = c.refund_of_id
     WHERE c.tenant_id = app_current_tenant() AND c.guest_id = ${guestId}::uuid
       AND (${windowDays}::int IS NULL
            OR coalesce(o.closed_at, c.closed_at) > ${at}::timestamptz - make_interval(days => ${windowDays}::int))`;
  return BigInt(rows[0]?.spend ?? 0);
}
