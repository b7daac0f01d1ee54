// Tells guests in Telegram what happened to their points: the workers hand it each outbox event
// of a type it knows; it finds the guest, the tenant and the tenant's own bot, renders the text
// in the guest's language and sends it with that bot's token. A guest is told once per event
// (a Redis mark, set only after Telegram accepted the message), and never after they blocked
// the bot or turned notifications off.
import { autoRetry } from "@grammyjs/auto-retry";
import type { I18n } from "@grammyjs/i18n";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import {
  type BroadcastTarget,
  type DeliveryResult,
  type EngineDeps,
  type Logger,
  markGuestBotBlocked,
  sendMessageParams,
  type TelegramMessage,
} from "@maxl/api";
import { type SecretBox, secretContext } from "@maxl/db";
import { Api, GrammyError, HttpError } from "grammy";
import type { Redis } from "ioredis";
import type { BotContext, BotTenant } from "../context.ts";
import { type Locale, translator } from "../i18n.ts";
import {
  type LevelFacts,
  type Notification,
  type NotificationEvent,
  notificationEventSchema,
  notificationTypes,
  renderNotification,
} from "./render.ts";

const WEEK_SECONDS = 7 * 24 * 3600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NotifierOptions {
  /** the Bot API server, without a trailing slash (https://api.telegram.org, or a fake in tests) */
  apiRoot: string;
  /** opens the tenants' sealed bot tokens */
  secrets: SecretBox;
  i18n: I18n<BotContext>;
  /** where sent events are marked */
  redis: Redis;
  redisPrefix: string;
  logger: Logger;
  /** how long a sent event is remembered; longer than the events queue retries a job */
  sentMarkTtlSeconds?: number;
}

/** An outbox event as the workers publish it. */
export interface NotifiableEvent {
  tenantId: string;
  /** outbox_events.id */
  eventId: string;
  type: string;
  payload: unknown;
}

export type NotifyOutcome =
  | "sent"
  /** this event was already delivered (a retried job, a republished event) */
  | "skipped-duplicate"
  | "skipped-unknown-type"
  /** the payload lacks what the text needs; retrying cannot fix it, so it is logged and dropped */
  | "skipped-malformed"
  /** the tenant has no bot connected, or it is switched off */
  | "skipped-no-bot"
  | "skipped-no-guest"
  /** the guest's card was opened at the till and has no Telegram account behind it */
  | "skipped-no-telegram"
  | "skipped-disabled"
  | "skipped-blocked"
  /** the event moved no points, or the level it names no longer exists */
  | "skipped-nothing-to-say";

export interface Notifier {
  /** the event types it reacts to */
  readonly types: readonly string[];
  notify(event: NotifiableEvent, engine: EngineDeps): Promise<NotifyOutcome>;
  /**
   * Of many events, the ids of those whose guest may be reachable (or that notify() must judge
   * itself): one query per tenant instead of one per event. The others would only be skipped.
   */
  reachableAmong(events: readonly NotifiableEvent[], engine: EngineDeps): Promise<Set<string>>;
  /**
   * One broadcast message (core/broadcasts/run-broadcast.ts) from the tenant's bot, through the
   * same throttled client as the notifications, so both share the bot's pace. Throws only when it
   * cannot tell whether Telegram got the message.
   */
  sendBroadcast(target: BroadcastTarget, message: TelegramMessage): Promise<DeliveryResult>;
}

/** The Redis key that says the guest was told about this event. */
export function sentMarkKey(redisPrefix: string, tenantId: string, eventId: string): string {
  return `${redisPrefix}:notified:${tenantId}:${eventId}`;
}

type Recipient =
  | { kind: "skip"; outcome: NotifyOutcome }
  | { kind: "send"; chatId: number; notification: Notification; tokenCiphertext: string; guestId: string };

