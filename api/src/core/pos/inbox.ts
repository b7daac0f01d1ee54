// The durable inbox: what a POS delivered is written to pos_events in one statement before the
// POS gets its answer (ARCHITECTURE.md invariant 6). A repeat of an event already stored changes
// nothing. The insert wakes the workers' relay (NOTIFY pos_inbox) so an event does not wait for
// the relay's next poll; if Redis is away the relay enqueues it later, from this table.
import { posCheckToJson } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";
import type { AdaptedEvent } from "./adapted-event.ts";
import { resolveShortLivedRef } from "./guest-lookup.ts";
import { type PosIntegration, restaurantFor } from "./integrations.ts";

export const POS_INBOX_CHANNEL = "pos_inbox";

export interface StoredEvents {
  /** events stored now, by event id */
  stored: { id: string; eventId: string; status: "received" | "rejected" }[];
  /** event ids that were already in the inbox */
  duplicates: string[];
  /** events that needed nothing (not stored) */
  ignored: number;
}

/** Raw vendor documents are kept for support, but not without bound. */
const RAW_LIMIT_CHARS = 64 * 1024;

function boundedRaw(raw: unknown): unknown {
  if (raw === undefined) return null;
  const text = typeof raw === "string" ? raw : JSON.stringify(raw);
  if (text.length <= RAW_LIMIT_CHARS) return typeof raw === "string" ? { text: raw } : raw;
  return { truncated: true, text: text.slice(0, RAW_LIMIT_CHARS) };
}

const INSERT_EVENTS = `
WITH incoming AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(
    id uuid, integration_id uuid, event_id text, status pos_event_status, kind check_kind, "check" jsonb, raw jsonb,
    external_id text, refund_of text, guest_id uuid, restaurant_id uuid, closed_at timestamptz, last_error text)
),
stored AS (
  INSERT INTO pos_events (tenant_id, integration_id, id, event_id, status, kind, "check", raw, external_id, refund_of,
                          guest_id, restaurant_id, closed_at, last_error)
  SELECT app_current_tenant(), integration_id, id, event_id, status, kind, "check", raw, external_id, refund_of,
         guest_id, restaurant_id, closed_at, last_error
    FROM incoming
  ON CONFLICT (tenant_id, integration_id, event_id) DO NOTHING
  RETURNING id, event_id, status
)
SELECT id, event_id, status::text AS status FROM stored
 UNION ALL
-- One wake-up per statement, whatever it stored.
SELECT NULL, NULL, NULL FROM (SELECT pg_notify('${POS_INBOX_CHANNEL}', '')) AS notify WHERE EXISTS (SELECT 1 FROM stored)`;

export interface InboxRow {
  id: string;
  integration_id: string;
  event_id: string;
  status: "received" | "rejected";
  [column: string]: unknown;
}

export interface StoredRow {
  id: string;
  event_id: string;
  status: "received" | "rejected";
}

/** Where the inbox rows go: one statement per call, or several callers' rows per statement. */
export interface InboxWriter {
  /** Stores one tenant's rows; answers with those stored now (a repeat of a stored event is absent). */
  write(tenantId: string, rows: readonly InboxRow[]): Promise<StoredRow[]>;
}

async function insertRows(db: EngineDeps["db"], tenantId: string, rows: readonly InboxRow[]): Promise<StoredRow[]> {
  const result = await db.withTenantClient(tenantId, (client) =>
    client.query<StoredRow>(INSERT_EVENTS, [JSON.stringify(rows)]),
  );
  return result.rows.filter((row) => row.id !== null);
}

export function directInboxWriter(db: EngineDeps["db"]): InboxWriter {
  return { write: (tenantId, rows) => insertRows(db, tenantId, rows) };
}

/**
 * Group commit for the webhook intake: while a tenant's insert is in flight, the rows of the
 * requests arriving meanwhile wait and then go in together, in one transaction. Each request is
 * still answered only after its own rows are committed; under load this turns hundreds of commits
 * a second into a few dozen. If a shared statement fails, each request's rows are tried alone, so
 * one bad request cannot fail the others.
 */
export function createBatchingInboxWriter(db: EngineDeps["db"], maxRows = 500): InboxWriter {
  interface Waiting {
    rows: readonly InboxRow[];
    resolve: (stored: StoredRow[]) => void;
    reject: (error: unknown) => void;
  }
  const pending = new Map<string, Waiting[]>();
  const busy = new Set<string>();

  const flush = async (tenantId: string): Promise<void> => {
    const queued = pending.get(tenantId) ?? [];
    if (queued.length === 0 || busy.has(tenantId)) return;
    const batch: Waiting[] = [];
    let count = 0;
    while (queued.length > 0 && (batch.length === 0 || count + (queued[0]?.rows.length ?? 0) <= maxRows)) {
      const next = queued.shift() as Waiting;
      batch.push(next);
      count += next.rows.length;
    }
    busy.add(tenantId);
    try {
      const stored = await insertRows(
        db,
        tenantId,
        batch.flatMap((waiting) => waiting.rows),
      );
      const byId = new Map(stored.map((row) => [row.id, row]));
      for (const waiting of batch) {
        waiting.resolve(waiting.rows.flatMap((row) => byId.get(row.id) ?? []));
      }
    } catch {
      await Promise.all(
        batch.map((waiting) => insertRows(db, tenantId, waiting.rows).then(waiting.resolve, waiting.reject)),
      );
    } finally {
      busy.delete(tenantId);
      if ((pending.get(tenantId)?.length ?? 0) > 0) void flush(tenantId);
      else pending.delete(tenantId);
    }
  };

  return {
    write(tenantId, rows) {
      return new Promise<StoredRow[]>((resolve, reject) => {
        const queued = pending.get(tenantId) ?? [];
        queued.push({ rows, resolve, reject });
        pending.set(tenantId, queued);
        if (!busy.has(tenantId)) setImmediate(() => void flush(tenantId));
      });
    },
  };
}

export async function storePosEvents(
  deps: EngineDeps,
  integration: PosIntegration,
  events: readonly AdaptedEvent[],
  writer: InboxWriter = directInboxWriter(deps.db),
): Promise<StoredEvents> {
  const usable = events.filter((event) => event.status !== "ignored");
  const ignored = events.length - usable.length;
  if (usable.length === 0) return { stored: [], duplicates: [], ignored };

  const rows = await Promise.all(
    usable.map(async (event) => {
      if (event.status === "rejected") {
        return {
          id: uuidv7(),
          integration_id: integration.id,
          event_id: event.eventId,
          status: "rejected" as const,
          raw: boundedRaw(event.raw),
          last_error: event.reason,
        };
      }
      const { check } = event;
      const guestId = await resolveShortLivedRef(deps, integration.tenantId, check.guest);
      return {
        id: uuidv7(),
        integration_id: integration.id,
        event_id: event.eventId,
        status: "received" as const,
        kind: check.type,
        check: posCheckToJson(check),
        raw: event.raw === undefined ? null : boundedRaw(event.raw),
        external_id: check.externalId,
        refund_of: check.refundOf ?? null,
        guest_id: guestId,
        restaurant_id: restaurantFor(integration, check.restaurantExternalId),
        closed_at: check.closedAt,
      };
    }),
  );
  const stored = await writer.write(integration.tenantId, rows);
  const storedIds = new Set(stored.map((row) => row.event_id));
  return {
    stored: stored.map((row) => ({ id: row.id, eventId: row.event_id, status: row.status })),
    duplicates: usable.map((event) => event.eventId).filter((eventId) => !storedIds.has(eventId)),
    ignored,
  };
}
