// Every tenant's bot in one process. The registry reads the connected bots, starts the new ones
// (long polling, or a webhook pointed at this process), stops the removed ones and restarts the
// changed ones. It reconciles when the API announces a change over Redis and every few minutes
// besides, so connecting or removing a bot never needs a restart. A bot Telegram refuses (a
// revoked token) is logged and retried on the next pass; the other bots do not notice.
import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Logger } from "@maxl/api";
import { type PlatformDb, type SecretBox, secretContext } from "@maxl/db";
import { Api, type Bot, webhookCallback } from "grammy";
import type { Context as HonoContext } from "hono";
import type { Redis } from "ioredis";
import { setUpBotProfile } from "./bot-profile.ts";
import type { BotContext, BotDeps, BotTenant } from "./context.ts";
import { createTenantBot } from "./create-bot.ts";

/** The updates the bot handles; Telegram sends nothing else. */
export const allowedUpdates = ["message", "callback_query"] as const;

export interface BotRegistryOptions {
  platformDb: PlatformDb;
  secrets: SecretBox;
  deps: BotDeps;
  /** conversation state */
  redis: Redis;
  redisPrefix: string;
  apiRoot: string;
  mode: "polling" | "webhook";
  /** required in webhook mode: Telegram calls <base>/telegram/<bot id> */
  webhookBaseUrl: string | null;
  logger: Logger;
}

export interface RunningBot {
  tenantId: string;
  botId: string;
  username: string;
}

export interface ReconcileReport {
  started: RunningBot[];
  stopped: RunningBot[];
  failed: { tenantId: string; botId: string; reason: string }[];
}

export type WebhookHandler = (c: HonoContext) => Promise<Response>;

export interface BotRegistry {
  /** Brings the running bots in line with bot_connections. Passes never overlap. */
  reconcile(): Promise<ReconcileReport>;
  running(): RunningBot[];
  /** The webhook handler of a running bot (webhook mode), by Telegram's bot id. */
  webhook(botId: string): WebhookHandler | undefined;
  /** Stops every bot; webhooks stay set, so Telegram holds updates until the next start. */
  stop(): Promise<void>;
}

interface Desired {
  tenant: BotTenant;
  botId: string;
  tokenCiphertext: string;
  secretCiphertext: string;
  /** changes whenever anything the running bot was built from changes */
  fingerprint: string;
}

interface Entry extends RunningBot {
  fingerprint: string;
  bot: Bot<BotContext>;
  runner: RunnerHandle | null;
  /** the last update long polling fetched, to confirm to Telegram on stop */
  polled: { lastUpdateId: number | null } | null;
  webhook: WebhookHandler | null;
}