export function createNotifier(options: NotifierOptions): Notifier {
  const { apiRoot, secrets, i18n, redis, redisPrefix, logger } = options;
  const sentMarkTtl = options.sentMarkTtlSeconds ?? WEEK_SECONDS;
  const apis = new Map<string, { token: string; api: Api }>();

  // One client per bot: Telegram's limits (about 30 messages a second, one a second per chat)
  // are per bot, and so is the throttler's queue. Keyed by tenant, replaced when the token
  // changes, so a reconnected bot does not leave its old client behind.
  function apiFor(tenantId: string, token: string): Api {
    const cached = apis.get(tenantId);
    if (cached?.token === token) return cached.api;
    const api = new Api(token, { apiRoot, timeoutSeconds: 30 });
    api.config.use(apiThrottler());
    // Installed last, so it runs first: each retry passes the throttler again. Network errors
    // are rethrown rather than retried forever (the plugin's default), so a job fails and
    // BullMQ retries it with backoff instead of holding a worker indefinitely.
    api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
    apis.set(tenantId, { token, api });
    return api;
  }

  /**
   * Whether the guest can be reached at all, in one plain query: most points events reach no one
   * (no bot, no Telegram, notifications off), and this consumer runs once per credited check, so
   * at a POS's pace the Prisma transaction of recipient() (several round trips and its engine)
   * was the workers' largest cost. recipient() reads everything again before sending.
   */
  async function reachability(
    guestId: string,
    tenantId: string,
    engine: EngineDeps,
  ): Promise<"reachable" | NotifyOutcome> {
    // Not a guest id this query can look up: recipient() decides, as it always did.
    if (!UUID.test(guestId)) return "reachable";
    const row = await engine.db.withTenantClient(tenantId, async (client) => {
      const { rows } = await client.query<{
        bot_active: boolean | null;
        guest: boolean;
        telegram: boolean;
        enabled: boolean;
        blocked: boolean;
      }>({
        name: "notify.reachability",
        text: `SELECT b.is_active AS bot_active, g.id IS NOT NULL AS guest, g.telegram_user_id IS NOT NULL AS telegram,
                      coalesce(g.notifications_enabled, false) AS enabled, g.bot_blocked_at IS NOT NULL AS blocked
                 FROM (SELECT app_current_tenant() AS tenant_id) t
                 LEFT JOIN bot_connections b ON b.tenant_id = t.tenant_id
                 LEFT JOIN guests g ON g.tenant_id = t.tenant_id AND g.id = $1`,
        values: [guestId],
      });
      return rows[0];
    });
    if (!row?.bot_active) return "skipped-no-bot";
    if (!row.guest) return "skipped-no-guest";
    if (!row.telegram) return "skipped-no-telegram";
    if (!row.enabled) return "skipped-disabled";
    if (row.blocked) return "skipped-blocked";
    return "reachable";
  }

  async function recipient(event: NotificationEvent, tenantId: string, engine: EngineDeps): Promise<Recipient> {
    const skip = (outcome: NotifyOutcome): Recipient => ({ kind: "skip", outcome });
    const { guestId } = event.payload;
    return engine.db.withTenant(tenantId, async (tx) => {
      const connection = await tx.botConnection.findUnique({
        where: { tenantId },
        select: { tokenCiphertext: true, botUsername: true, isActive: true },
      });
      if (!connection?.isActive) return skip("skipped-no-bot");
      const guest = await tx.guest.findUnique({
        where: { tenantId_id: { tenantId, id: guestId } },
        select: { telegramUserId: true, locale: true, notificationsEnabled: true, botBlockedAt: true },
      });
      if (!guest) return skip("skipped-no-guest");
      if (guest.telegramUserId === null) return skip("skipped-no-telegram");
      if (!guest.notificationsEnabled) return skip("skipped-disabled");
      if (guest.botBlockedAt !== null) return skip("skipped-blocked");
      const tenant = await tx.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { id: true, slug: true, name: true, currency: true, timeZone: true, defaultLocale: true },
      });
      const levelIds =
        event.type === "level.changed"
          ? [event.payload.fromLevelId, event.payload.toLevelId].filter((id) => id !== null)
          : [];
      const levels: LevelFacts[] =
        levelIds.length > 0
          ? await tx.level.findMany({
              where: { id: { in: levelIds } },
              select: { id: true, name: true, rank: true, earnRateBps: true },
            })
          : [];
      // Event messages say where; the payload names only the event (its restaurant may be renamed).
      const restaurant = "eventId" in event.payload ? await eventRestaurant(tx, tenantId, event.payload.eventId) : null;
      const locale: Locale = guest.locale ?? tenant.defaultLocale;
      const botTenant: BotTenant = {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        currency: tenant.currency,
        timeZone: tenant.timeZone,
        botUsername: connection.botUsername,
      };
      const notification = renderNotification(event, {
        t: translator(i18n, locale),
        locale,
        tenant: botTenant,
        levels,
        restaurant,
      });
      if (!notification) return skip("skipped-nothing-to-say");
      return {
        kind: "send",
        // Telegram user ids fit in 52 bits: exact as a number.
        chatId: Number(guest.telegramUserId),
        notification,
        tokenCiphertext: connection.tokenCiphertext,
        guestId,
      };
    });
  }

  /** One tenant's events: those whose guest is reachable now, read in one round trip. */
  async function reachableOfTenant(
    tenantId: string,
    events: readonly { eventId: string; guestId: string }[],
    engine: EngineDeps,
  ): Promise<string[]> {
    const guestIds = [...new Set(events.map((event) => event.guestId))];
    const reachable = await engine.db.withTenantClient(tenantId, async (client) => {
      const { rows } = await client.query<{ guest_id: string | null }>({
        name: "notify.reachable-among",
        text: `SELECT g.id AS guest_id
                 FROM bot_connections b
                 JOIN guests g ON g.tenant_id = b.tenant_id AND g.id = ANY ($1::uuid[])
                WHERE b.tenant_id = app_current_tenant() AND b.is_active
                  AND g.telegram_user_id IS NOT NULL AND g.notifications_enabled AND g.bot_blocked_at IS NULL`,
        values: [guestIds],
      });
      return new Set(rows.map((row) => row.guest_id));
    });
    return events.filter((event) => reachable.has(event.guestId)).map((event) => event.eventId);
  }

  return {
    types: notificationTypes,
    async sendBroadcast(target, message) {
      const api = apiFor(
        target.tenantId,
        secrets.decrypt(target.tokenCiphertext, secretContext.botToken(target.tenantId)),
      );
      const { chat_id: _chat, text: _text, ...other } = sendMessageParams(target.chatId, message);
      try {
        const sent = await api.sendMessage(target.chatId, message.text, other);
        return { kind: "sent", messageId: sent.message_id };
      } catch (error) {
        if (error instanceof GrammyError) {
          if (error.error_code === 403) return { kind: "blocked" };
          // auto-retry waits out a retry_after of up to a minute; a longer one comes back here
          if (error.error_code === 429) return { kind: "retry-after", seconds: error.parameters.retry_after ?? 30 };
          return { kind: "failed", error: `${error.error_code}: ${error.description}` };
        }
        if (error instanceof HttpError && neverLeft(error)) return { kind: "not-sent", error: error.message };
        throw withoutToken(error);
      }
    },
    async reachableAmong(events, engine) {
      const chosen = new Set<string>();
      const byTenant = new Map<string, { eventId: string; guestId: string }[]>();
      for (const event of events) {
        const parsed = notificationEventSchema.safeParse({ type: event.type, payload: event.payload });
        // What this query cannot judge (an unknown shape, a guest id that is not a uuid), notify() does.
        if (!parsed.success || !UUID.test(parsed.data.payload.guestId)) {
          chosen.add(event.eventId);
          continue;
        }
        const list = byTenant.get(event.tenantId) ?? [];
        list.push({ eventId: event.eventId, guestId: parsed.data.payload.guestId });
        byTenant.set(event.tenantId, list);
      }
      for (const [tenantId, list] of byTenant) {
        for (const eventId of await reachableOfTenant(tenantId, list, engine)) chosen.add(eventId);
      }
      return chosen;
    },
    async notify(published, engine) {
      const { tenantId, eventId } = published;
      if (!notificationTypes.some((type) => type === published.type)) return "skipped-unknown-type";
      const parsed = notificationEventSchema.safeParse({ type: published.type, payload: published.payload });
      if (!parsed.success) {
        logger.warn(
          { tenantId, eventId, type: published.type, issues: parsed.error.issues },
          "notification event without what its text needs",
        );
        return "skipped-malformed";
      }
      const reachable = await reachability(parsed.data.payload.guestId, tenantId, engine);
      if (reachable !== "reachable") return reachable;
      const mark = sentMarkKey(redisPrefix, tenantId, eventId);
      if ((await redis.exists(mark)) === 1) return "skipped-duplicate";

      const target = await recipient(parsed.data, tenantId, engine);
      if (target.kind === "skip") return target.outcome;

      const api = apiFor(tenantId, secrets.decrypt(target.tokenCiphertext, secretContext.botToken(tenantId)));
      try {
        await api.sendMessage(target.chatId, target.notification.text, {
          parse_mode: target.notification.parseMode,
          link_preview_options: { is_disabled: true },
        });
      } catch (error) {
        // 403 to a private chat: the guest blocked the bot or deleted their account. Nothing
        // will reach them until they write to the bot again, which clears the mark.
        if (error instanceof GrammyError && error.error_code === 403) {
          await markGuestBotBlocked(engine, tenantId, target.guestId);
          logger.info({ tenantId, eventId, guestId: target.guestId }, "guest has blocked the bot");
          return "skipped-blocked";
        }
        throw withoutToken(error);
      }

      // The message is out: failing the job now would only send it again on the retry.
      await redis.set(mark, "1", "EX", sentMarkTtl).catch((error: unknown) => {
        logger.warn({ err: error, tenantId, eventId }, "could not mark a sent notification");
      });
      return "sent";
    },
  };
}

/** The name of the event's restaurant; null for an event of the whole business (or one not found). */
async function eventRestaurant(
  tx: Parameters<Parameters<EngineDeps["db"]["withTenant"]>[1]>[0],
  tenantId: string,
  eventId: string,
): Promise<string | null> {
  if (!UUID.test(eventId)) return null;
  const found = await tx.event.findUnique({
    where: { tenantId_id: { tenantId, id: eventId } },
    select: { restaurant: { select: { name: true } } },
  });
  return found?.restaurant?.name ?? null;
}

/** A connection refused or a name that did not resolve: the request never reached Telegram. */
function neverLeft(error: HttpError): boolean {
  const cause = error.error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

/**
 * grammY keeps the token out of an HttpError's message, but the fetch error it wraps names the
 * URL, which contains the token; a job's failure is logged and stored with its error.
 */
function withoutToken(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  const code = (error.error as { code?: unknown } | undefined)?.code;
  return new Error(typeof code === "string" ? `${error.message} (${code})` : error.message);
}
