// Sending a broadcast, as the workers run it. The audience is expanded into broadcast_deliveries a
// page at a time in guest id order (keyset, from cursor_guest_id), and each pending delivery is
// sent through the tenant's bot by the sender the workers hand in (the notifier's throttled
// client: ~30 messages a second per bot, one a second per chat, Telegram's retry_after waited out).
//
// Nobody is sent a broadcast twice, whatever crashes: a delivery is claimed (pending -> sending,
// committed) before Telegram is called and recorded after, one row per broadcast and guest. A row
// found still `sending` when a sender takes the broadcast over belonged to a sender that died
// between the claim and the record: Telegram may or may not have delivered it, so it is not tried
// again and counts as failed (at most once, never twice). One sender at a time holds the
// broadcast (a lease renewed with every message); another takes over only once it has lapsed.
// Cancelling is seen before the next message: the claim checks the broadcast is still sending.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { markGuestBotBlocked } from "../guests/registration.ts";
import { audienceWhere } from "./audience.ts";
import { writeBroadcastAudit } from "./broadcast-rows.ts";
import { type TelegramMessage, telegramMessageOf } from "./message.ts";
import { audienceSchema } from "./schemas.ts";

export type DeliveryResult =
  | { kind: "sent"; messageId: number }
  /** 403: the guest blocked the bot or deleted their account */
  | { kind: "blocked" }
  /** Telegram refused this message for good (400: chat not found, a bad button...) */
  | { kind: "failed"; error: string }
  /** 429 beyond what the client waits out itself */
  | { kind: "retry-after"; seconds: number }
  /** the request never left (connection refused, no DNS): safe to try again later */
  | { kind: "not-sent"; error: string };

export interface BroadcastTarget {
  tenantId: string;
  guestId: string;
  chatId: number;
  /** the tenant's bot token, sealed */
  tokenCiphertext: string;
}

/** Sends one message; throws when it cannot tell whether Telegram got it (a timeout mid-request). */
export interface BroadcastSender {
  send(target: BroadcastTarget, message: TelegramMessage): Promise<DeliveryResult>;
}

