// What staff see and do with POS events: each integration's status (last event, last error,
// counts by status), the events themselves, a replay of a dead or rejected event, and attaching
// an unidentified check to a guest (the guest shows their code to the cashier later).
import { ServiceError } from "@maxl/shared";
import type pg from "pg";
import { recordActionIn } from "../audit/record-action.ts";
import type { Actor, EngineDeps } from "../context.ts";
import { assertTillMayTouch, outOfScope, staffScopeIn } from "../loyalty/till-restaurant.ts";
import { POS_INBOX_CHANNEL } from "./inbox.ts";
import { integrationEndpoints } from "./manage-integrations.ts";
import { type ProcessOutcome, processPosEvent } from "./process-event.ts";

const ATTACH_MAX_ATTEMPTS = 8;

export const posEventStatuses = ["received", "processed", "unidentified", "awaiting_sale", "rejected", "dead"] as const;
export type PosEventStatus = (typeof posEventStatuses)[number];

export interface IntegrationStatus {
  id: string;
  kind: "generic" | "iiko" | "rkeeper";
  name: string;
  isActive: boolean;
  restaurantId: string | null;
  /** where the POS sends requests (r_keeper's carries its token, so it is shown without it) */
  endpoints: string[];
  lastEventAt: string | null;
  lastError: { at: string; message: string } | null;
  /** the events the inbox holds now, by status */
  counts: Record<PosEventStatus, number>;
  /**
   * Finished events (processed, rejected, unidentified past the attach window) received before
   * this were deleted by the workers' retention purge, so those counts start here; null until the
   * purge first ran. The waiting, awaiting_sale and dead events are never deleted.
   */
  eventsPurgedBefore: string | null;
  previousSecretValidUntil: string | null;
  /** iiko: where polling stands (the revision it continues from, when it last asked) */
  polling: { revision: number; lastPolledAt: string | null } | null;
}

export interface PosEventView {
  id: string;
  eventId: string;
  status: PosEventStatus;
  kind: "sale" | "refund" | null;
  externalId: string | null;
  refundOf: string | null;
  amountMinor: string | null;
  currency: string | null;
  closedAt: string | null;
  guestId: string | null;
  restaurantId: string | null;
  checkId: string | null;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  processedAt: string | null;
}

interface EventRow {
  id: string;
  event_id: string;
  status: PosEventStatus;
  kind: "sale" | "refund" | null;
  external_id: string | null;
  refund_of: string | null;
  check: { amountMinor?: string; currency?: string } | null;
  closed_at: Date | null;
  guest_id: string | null;
  restaurant_id: string | null;
  check_id: string | null;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  processed_at: Date | null;
}

const columns = [
  "id",
  "event_id",
  "status",
  "kind",
  "external_id",
  "refund_of",
  '"check"',
  "closed_at",
  "guest_id",
  "restaurant_id",
  "check_id",
  "attempts",
  "last_error",
  "received_at",
  "processed_at",
];
const EVENT_COLUMNS = columns.join(", ");
const EVENT_COLUMNS_OF_E = columns.map((column) => `e.${column}`).join(", ");

