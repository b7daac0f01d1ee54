// What the bot's end-to-end tests share: the real PostgreSQL and Redis, the fake Telegram, tenants
// with a program, levels, staff and a connected bot, the registry serving them, and a chat helper
// that talks to a bot the way a Telegram user does.
import { randomInt, randomUUID } from "node:crypto";
import {
  completeRegistration,
  createEngineDeps,
  createLogger,
  createRedis,
  type EngineDeps,
  openGuestForTelegram,
  type Redis,
  recordConsent,
  redisReady,
  setGuestName,
  setGuestPhone,
} from "@maxl/api";
import { createDb, createPlatformDb, createSecretBox, type Db, type PlatformDb, secretContext } from "@maxl/db";
import { createTestTenant, testServices } from "@maxl/db/testing";
import type { Contact, Message, User } from "grammy/types";
import { uuidv7 } from "uuidv7";
import type { BotDeps } from "../src/context.ts";
import { createI18n } from "../src/i18n.ts";
import { type BotRegistry, createBotRegistry } from "../src/registry.ts";
import {
  type BotApiCall,
  callbackQuery,
  command,
  contactMessage,
  type FakeBot,
  type FakeTelegram,
  startFakeTelegram,
  stickerMessage,
  textMessage,
  webAppData,
} from "../src/testing/index.ts";

export const services = testServices();
export const ENCRYPTION_KEY = Buffer.alloc(32, 7);
export const secrets = createSecretBox(ENCRYPTION_KEY);
export const MINIAPP_URL = "https://miniapp.example.test";

export interface BotWorld {
  telegram: FakeTelegram;
  db: Db;
  platformDb: PlatformDb;
  redis: Redis;
  engine: EngineDeps;
  deps: BotDeps;
  redisPrefix: string;
  /** what engine.clock() returns; null means the real time */
  clock: { now: Date | null };
  registry(options?: { mode?: "polling" | "webhook" }): BotRegistry;
  close(): Promise<void>;
}

export async function createBotWorld(): Promise<BotWorld> {
  const telegram = await startFakeTelegram();
  const db = createDb({ url: services.appUrl });
  const platformDb = createPlatformDb({ url: services.platformUrl });
  const redis = createRedis({ url: services.redisUrl, kind: "command", name: "bot-test" });
  await redisReady(redis);
  const clock: BotWorld["clock"] = { now: null };
  const redisPrefix = `test:${randomUUID()}`;
  const engine = createEngineDeps({ db, redis, clock: () => clock.now ?? new Date(), settings: { redisPrefix } });
  const logger = createLogger({ service: "bot-test", level: "silent" });
  const deps: BotDeps = {
    engine,
    i18n: createI18n(),
    logger,
    settings: { miniAppUrl: MINIAPP_URL, privacyPolicyUrl: "https://cafe.example.test/privacy" },
  };
  const registries: BotRegistry[] = [];
  return {
    telegram,
    db,
    platformDb,
    redis,
    engine,
    deps,
    redisPrefix,
    clock,
    registry(options = {}) {
      const registry = createBotRegistry({
        platformDb,
        secrets,
        deps,
        redis,
        redisPrefix,
        apiRoot: telegram.apiRoot,
        mode: options.mode ?? "polling",
        webhookBaseUrl: options.mode === "webhook" ? "https://bots.example.test" : null,
        logger,
      });
      registries.push(registry);
      return registry;
    },
    async close() {
      await Promise.allSettled(registries.map((registry) => registry.stop()));
      await telegram.close();
      await Promise.allSettled([db.close(), platformDb.close()]);
      redis.disconnect();
    },
  };
}

export interface BotTenant {
  id: string;
  slug: string;
  name: string;
  token: string;
  botId: string;
  fake: FakeBot;
  restaurantId: string;
  staff: { cashier: string; manager: string };
  /** connects (or reconnects) the bot in bot_connections, as the API does */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  balance(guestId: string): Promise<number>;
  guestByTelegram(userId: number): Promise<{ id: string; registeredAt: Date | null; phone: string | null } | null>;
}

let serial = 0;

/** A tenant with a program (welcome bonus 100), two levels, a restaurant, staff and a bot. */
export async function createBotTenant(
  world: BotWorld,
  options: { name?: string; welcomeBonusPoints?: number; connect?: boolean } = {},
): Promise<BotTenant> {
  const name = options.name ?? "Зерно";
  const tenant = await createTestTenant(world.db, name);
  const tenantId = tenant.id;
  serial += 1;
  // Test files run side by side against one database, where a bot id is unique.
  const botId = String(7_100_000_000 + randomInt(800_000_000));
  const token = `${botId}:AAbot_${randomUUID().replaceAll("-", "")}`;
  const username = `cafe_${serial}_${tenantId.slice(-6)}_bot`;
  const fake = world.telegram.addBot({ token, username, firstName: name });
  const restaurantId = uuidv7();
  const staff = { cashier: uuidv7(), manager: uuidv7() };
  await world.db.withTenant(tenantId, async (tx) => {
    await tx.tenant.update({ where: { id: tenantId }, data: { name } });
    await tx.loyaltyProgram.create({
      data: { tenantId, welcomeBonusPoints: options.welcomeBonusPoints ?? 100, pointsLifetimeDays: 365 },
    });
    await tx.level.createMany({
      data: [
        { tenantId, name: "Бронза", rank: 0, thresholdMinor: 0n, earnRateBps: 500 },
        { tenantId, name: "Серебро", rank: 1, thresholdMinor: 1_000_000n, earnRateBps: 700 },
      ],
    });
    await tx.restaurant.create({ data: { tenantId, id: restaurantId, name: "Зал на Тверской" } });
    await tx.staffUser.createMany({
      data: [
        { tenantId, id: staff.cashier, email: `cashier-${randomUUID()}@bot.test`, name: "Ольга", role: "cashier" },
        { tenantId, id: staff.manager, email: `manager-${randomUUID()}@bot.test`, name: "Игорь", role: "manager" },
      ],
    });
  });
  const connect = () =>
    world.db.withTenant(tenantId, async (tx) => {
      const data = {
        botId: BigInt(botId),
        botUsername: username,
        tokenCiphertext: secrets.encrypt(token, secretContext.botToken(tenantId)),
        webhookSecretCiphertext: secrets.encrypt(`hook-${randomUUID()}`, secretContext.botWebhookSecret(tenantId)),
        isActive: true,
      };
      await tx.botConnection.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
    });
  if (options.connect !== false) await connect();
  return {
    id: tenantId,
    slug: tenant.slug,
    name,
    token,
    botId,
    fake,
    restaurantId,
    staff,
    connect: async () => {
      await connect();
    },
    disconnect: async () => {
      await world.db.withTenant(tenantId, (tx) => tx.botConnection.deleteMany({ where: { tenantId } }));
    },
    async balance(guestId) {
      const guest = await world.db.withTenant(tenantId, (tx) =>
        tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } }),
      );
      return guest.balance;
    },
    guestByTelegram(userId) {
      return world.db.withTenant(tenantId, (tx) =>
        tx.guest.findUnique({
          where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(userId) } },
          select: { id: true, registeredAt: true, phone: true },
        }),
      );
    },
  };
}