export interface RunBroadcastOptions {
  tenantId: string;
  broadcastId: string;
  sender: BroadcastSender;
  /** how long the broadcast is held without a message sent (renewed with each) */
  leaseSeconds?: number;
  /** guests expanded, and deliveries read, per page */
  pageSize?: number;
  /** messages in flight at once; the sender's throttler keeps Telegram's pace */
  lanes?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface BroadcastRun {
  outcome: "not-due" | "busy" | "restricted" | "sent" | "cancelled" | "lease-lost";
  sent: number;
  blocked: number;
  failed: number;
}

const INTERRUPTED =
  "interrupted: the sender stopped between claiming this guest and hearing from Telegram; not retried, so never sent twice";
const MAX_WAIT_SECONDS = 600;

interface Held {
  message: TelegramMessage;
  audience: ReturnType<typeof audienceSchema.parse>;
  cursor: string | null;
  expanded: boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a due scheduled broadcast: sending from now, or cancelled if the business is restricted. */
async function startIfDue(deps: EngineDeps, tenantId: string, broadcastId: string, at: Date) {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<{ status: string; due: boolean; restricted: boolean }>(
      `SELECT b.status::text AS status, coalesce(b.scheduled_at <= $2, false) AS due,
              (t.status <> 'active' OR coalesce(s.status::text IN ('restricted', 'canceled'), false)) AS restricted
         FROM broadcasts b
         JOIN tenants t ON t.id = b.tenant_id
         LEFT JOIN subscriptions s ON s.tenant_id = b.tenant_id
        WHERE b.tenant_id = app_current_tenant() AND b.id = $1
          FOR UPDATE OF b`,
      [broadcastId, at],
    );
    const row = rows[0];
    if (!row) return "gone" as const;
    if (row.status !== "scheduled") return row.status;
    if (!row.due) return "not-due" as const;
    if (row.restricted) {
      // Scheduled while paid up, due while restricted: not sent, and not counted.
      await client.query(
        `UPDATE broadcasts SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'restricted', counted_month = NULL,
                               updated_at = $2
          WHERE tenant_id = app_current_tenant() AND id = $1`,
        [broadcastId, at],
      );
      await writeBroadcastAudit(client, { source: "system" }, at, "broadcast.cancelled", broadcastId, {
        status: { from: "scheduled", to: "cancelled" },
        reason: "the business is restricted (unpaid or cancelled subscription)",
      });
      return "restricted" as const;
    }
    await client.query(
      `UPDATE broadcasts SET status = 'sending', started_at = $2, updated_at = $2
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [broadcastId, at],
    );
    return "sending" as const;
  });
}

async function takeLease(client: pg.PoolClient, broadcastId: string, token: string, at: Date, leaseSeconds: number) {
  const { rows } = await client.query<{
    text: string;
    format: "html" | "plain";
    button_label: string | null;
    button_url: string | null;
    audience: unknown;
    cursor_guest_id: string | null;
    expanded_at: Date | null;
  }>(
    `UPDATE broadcasts SET lease_token = $2, lease_until = $3::timestamptz + make_interval(secs => $4)
      WHERE tenant_id = app_current_tenant() AND id = $1 AND status = 'sending'
        AND (lease_until IS NULL OR lease_until < $3 OR lease_token = $2)
      RETURNING text, format::text AS format, button_label, button_url, audience, cursor_guest_id, expanded_at`,
    [broadcastId, token, at, leaseSeconds],
  );
  return rows[0];
}

/** Adds the next page of the audience as pending deliveries; marks the audience expanded after the last. */
async function expandPage(
  deps: EngineDeps,
  tenantId: string,
  broadcastId: string,
  token: string,
  held: Held,
  pageSize: number,
): Promise<void> {
  const at = deps.clock();
  await deps.db.withTenantClient(tenantId, async (client) => {
    const { sql, values } = audienceWhere(held.audience, 5);
    const { rows } = await client.query<{ last: string | null; taken: number }>(
      `WITH page AS (
         SELECT g.id FROM guests g
          WHERE ${sql} AND ($3::uuid IS NULL OR g.id > $3::uuid)
          ORDER BY g.id LIMIT $4
       ), added AS (
         INSERT INTO broadcast_deliveries (tenant_id, broadcast_id, guest_id, created_at)
         SELECT app_current_tenant(), $1, id, $2 FROM page
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT id::text FROM page ORDER BY id DESC LIMIT 1) AS last, (SELECT count(*) FROM page)::int AS taken,
              (SELECT count(*) FROM added)::int AS added`,
      [broadcastId, at, held.cursor, pageSize, ...values],
    );
    const page = rows[0] ?? { last: null, taken: 0 };
    const done = page.taken < pageSize;
    await client.query(
      `UPDATE broadcasts
          SET cursor_guest_id = coalesce($3::uuid, cursor_guest_id),
              expanded_at = CASE WHEN $4 THEN $5::timestamptz END,
              recipients_total = CASE WHEN $4 THEN
                (SELECT count(*)::int FROM broadcast_deliveries d
                  WHERE d.tenant_id = app_current_tenant() AND d.broadcast_id = $1 AND d.status <> 'skipped')
                ELSE recipients_total END
        WHERE tenant_id = app_current_tenant() AND id = $1 AND lease_token = $2`,
      [broadcastId, token, page.last, done, at],
    );
    held.cursor = page.last ?? held.cursor;
    held.expanded = done;
  });
}

interface Pending {
  guest_id: string;
  chat: string | null;
  reachable: boolean;
}

async function pendingPage(deps: EngineDeps, tenantId: string, broadcastId: string, pageSize: number) {
  return deps.db.withTenantClient(tenantId, async (client) => {
    const { rows } = await client.query<Pending>(
      `SELECT d.guest_id, g.telegram_user_id::text AS chat,
              (g.notifications_enabled AND g.bot_blocked_at IS NULL AND g.telegram_user_id IS NOT NULL) AS reachable
         FROM broadcast_deliveries d
         JOIN guests g ON g.tenant_id = d.tenant_id AND g.id = d.guest_id
        WHERE d.tenant_id = app_current_tenant() AND d.broadcast_id = $1 AND d.status = 'pending'
        ORDER BY d.guest_id LIMIT $2`,
      [broadcastId, pageSize],
    );
    const bot = await client.query<{ token_ciphertext: string; is_active: boolean }>(
      "SELECT token_ciphertext, is_active FROM bot_connections WHERE tenant_id = app_current_tenant()",
    );
    return { rows, bot: bot.rows[0]?.is_active ? bot.rows[0].token_ciphertext : null };
  });
}

type Settled = "sent" | "blocked" | "failed" | "skipped";

export async function runBroadcast(deps: EngineDeps, options: RunBroadcastOptions): Promise<BroadcastRun> {
  const { tenantId, broadcastId, sender } = options;
  const leaseSeconds = options.leaseSeconds ?? 60;
  const pageSize = options.pageSize ?? 200;
  const lanes = options.lanes ?? 4;
  const sleep = options.sleep ?? realSleep;
  const token = randomUUID();
  const tally = { sent: 0, blocked: 0, failed: 0 };
  const result = (outcome: BroadcastRun["outcome"]): BroadcastRun => ({ outcome, ...tally });

  const started = await startIfDue(deps, tenantId, broadcastId, deps.clock());
  if (started === "not-due") return result("not-due");
  if (started === "restricted") return result("restricted");
  if (started !== "sending") return result(started === "cancelled" ? "cancelled" : "not-due");

  const held = await deps.db.withTenantClient(tenantId, async (client): Promise<Held | null> => {
    const row = await takeLease(client, broadcastId, token, deps.clock(), leaseSeconds);
    if (!row) return null;
    // Whoever held it before stopped between a claim and its record: see the top of the file.
    await client.query(
      `WITH lost AS (
         UPDATE broadcast_deliveries SET status = 'failed', error = $2
          WHERE tenant_id = app_current_tenant() AND broadcast_id = $1 AND status = 'sending'
         RETURNING 1)
       UPDATE broadcasts SET failed_count = failed_count + (SELECT count(*)::int FROM lost)
        WHERE tenant_id = app_current_tenant() AND id = $1`,
      [broadcastId, INTERRUPTED],
    );
    return {
      message: telegramMessageOf({
        text: row.text,
        format: row.format,
        button: row.button_label && row.button_url ? { label: row.button_label, url: row.button_url } : null,
      }),
      audience: audienceSchema.parse(row.audience ?? {}),
      cursor: row.cursor_guest_id,
      expanded: row.expanded_at !== null,
    };
  });
  if (!held) return result("busy");

  /** Claims the guest if the broadcast is still ours and sending; false: stop. */
  const claim = (guestId: string) =>
    deps.db.withTenantClient(tenantId, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE broadcast_deliveries SET status = 'sending', attempted_at = $3
          WHERE tenant_id = app_current_tenant() AND broadcast_id = $1 AND guest_id = $2 AND status = 'pending'
            AND EXISTS (SELECT 1 FROM broadcasts b WHERE b.tenant_id = app_current_tenant() AND b.id = $1
                          AND b.status = 'sending' AND b.lease_token = $4)`,
        [broadcastId, guestId, deps.clock(), token],
      );
      return (rowCount ?? 0) > 0;
    });