function eventView(row: EventRow): PosEventView {
  return {
    id: row.id,
    eventId: row.event_id,
    status: row.status,
    kind: row.kind,
    externalId: row.external_id,
    refundOf: row.refund_of,
    amountMinor: row.check?.amountMinor ?? null,
    currency: row.check?.currency ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    guestId: row.guest_id,
    restaurantId: row.restaurant_id,
    checkId: row.check_id,
    attempts: row.attempts,
    lastError: row.last_error,
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}

interface IntegrationStatusRow {
  id: string;
  kind: IntegrationStatus["kind"];
  name: string;
  is_active: boolean;
  restaurant_id: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  events_purged_before: Date | null;
  previous_secret_valid_until: Date | null;
  revision: string | null;
  last_polled_at: string | null;
  counts: Record<string, number> | null;
  last_event_at: Date | null;
  failed_at: Date | null;
  failed_error: string | null;
}

// Every integration with its counts, last event and last failed event, in one round trip; each
// subquery reads one integration's slice of pos_events through its index. The last event is the
// later of the inbox's newest and the newest the retention purge saw before deleting old ones.
const STATUSES = `
  SELECT i.id, i.kind, i.name, i.is_active, i.restaurant_id, i.last_error, i.last_error_at, i.events_purged_before,
         i.previous_secret_valid_until, i.config->>'revision' AS revision, i.config->>'lastPolledAt' AS last_polled_at,
         (SELECT jsonb_object_agg(c.status, c.n) FROM (
            SELECT status, count(*) AS n FROM pos_events e
             WHERE e.tenant_id = i.tenant_id AND e.integration_id = i.id GROUP BY status) AS c) AS counts,
         greatest(i.last_event_at,
           (SELECT max(received_at) FROM pos_events e WHERE e.tenant_id = i.tenant_id AND e.integration_id = i.id))
           AS last_event_at,
         f.updated_at AS failed_at, f.last_error AS failed_error
    FROM pos_integrations i
    LEFT JOIN LATERAL (
      SELECT updated_at, last_error FROM pos_events e
       WHERE e.tenant_id = i.tenant_id AND e.integration_id = i.id AND e.status IN ('rejected', 'dead')
       ORDER BY updated_at DESC LIMIT 1) AS f ON true
   WHERE i.tenant_id = app_current_tenant()
   ORDER BY i.created_at`;

export async function integrationStatuses(deps: EngineDeps, tenantId: string): Promise<IntegrationStatus[]> {
  const { rows } = await deps.db.withTenantClient(tenantId, (client) => client.query<IntegrationStatusRow>(STATUSES));
  return rows.map(statusOf);
}

function statusOf(row: IntegrationStatusRow): IntegrationStatus {
  // The latest failure is either the integration's own (e.g. iiko refused the polling login) or
  // the latest event that was rejected or died.
  const candidates = [
    ...(row.last_error && row.last_error_at ? [{ at: row.last_error_at, message: row.last_error }] : []),
    ...(row.failed_at && row.failed_error ? [{ at: row.failed_at, message: row.failed_error }] : []),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  const counts = Object.fromEntries(
    posEventStatuses.map((status) => [status, Number(row.counts?.[status] ?? 0)]),
  ) as Record<PosEventStatus, number>;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    isActive: row.is_active,
    restaurantId: row.restaurant_id,
    endpoints: integrationEndpoints(row.kind, row.id, "<token>"),
    lastEventAt: row.last_event_at?.toISOString() ?? null,
    lastError: candidates[0] ? { at: candidates[0].at.toISOString(), message: candidates[0].message } : null,
    counts,
    eventsPurgedBefore: row.events_purged_before?.toISOString() ?? null,
    previousSecretValidUntil: row.previous_secret_valid_until?.toISOString() ?? null,
    polling: row.kind === "iiko" ? { revision: Number(row.revision ?? 0), lastPolledAt: row.last_polled_at } : null,
  };
}

export async function listPosEvents(
  deps: EngineDeps,
  tenantId: string,
  query: { integrationId: string; status?: PosEventStatus | undefined; before?: string | undefined; limit: number },
): Promise<{ events: PosEventView[]; nextBefore: string | null }> {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const exists = await client.query(
      "SELECT 1 FROM pos_integrations WHERE tenant_id = app_current_tenant() AND id = $1",
      [query.integrationId],
    );
    if (!exists.rowCount)
      throw new ServiceError("NOT_FOUND", "There is no such POS integration.", { key: "pos-integration-unknown" });
    // uuid v7 ids sort by time: "before" pages backwards from the newest.
    const { rows } = await client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM pos_events
        WHERE tenant_id = app_current_tenant() AND integration_id = $1
          AND ($2::pos_event_status IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [query.integrationId, query.status ?? null, query.before ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    return {
      events: page.map(eventView),
      nextBefore: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    };
  });
}

async function audit(
  client: pg.PoolClient,
  actor: Actor,
  action: string,
  eventId: string,
  changes: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (tenant_id, actor_kind, actor_staff_id, action, entity_type, entity_id, ip, user_agent, changes)
     VALUES (app_current_tenant(), 'staff', $1, $2, 'pos_event', $3, $4, $5, $6::jsonb)`,
    [actor.staffId ?? null, action, eventId, actor.ip ?? null, actor.userAgent ?? null, JSON.stringify(changes)],
  );
}

/** Puts a dead or rejected event back in the queue, with its attempts reset. */
export async function replayPosEvent(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; integrationId: string; eventId: string },
): Promise<PosEventView> {
  return deps.db.withTenantClient(request.tenantId, async (client) => {
    const { rows } = await client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM pos_events WHERE tenant_id = app_current_tenant() AND integration_id = $1 AND id = $2
        FOR UPDATE`,
      [request.integrationId, request.eventId],
    );
    const event = rows[0];
    if (!event) throw new ServiceError("NOT_FOUND", "There is no such POS event.", { key: "pos-event-unknown" });
    if (event.status !== "dead" && event.status !== "rejected") {
      throw new ServiceError("CONFLICT", `Only dead or rejected events can be replayed; this one is ${event.status}.`, {
        key: "pos-event-not-replayable",
        vars: { status: event.status },
      });
    }
    if (!event.kind) {
      throw new ServiceError("CONFLICT", "This event could not be read as a check at all; replaying it cannot help.", {
        key: "pos-event-unreadable",
      });
    }
    const updated = await client.query<EventRow>(
      `UPDATE pos_events SET status = 'received', attempts = 0, enqueued_at = NULL, last_error = NULL, updated_at = now()
        WHERE tenant_id = app_current_tenant() AND id = $1
       RETURNING ${EVENT_COLUMNS}`,
      [event.id],
    );
    await client.query(`SELECT pg_notify('${POS_INBOX_CHANNEL}', '')`);
    await audit(client, request.actor, "pos.event.replay", event.id, { from: event.status });
    return eventView(updated.rows[0] as EventRow);
  });
}

