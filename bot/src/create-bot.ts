// One tenant's bot: grammY's Bot with this tenant's token, and the middleware every update
// passes, in order. The same function builds the bot for polling, for webhooks and for tests.
import { autoRetry } from "@grammyjs/auto-retry";
import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Middleware } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { BotContext, BotDeps, BotTenant, TalkContext } from "./context.ts";
import { redisConversationStorage } from "./conversation-storage.ts";
import { checkin } from "./conversations/checkin.ts";
import { onboarding } from "./conversations/onboarding.ts";
import { till } from "./conversations/till.ts";
import { checkinFeature } from "./features/checkin.ts";
import { eventsFeature } from "./features/events.ts";
import { cancelFeature, fallbackFeature } from "./features/fallback.ts";
import { guestMenuFeature } from "./features/guest-menu.ts";
import { loadMember } from "./features/member.ts";
import { staffInviteFeature, startFeature } from "./features/start.ts";
import { tillFeature } from "./features/till.ts";

export interface TenantBotOptions {
  token: string;
  tenant: BotTenant;
  deps: BotDeps;
  /** the bot's own account, from getMe; skips grammY's own getMe at start */
  botInfo: UserFromGetMe;
  apiRoot: string;
  /** keeps conversation state */
  redis: Redis;
  redisPrefix: string;
}

/** Telegram answers 429 to bursts; waiting out retry_after is better than failing a reply. */
const retry = () => autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 });

const ONBOARDING_IDLE_MS = 24 * 3600_000;
/** A cashier who walks away mid-check should not find the bot stuck in it next shift. */
const TILL_IDLE_MS = 15 * 60_000;
/** Check-in at the door has long pauses between guests; an evening is a fair bound. */
const CHECKIN_IDLE_MS = 4 * 3600_000;

export function createTenantBot(options: TenantBotOptions): Bot<BotContext> {
  const { tenant, deps } = options;
  const bot = new Bot<BotContext>(options.token, {
    botInfo: options.botInfo,
    client: { apiRoot: options.apiRoot },
  });
  bot.api.config.use(retry());

  const attach: Middleware<BotContext | TalkContext> = (ctx, next) => {
    ctx.tenant = tenant;
    ctx.deps = deps;
    return next();
  };

  // Updates of one chat one at a time (conversations replay from stored state, and two updates
  // replaying at once would each miss the other's step); different chats run side by side.
  bot.use(sequentialize((ctx) => ctx.chatId?.toString()));
  // Every error ends here, whatever delivered the update: logged, and the user told in a
  // sentence. A webhook call thus never answers 500, which would make Telegram repeat it.
  const guarded = bot.errorBoundary(async (error) => {
    const ctx = error.ctx;
    deps.logger.error({ err: error.error, tenantId: tenant.id, updateId: ctx.update.update_id }, "bot update failed");
    if (!ctx.chatId) return;
    const text = deps.i18n.t(ctx.member?.locale ?? "ru", "something-wrong");
    await ctx.api.sendMessage(ctx.chatId, text).catch(() => undefined);
  });
  const privateChats = guarded.chatType("private");
  privateChats.use(attach, loadMember(), deps.i18n);
  privateChats.use(
    conversations<BotContext, TalkContext>({
      storage: {
        type: "key",
        version: 1,
        prefix: `${options.redisPrefix}:conv:${tenant.id}:`,
        adapter: redisConversationStorage(options.redis),
      },
      plugins: [
        attach as Middleware<TalkContext>,
        (ctx, next) => {
          ctx.api.config.use(retry());
          return next();
        },
      ],
    }),
  );
  privateChats.use(cancelFeature, staffInviteFeature);
  privateChats.use(createConversation(onboarding, { id: "onboarding", maxMillisecondsToWait: ONBOARDING_IDLE_MS }));
  privateChats.use(createConversation(till, { id: "till", maxMillisecondsToWait: TILL_IDLE_MS }));
  privateChats.use(createConversation(checkin, { id: "checkin", maxMillisecondsToWait: CHECKIN_IDLE_MS }));
  privateChats.use(startFeature, tillFeature, checkinFeature, guestMenuFeature, eventsFeature, fallbackFeature);
  return bot;
}