  /** Records a delivery and renews the lease; answers whether to go on. */
  const settle = (guestId: string, status: Settled | "pending", detail: { messageId?: number; error?: string } = {}) =>
    deps.db.withTenantClient(tenantId, async (client) => {
      const { rows } = await client.query<{ status: string; lease_token: string | null }>(
        `WITH d AS (
           UPDATE broadcast_deliveries SET status = $3::broadcast_delivery_status, telegram_message_id = $4, error = $5
            WHERE tenant_id = app_current_tenant() AND broadcast_id = $1 AND guest_id = $2 AND status = 'sending'
           RETURNING status)
         UPDATE broadcasts SET
                sent_count = sent_count + (SELECT count(*)::int FROM d WHERE status = 'sent'),
                blocked_count = blocked_count + (SELECT count(*)::int FROM d WHERE status = 'blocked'),
                failed_count = failed_count + (SELECT count(*)::int FROM d WHERE status = 'failed'),
                recipients_total = recipients_total - (SELECT count(*)::int FROM d WHERE status = 'skipped'),
                lease_until = CASE WHEN lease_token = $6 THEN $7::timestamptz + make_interval(secs => $8) ELSE lease_until END,
                updated_at = $7
          WHERE tenant_id = app_current_tenant() AND id = $1
          RETURNING status::text AS status, lease_token`,
        [
          broadcastId,
          guestId,
          status,
          detail.messageId ?? null,
          detail.error ?? null,
          token,
          deps.clock(),
          leaseSeconds,
        ],
      );
      if (status === "sent" || status === "blocked" || status === "failed") tally[status] += 1;
      const row = rows[0];
      return row?.status === "sending" && row.lease_token === token;
    });