export interface UnidentifiedCheck extends PosEventView {
  integrationName: string;
  attachableUntil: string;
}

/**
 * Recent sales no guest was found for, newest first, that can still be attached. A staff member
 * limited to some restaurants sees only theirs (a sale of no known restaurant only by those who
 * work at all of them), and may narrow it to one of them.
 */
export async function unidentifiedChecks(
  deps: EngineDeps,
  tenantId: string,
  query: { restaurantId?: string | undefined; limit: number },
  staff: Actor = { source: "system" },
): Promise<UnidentifiedCheck[]> {
  const now = deps.clock();
  return deps.db.withTenantClient(tenantId, async (client) => {
    const scope = await staffScopeIn(client, staff);
    if (query.restaurantId && scope !== null && !scope.includes(query.restaurantId)) throw outOfScope();
    const { rows } = await client.query<EventRow & { integration_name: string; attach_hours: number }>(
      `SELECT ${EVENT_COLUMNS_OF_E}, i.name AS integration_name, coalesce((i.config->>'attachWindowHours')::int, 72) AS attach_hours
         FROM pos_events e JOIN pos_integrations i ON i.tenant_id = e.tenant_id AND i.id = e.integration_id
        WHERE e.tenant_id = app_current_tenant() AND e.status = 'unidentified'
          AND ($1::uuid IS NULL OR e.restaurant_id = $1) AND ($4::uuid[] IS NULL OR e.restaurant_id = ANY($4::uuid[]))
          AND e.closed_at > $2::timestamptz - make_interval(hours => coalesce((i.config->>'attachWindowHours')::int, 72))
        ORDER BY e.closed_at DESC LIMIT $3`,
      [query.restaurantId ?? null, now, query.limit, scope],
    );
    return rows.map((row) => ({
      ...eventView(row),
      integrationName: row.integration_name,
      attachableUntil: new Date((row.closed_at?.getTime() ?? 0) + row.attach_hours * 3_600_000).toISOString(),
    }));
  });
}

/** Gives an unidentified sale its guest and credits it now; refunds waiting for it follow. */
export async function attachPosCheck(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; eventId: string; guestId: string },
): Promise<ProcessOutcome> {
  const now = deps.clock();
  await deps.db.withTenantClient(request.tenantId, async (client) => {
    const { rows } = await client.query<{
      status: PosEventStatus;
      closed_at: Date | null;
      attach_hours: number;
      restaurant_id: string | null;
      check: { amountMinor?: string } | null;
    }>(
      `SELECT e.status, e.closed_at, e.restaurant_id, e."check", coalesce((i.config->>'attachWindowHours')::int, 72) AS attach_hours
         FROM pos_events e JOIN pos_integrations i ON i.tenant_id = e.tenant_id AND i.id = e.integration_id
        WHERE e.tenant_id = app_current_tenant() AND e.id = $1 AND e.kind = 'sale'
        FOR UPDATE OF e`,
      [request.eventId],
    );
    const event = rows[0];
    if (!event) throw new ServiceError("NOT_FOUND", "There is no such POS check.", { key: "error-pos-check-unknown" });
    await assertTillMayTouch(client, request.actor, event.restaurant_id);
    if (event.status !== "unidentified") {
      throw new ServiceError("CONFLICT", `This check is ${event.status.replace("_", " ")}, not waiting for a guest.`, {
        key: "error-pos-check-not-waiting",
      });
    }
    const until = (event.closed_at?.getTime() ?? 0) + event.attach_hours * 3_600_000;
    if (until < now.getTime()) {
      throw new ServiceError(
        "CONFLICT",
        `This check closed more than ${event.attach_hours} hours ago; it can no longer be attached to a guest.`,
        { key: "error-pos-check-too-old", vars: { hours: event.attach_hours } },
      );
    }
    const guest = await client.query("SELECT 1 FROM guests WHERE tenant_id = app_current_tenant() AND id = $1", [
      request.guestId,
    ]);
    if (!guest.rowCount)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    await client.query(
      `UPDATE pos_events SET guest_id = $2, status = 'received', attempts = 0, last_error = NULL,
              enqueued_at = now(), updated_at = now()
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [request.eventId, request.guestId],
    );
    // Who gave the sale its guest, from where, and what it was worth; the points follow when it
    // is credited just below.
    await recordActionIn(client, request.actor, "pos.check.attach", "pos_event", request.eventId, {
      channel: request.actor.channel ?? null,
      guestId: request.guestId,
      restaurantId: event.restaurant_id,
      amountMinor: event.check?.amountMinor ?? null,
    });
  });
  // Credited here and now, so the cashier sees the points; the queue is not involved.
  // A transient failure throws PosRetryableError; the relay's sweep retries the event later.
  return processPosEvent(deps, request.tenantId, request.eventId, { maxAttempts: ATTACH_MAX_ATTEMPTS });
}