export function createBotRegistry(options: BotRegistryOptions): BotRegistry {
  const { logger } = options;
  if (options.mode === "webhook" && !options.webhookBaseUrl) {
    throw new Error("webhook mode needs the public base URL Telegram calls (BOT_WEBHOOK_BASE_URL)");
  }
  const entries = new Map<string, Entry>();
  /** the last reason each tenant's bot failed to start, by tenant */
  const failures = new Map<string, string>();
  let pass: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function desiredBots(): Promise<Desired[]> {
    const rows = await options.platformDb.prisma.botConnection.findMany({
      where: { isActive: true, tenant: { status: { not: "suspended" } } },
      include: { tenant: true },
    });
    return rows.map((row) => ({
      tenant: {
        id: row.tenantId,
        slug: row.tenant.slug,
        name: row.tenant.name,
        currency: row.tenant.currency,
        timeZone: row.tenant.timeZone,
        botUsername: row.botUsername,
      },
      botId: row.botId.toString(),
      tokenCiphertext: row.tokenCiphertext,
      secretCiphertext: row.webhookSecretCiphertext,
      fingerprint: [
        row.tokenCiphertext,
        row.webhookSecretCiphertext,
        row.botUsername,
        row.tenant.updatedAt.getTime(),
      ].join("|"),
    }));
  }

  async function start(desired: Desired): Promise<Entry> {
    const tenantId = desired.tenant.id;
    const token = options.secrets.decrypt(desired.tokenCiphertext, secretContext.botToken(tenantId));
    // getMe proves the token still works before anything else is set up with it.
    const botInfo = await new Api(token, { apiRoot: options.apiRoot }).getMe();
    const tenant = { ...desired.tenant, botUsername: botInfo.username };
    const bot = createTenantBot({
      token,
      tenant,
      deps: options.deps,
      botInfo,
      apiRoot: options.apiRoot,
      redis: options.redis,
      redisPrefix: options.redisPrefix,
    });
    await setUpBotProfile(bot.api, options.deps, tenant).catch((error: unknown) =>
      logger.warn({ err: error, tenantId }, "could not set the bot's commands"),
    );
    const identity = { tenantId, botId: desired.botId, username: botInfo.username, fingerprint: desired.fingerprint };
    if (options.mode === "webhook") {
      const secretToken = options.secrets.decrypt(desired.secretCiphertext, secretContext.botWebhookSecret(tenantId));
      await bot.api.setWebhook(`${options.webhookBaseUrl}/telegram/${desired.botId}`, {
        secret_token: secretToken,
        allowed_updates: [...allowedUpdates],
      });
      // "return": answer Telegram at once if a handler is slow, rather than fail the call and have
      // Telegram deliver the update a second time.
      const webhook = webhookCallback(bot, "hono", {
        secretToken,
        onTimeout: "return",
        timeoutMilliseconds: 25_000,
      }) as WebhookHandler;
      return { ...identity, bot, runner: null, polled: null, webhook };
    }
    // Long polling refuses to run while a webhook is set (409), e.g. after a production test.
    await bot.api.deleteWebhook();
    const polled = { lastUpdateId: null as number | null };
    bot.api.config.use(async (prev, method, payload, signal) => {
      const answer = await prev(method, payload, signal);
      if (method === "getUpdates" && answer.ok) {
        const updates = answer.result as { update_id: number }[];
        const last = updates.at(-1)?.update_id;
        if (last !== undefined) polled.lastUpdateId = last;
      }
      return answer;
    });
    const runner = run(bot, {
      runner: { fetch: { allowed_updates: [...allowedUpdates] }, silent: true, retryInterval: "exponential" },
    });
    void runner.task()?.catch((error: unknown) => {
      logger.error({ err: error, tenantId }, "long polling stopped; the next reconcile restarts it");
      if (entries.get(tenantId)?.runner === runner) entries.delete(tenantId);
    });
    return { ...identity, bot, runner, polled, webhook: null };
  }

  async function halt(entry: Entry, removed: boolean): Promise<void> {
    if (entry.runner) {
      if (entry.runner.isRunning()) await entry.runner.stop();
      await drained(entry.runner);
      // The runner confirms a batch only with its next getUpdates; without this, Telegram would
      // deliver the last batch again to whoever polls next, and it would be handled twice.
      const last = entry.polled?.lastUpdateId;
      if (last != null)
        await entry.bot.api.getUpdates({ offset: last + 1, limit: 1, timeout: 0 }).catch(() => undefined);
    }
    // A bot that left the platform should not keep Telegram calling this process.
    if (removed && options.mode === "webhook") {
      await entry.bot.api.deleteWebhook().catch(() => undefined);
    }
  }

  async function reconcileOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { started: [], stopped: [], failed: [] };
    if (stopped) return report;
    const desired = new Map((await desiredBots()).map((bot) => [bot.tenant.id, bot]));
    for (const [tenantId, entry] of entries) {
      const wanted = desired.get(tenantId);
      if (wanted && wanted.fingerprint === entry.fingerprint) continue;
      entries.delete(tenantId);
      await halt(entry, !wanted || wanted.botId !== entry.botId);
      report.stopped.push(publicView(entry));
    }
    for (const [tenantId, wanted] of desired) {
      if (entries.has(tenantId)) continue;
      try {
        const entry = await start(wanted);
        entries.set(tenantId, entry);
        report.started.push(publicView(entry));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        report.failed.push({ tenantId, botId: wanted.botId, reason });
        // Once per cause: a revoked token would otherwise fill the log every pass.
        const failure = `${wanted.fingerprint}|${reason}`;
        const level = failures.get(tenantId) === failure ? "debug" : "warn";
        failures.set(tenantId, failure);
        logger[level]({ tenantId, botId: wanted.botId, reason }, "bot not started; retrying on the next reconcile");
      }
    }
    for (const tenantId of failures.keys()) {
      if (!desired.has(tenantId) || entries.has(tenantId)) failures.delete(tenantId);
    }
    if (report.started.length + report.stopped.length + report.failed.length > 0) {
      logger.info(
        {
          started: report.started.map((bot) => bot.username),
          stopped: report.stopped.map((bot) => bot.username),
          failed: report.failed.length,
          running: entries.size,
        },
        "bots reconciled",
      );
    }
    return report;
  }

  return {
    reconcile() {
      const next = pass.then(reconcileOnce, reconcileOnce);
      pass = next.catch(() => undefined);
      return next;
    },
    running: () => [...entries.values()].map(publicView),
    webhook(botId) {
      for (const entry of entries.values()) if (entry.botId === botId) return entry.webhook ?? undefined;
      return undefined;
    },
    async stop() {
      stopped = true;
      await pass;
      const all = [...entries.values()];
      entries.clear();
      await Promise.allSettled(all.map((entry) => halt(entry, false)));
    },
  };
}

/** Waits for the updates the runner has already taken to be handled (10 s at most). */
async function drained(runner: RunnerHandle): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

function publicView(entry: RunningBot): RunningBot {
  return { tenantId: entry.tenantId, botId: entry.botId, username: entry.username };
}