  let stopped: BroadcastRun["outcome"] | null = null;
  const stopReason = async (): Promise<BroadcastRun["outcome"]> => {
    const { rows } = await deps.db.withTenantClient(tenantId, (client) =>
      client.query<{ status: string }>(
        "SELECT status::text AS status FROM broadcasts WHERE tenant_id = app_current_tenant() AND id = $1",
        [broadcastId],
      ),
    );
    return rows[0]?.status === "cancelled" ? "cancelled" : "lease-lost";
  };

  const deliver = async (row: Pending, tokenCiphertext: string): Promise<void> => {
    if (!(await claim(row.guest_id))) {
      stopped ??= await stopReason();
      return;
    }
    if (!row.reachable || row.chat === null) {
      // Turned notifications off, or blocked the bot, since the audience was expanded.
      if (!(await settle(row.guest_id, "skipped"))) stopped ??= await stopReason();
      return;
    }
    let outcome: DeliveryResult;
    try {
      outcome = await sender.send(
        { tenantId, guestId: row.guest_id, chatId: Number(row.chat), tokenCiphertext },
        held.message,
      );
    } catch (error) {
      await settle(row.guest_id, "failed", { error: INTERRUPTED });
      throw error;
    }
    let goOn: boolean;
    switch (outcome.kind) {
      case "sent":
        goOn = await settle(row.guest_id, "sent", { messageId: outcome.messageId });
        break;
      case "blocked":
        await markGuestBotBlocked(deps, tenantId, row.guest_id);
        goOn = await settle(row.guest_id, "blocked", { error: "the guest has blocked the bot" });
        break;
      case "failed":
        goOn = await settle(row.guest_id, "failed", { error: outcome.error.slice(0, 500) });
        break;
      case "retry-after": {
        // Not delivered: back in the queue, and the broadcast waits as long as Telegram asks.
        const wait = Math.min(outcome.seconds, MAX_WAIT_SECONDS);
        await deps.db.withTenantClient(tenantId, (client) =>
          client.query(
            `UPDATE broadcasts SET lease_until = $3::timestamptz + make_interval(secs => $4)
              WHERE tenant_id = app_current_tenant() AND id = $1 AND lease_token = $2`,
            [broadcastId, token, deps.clock(), wait + leaseSeconds],
          ),
        );
        goOn = await settle(row.guest_id, "pending");
        if (goOn) await sleep(wait * 1000);
        break;
      }
      case "not-sent":
        await settle(row.guest_id, "pending");
        throw new Error(`Telegram could not be reached: ${outcome.error}`);
    }
    if (!goOn) stopped ??= await stopReason();
  };

  while (!stopped) {
    const { rows, bot } = await pendingPage(deps, tenantId, broadcastId, pageSize);
    if (rows.length === 0) {
      if (!held.expanded) {
        await expandPage(deps, tenantId, broadcastId, token, held, pageSize);
        continue;
      }
      const finished = await deps.db.withTenantClient(tenantId, async (client) => {
        const at = deps.clock();
        const { rowCount } = await client.query(
          `UPDATE broadcasts SET status = 'sent', finished_at = $3, lease_token = NULL, lease_until = NULL, updated_at = $3,
                                 recipients_total = sent_count + blocked_count + failed_count
            WHERE tenant_id = app_current_tenant() AND id = $1 AND status = 'sending' AND lease_token = $2`,
          [broadcastId, token, at],
        );
        return (rowCount ?? 0) > 0;
      });
      return finished ? result("sent") : result(await stopReason());
    }
    if (bot === null) throw new Error("the business's bot is not connected; the broadcast waits for it");
    let next = 0;
    let failure: unknown = null;
    const lane = async () => {
      while (!stopped && failure === null && next < rows.length) {
        const row = rows[next++] as Pending;
        try {
          await deliver(row, bot);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, rows.length) }, lane));
    if (failure !== null) {
      await releaseLease();
      throw failure;
    }
  }
  await releaseLease();
  return result(stopped);

  /** Lets a successor in at once rather than after the lease. */
  async function releaseLease() {
    await deps.db.withTenantClient(tenantId, (client) =>
      client.query(
        `UPDATE broadcasts SET lease_token = NULL, lease_until = NULL
          WHERE tenant_id = app_current_tenant() AND id = $1 AND lease_token = $2`,
        [broadcastId, token],
      ),
    );
  }
}
