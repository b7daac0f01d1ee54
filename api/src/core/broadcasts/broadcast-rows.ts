// What the broadcast verbs share: the row as SQL reads it, the view the API answers with, the
// restaurant scope of a manager, and the audit row. Verbs that change a broadcast lock its row
// first (lockBroadcast), so an edit, a send and a cancel of one broadcast run one after another.
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import type { Actor } from "../context.ts";
import { type Audience, audienceSchema } from "./schemas.ts";

export const broadcastStatuses = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export type BroadcastStatus = (typeof broadcastStatuses)[number];

export interface BroadcastRow {
  id: string;
  text: string;
  format: "html" | "plain";
  button_label: string | null;
  button_url: string | null;
  audience: unknown;
  restaurant_ids: string[];
  status: BroadcastStatus;
  scheduled_at: Date | null;
  counted_month: string | null;
  recipients_total: number;
  sent_count: number;
  blocked_count: number;
  failed_count: number;
  expanded_at: Date | null;
  send_key: string | null;
  create_key: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_by_staff_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const BROADCAST_COLUMNS = `b.id, b.text, b.format::text AS format, b.button_label, b.button_url, b.audience,
  b.restaurant_ids::text[] AS restaurant_ids, b.status::text AS status, b.scheduled_at, b.counted_month,
  b.recipients_total, b.sent_count, b.blocked_count, b.failed_count, b.expanded_at, b.send_key, b.create_key,
  b.started_at, b.finished_at, b.cancelled_at, b.cancel_reason, b.created_by_staff_id, b.created_at, b.updated_at`;

export interface BroadcastView {
  id: string;
  text: string;
  format: "html" | "plain";
  button: { label: string; url: string } | null;
  audience: Audience;
  status: BroadcastStatus;
  scheduledAt: string | null;
  countedMonth: string | null;
  recipients: number;
  sent: number;
  blocked: number;
  failed: number;
  /** deliveries not tried yet (those left when a sending broadcast is cancelled) */
  remaining: number;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function broadcastView(row: BroadcastRow & { created_by_name?: string | null }): BroadcastView {
  const done = row.sent_count + row.blocked_count + row.failed_count;
  return {
    id: row.id,
    text: row.text,
    format: row.format,
    button: row.button_label && row.button_url ? { label: row.button_label, url: row.button_url } : null,
    audience: audienceSchema.parse(row.audience ?? {}),
    status: row.status,
    scheduledAt: iso(row.scheduled_at),
    countedMonth: row.counted_month,
    recipients: row.recipients_total,
    sent: row.sent_count,
    blocked: row.blocked_count,
    failed: row.failed_count,
    remaining: row.status === "draft" || row.status === "scheduled" ? 0 : Math.max(0, row.recipients_total - done),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    createdBy: row.created_by_name ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const noSuchBroadcast = () =>
  new ServiceError("NOT_FOUND", "There is no such broadcast.", { key: "error-broadcast-unknown" });

/** The broadcast, its row locked until the transaction ends. */
export async function lockBroadcast(client: pg.PoolClient, broadcastId: string): Promise<BroadcastRow> {
  const { rows } = await client.query<BroadcastRow>(
    `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b WHERE b.tenant_id = app_current_tenant() AND b.id = $1 FOR UPDATE`,
    [broadcastId],
  );
  const row = rows[0];
  if (!row) throw noSuchBroadcast();
  return row;
}

/** Broadcasts filtered by a WHERE clause over `b` (parameters from $1). */
export async function readBroadcasts(
  client: pg.PoolClient,
  where: string,
  values: unknown[],
  tail = "ORDER BY b.created_at DESC, b.id DESC",
): Promise<BroadcastView[]> {
  const { rows } = await client.query<BroadcastRow & { created_by_name: string | null }>(
    `SELECT ${BROADCAST_COLUMNS}, s.name AS created_by_name
       FROM broadcasts b
       LEFT JOIN staff_users s ON s.tenant_id = b.tenant_id AND s.id = b.created_by_staff_id
      WHERE b.tenant_id = app_current_tenant() AND ${where}
      ${tail}`,
    values,
  );
  return rows.map(broadcastView);
}

export async function readBroadcast(client: pg.PoolClient, broadcastId: string): Promise<BroadcastView> {
  const [view] = await readBroadcasts(client, "b.id = $1", [broadcastId]);
  if (!view) throw noSuchBroadcast();
  return view;
}

/**
 * A manager limited to restaurants (scope not null) may touch only broadcasts limited to their
 * restaurants; one for the whole business, or for a restaurant of someone else, is not theirs.
 */
export function assertBroadcastInScope(scope: string[] | null, restaurantIds: readonly string[]): void {
  if (scope === null) return;
  if (restaurantIds.length === 0 || restaurantIds.some((id) => !scope.includes(id))) {
    throw new ServiceError("FORBIDDEN", "This broadcast reaches guests of restaurants you do not work for.", {
      key: "error-broadcast-scope",
    });
  }
}

/** The same rule as SQL over `b`, for lists: $n is the scope (uuid[] or null). */
export const inScopeSql = (param: string) =>
  `(${param}::uuid[] IS NULL OR (cardinality(b.restaurant_ids) > 0 AND b.restaurant_ids <@ ${param}::uuid[]))`;

export async function writeBroadcastAudit(
  client: pg.PoolClient,
  actor: Actor,
  at: Date,
  action: string,
  broadcastId: string,
  changes: Record<string, unknown>,
  reason: string | null = null,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (tenant_id, created_at, actor_kind, actor_staff_id, action, entity_type, entity_id, reason, ip,
                            user_agent, changes)
     VALUES (app_current_tenant(), $1, $2::audit_actor_kind, $3, $4, 'broadcast', $5, $6, $7, $8, $9::jsonb)`,
    [
      at,
      actor.staffId ? "staff" : "system",
      actor.staffId ?? null,
      action,
      broadcastId,
      reason,
      actor.ip ?? null,
      actor.userAgent ?? null,
      JSON.stringify(changes),
    ],
  );
}
