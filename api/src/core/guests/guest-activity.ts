// What a guest's page lists below the profile: the ledger (every points movement, with who made
// it) and the checks (with their refunds). Both newest first, by keyset pages, so a page stays
// right while new entries arrive. The ledger is the guest's own and shown whole; checks belong to
// restaurants, so a staff member limited to some restaurants sees only those restaurants' checks.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";

export const activityQuerySchema = z.object({
  cursor: z.string().max(200, { message: "is not a cursor this API gave" }).optional(),
  limit: z.coerce
    .number()
    .int({ message: "must be a whole number" })
    .min(1, { message: "must be 1 or more" })
    .max(100, { message: "must be at most 100" })
    .default(30),
});
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** pass as `cursor` for the next, older page; null at the end */
    nextCursor: z.string().nullable(),
  });

export const ledgerEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(["earn", "redeem", "expire", "adjust", "bonus", "reversal"]),
  /** signed: positive added, negative taken */
  points: z.number().int(),
  balanceAfter: z.number().int(),
  reason: z.string().nullable(),
  source: z.enum(["cashier", "pos", "system", "admin"]),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  checkId: z.string().nullable(),
  operationId: z.string(),
});
export const ledgerPageSchema = pageOf(ledgerEntrySchema);
export type LedgerPage = z.infer<typeof ledgerPageSchema>;

const checkRefundSchema = z.object({
  id: z.string(),
  amountMinor: z.string(),
  closedAt: z.string(),
});

export const guestCheckSchema = z.object({
  id: z.string(),
  kind: z.enum(["sale", "refund"]),
  source: z.enum(["cashier", "pos", "system", "admin"]),
  restaurant: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** minor units, as strings (bigint) */
  amountMinor: z.string(),
  paidMinor: z.string(),
  pointsRedeemed: z.number().int(),
  currency: z.string(),
  closedAt: z.string(),
  externalId: z.string().nullable(),
  /** on a refund: the sale it refunds */
  refundOfId: z.string().nullable(),
  /** on a sale: its refunds, oldest first */
  refunds: z.array(checkRefundSchema),
});
export const guestChecksPageSchema = pageOf(guestCheckSchema);
export type GuestChecksPage = z.infer<typeof guestChecksPageSchema>;

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string, id: RegExp): { at: Date; id: string } {
  const [at = "", key = ""] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || !id.test(key)) {
    throw new ServiceError("VALIDATION", "This page cursor is not valid; start again from the first page.", {
      key: "cursor-invalid",
      fields: [{ path: "cursor", message: "is not a cursor this API gave" }],
    });
  }
  return { at: date, id: key };
}

async function assertGuest(client: pg.PoolClient, guestId: string): Promise<void> {
  const { rowCount } = await client.query("SELECT 1 FROM guests WHERE tenant_id = app_current_tenant() AND id = $1", [
    guestId,
  ]);
  if (!rowCount)
    throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
}

interface LedgerRow {
  id: string;
  created_at: Date;
  kind: LedgerPage["items"][number]["kind"];
  points: number;
  balance_after: number;
  reason: string | null;
  source: LedgerPage["items"][number]["source"];
  actor_id: string | null;
  actor_name: string | null;
  check_id: string | null;
  operation_id: string;
}

export async function guestLedger(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  query: ActivityQuery,
): Promise<LedgerPage> {
  const after = query.cursor ? decodeCursor(query.cursor, /^\d{1,19}$/) : null;
  const rows = await deps.db.withTenantClient(tenantId, async (client) => {
    await assertGuest(client, guestId);
    const { rows } = await client.query<LedgerRow>(
      `SELECT e.id::text AS id, e.created_at, e.kind, e.points, e.balance_after, e.reason, e.source,
              s.id AS actor_id, s.name AS actor_name, e.check_id, e.operation_id
         FROM ledger_entries e
         LEFT JOIN staff_users s ON s.tenant_id = e.tenant_id AND s.id = e.actor_staff_id
        WHERE e.tenant_id = app_current_tenant() AND e.guest_id = $1
          AND ($2::timestamptz IS NULL OR (e.created_at, e.id) < ($2::timestamptz, $3::bigint))
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT $4`,
      [guestId, after?.at ?? null, after?.id ?? null, query.limit + 1],
    );
    return rows;
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.created_at.toISOString(),
      kind: row.kind,
      points: row.points,
      balanceAfter: row.balance_after,
      reason: row.reason,
      source: row.source,
      actor: row.actor_id ? { id: row.actor_id, name: row.actor_name ?? "" } : null,
      checkId: row.check_id,
      operationId: row.operation_id,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

interface CheckRow {
  id: string;
  kind: "sale" | "refund";
  source: GuestChecksPage["items"][number]["source"];
  restaurant_id: string | null;
  restaurant_name: string | null;
  amount_minor: string;
  paid_minor: string;
  points_redeemed: number;
  currency: string;
  closed_at: Date;
  external_id: string | null;
  refund_of_id: string | null;
  refunds: { id: string; amountMinor: string; closedAt: string }[] | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The guest's checks, newest first. `restaurants`: the restaurants the viewer works for, or null
 * for all; a check with no restaurant (a POS that did not say) is shown to unlimited staff only.
 */
export async function guestChecks(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  query: ActivityQuery,
  restaurants: string[] | null,
): Promise<GuestChecksPage> {
  const after = query.cursor ? decodeCursor(query.cursor, UUID) : null;
  const rows = await deps.db.withTenantClient(tenantId, async (client) => {
    await assertGuest(client, guestId);
    const { rows } = await client.query<CheckRow>(
      `SELECT c.id, c.kind, c.source, c.restaurant_id, r.name AS restaurant_name, c.amount_minor::text AS amount_minor,
              c.paid_minor::text AS paid_minor, c.points_redeemed, c.currency, c.closed_at, c.external_id, c.refund_of_id,
              (SELECT json_agg(json_build_object('id', x.id, 'amountMinor', x.amount_minor::text,
                                                 'closedAt', to_char(x.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                                ORDER BY x.closed_at, x.id)
                 FROM checks x
                WHERE x.tenant_id = c.tenant_id AND x.refund_of_id = c.id
                  AND ($5::uuid[] IS NULL OR x.restaurant_id = ANY($5::uuid[]))) AS refunds
         FROM checks c
         LEFT JOIN restaurants r ON r.tenant_id = c.tenant_id AND r.id = c.restaurant_id
        WHERE c.tenant_id = app_current_tenant() AND c.guest_id = $1
          AND ($2::timestamptz IS NULL OR (c.closed_at, c.id) < ($2::timestamptz, $3::uuid))
          AND ($5::uuid[] IS NULL OR c.restaurant_id = ANY($5::uuid[]))
        ORDER BY c.closed_at DESC, c.id DESC
        LIMIT $4`,
      [guestId, after?.at ?? null, after?.id ?? null, query.limit + 1, restaurants],
    );
    return rows;
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      kind: row.kind,
      source: row.source,
      restaurant:
        row.restaurant_id && row.restaurant_name ? { id: row.restaurant_id, name: row.restaurant_name } : null,
      amountMinor: row.amount_minor,
      paidMinor: row.paid_minor,
      pointsRedeemed: row.points_redeemed,
      currency: row.currency,
      closedAt: row.closed_at.toISOString(),
      externalId: row.external_id,
      refundOfId: row.refund_of_id,
      refunds: row.refunds ?? [],
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.closed_at, last.id) : null,
  };
}