/** A guest registered straight through the verbs, as if they had finished onboarding. */
export async function registerGuest(world: BotWorld, tenant: BotTenant, user: User, phone: string): Promise<string> {
  const { guestId } = await openGuestForTelegram(world.engine, tenant.id, user);
  await recordConsent(world.engine, tenant.id, guestId);
  await setGuestName(world.engine, tenant.id, guestId, user.first_name);
  await setGuestPhone(world.engine, tenant.id, guestId, phone);
  await completeRegistration(world.engine, tenant.id, guestId);
  return guestId;
}

/** A Telegram user with an id no other test uses. */
export function telegramUser(first_name: string, language_code = "ru"): User {
  return {
    id: 600_000_000 + randomInt(1_000_000_000),
    is_bot: false,
    first_name,
    language_code,
  };
}

/** The user's side of a private chat with one tenant's bot. */
export class Chat {
  constructor(
    private readonly world: BotWorld,
    private readonly tenant: BotTenant,
    readonly user: User,
  ) {}

  /** callback queries this chat sent: their answers carry no chat id */
  private readonly callbackIds = new Set<string>();

  private mine = (call: BotApiCall) =>
    call.token === this.tenant.token &&
    (call.params.chat_id === this.user.id ||
      call.params.user_id === this.user.id ||
      this.callbackIds.has(String(call.params.callback_query_id)));

  send(text: string): void {
    this.tenant.fake.pushUpdate(textMessage(this.user, text));
  }

  start(payload?: string): void {
    this.tenant.fake.pushUpdate(command(this.user, "start", payload));
  }

  sticker(): void {
    this.tenant.fake.pushUpdate(stickerMessage(this.user));
  }

  contact(contact: Partial<Contact> = {}): void {
    this.tenant.fake.pushUpdate(
      contactMessage(this.user, {
        phone_number: "79991234567",
        first_name: this.user.first_name,
        user_id: this.user.id,
        ...contact,
      }),
    );
  }

  scanned(data: string): void {
    this.tenant.fake.pushUpdate(webAppData(this.user, data, "📷 Сканировать QR"));
  }

  /** Presses an inline button under a message the bot sent. */
  press(message: Message | BotApiCall, data: string): void {
    const target = "token" in message ? (message.response as { result: Message }).result : message;
    const update = this.tenant.fake.pushUpdate(callbackQuery(this.user, data, target));
    if (update.callback_query) this.callbackIds.add(update.callback_query.id);
  }

  /** The next message the bot sends to this chat (text messages). */
  async reply(timeoutMs = 8_000): Promise<BotApiCall> {
    return this.world.telegram.waitForCall("sendMessage", this.mine, timeoutMs);
  }

  /** The text of the next message. */
  async text(timeoutMs?: number): Promise<string> {
    return String((await this.reply(timeoutMs)).params.text);
  }

  async next(method: string, timeoutMs = 8_000): Promise<BotApiCall> {
    return this.world.telegram.waitForCall(method, this.mine, timeoutMs);
  }

  /** The texts of every answer to this chat's button presses so far (null: answered silently). */
  answers(): (string | null)[] {
    return this.world.telegram
      .callsTo("answerCallbackQuery", this.tenant.token)
      .filter(this.mine)
      .map((call) => (typeof call.params.text === "string" ? call.params.text : null));
  }

  /** Every sendMessage to this chat so far. */
  sent(): BotApiCall[] {
    return this.world.telegram.callsTo("sendMessage", this.tenant.token).filter(this.mine);
  }
}

/** The callback data and texts of an inline keyboard. */
export function buttons(call: BotApiCall): { text: string; data?: string; url?: string }[] {
  const markup = call.params.reply_markup as
    | { inline_keyboard?: { text: string; callback_data?: string; web_app?: { url: string } }[][] }
    | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((button) => ({
    text: button.text,
    ...(button.callback_data ? { data: button.callback_data } : {}),
    ...(button.web_app ? { url: button.web_app.url } : {}),
  }));
}

/** The texts of a reply keyboard. */
export function keys(call: BotApiCall): string[] {
  const markup = call.params.reply_markup as { keyboard?: ({ text: string } | string)[][] } | undefined;
  return (markup?.keyboard ?? []).flat().map((key) => (typeof key === "string" ? key : key.text));
}

export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}
