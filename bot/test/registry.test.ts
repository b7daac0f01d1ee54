// One process, every tenant's bot: bots come and go without a restart, a bot Telegram refuses
// does not hold up the others, and webhook mode checks Telegram's secret token on every call.
import { connectBot, createRedis, disconnectBot, redisReady } from "@maxl/api";
import { secretContext } from "@maxl/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchBotChanges } from "../src/bot-watcher.ts";
import { createBotRegistry } from "../src/registry.ts";
import { createBotServer } from "../src/server.ts";
import { command } from "../src/testing/index.ts";
import {
  type BotWorld,
  Chat,
  createBotTenant,
  createBotWorld,
  eventually,
  registerGuest,
  secrets,
  services,
  telegramUser,
} from "./world.ts";

let world: BotWorld;

beforeAll(async () => {
  world = await createBotWorld();
});

afterAll(async () => {
  await world.close();
});

const owner = (staffId: string) => ({ source: "admin" as const, staffId, role: "owner" as const });

describe("bot registry", () => {
  it("starts a bot connected through the API and stops a disconnected one, without a restart", async () => {
    const first = await createBotTenant(world);
    const second = await createBotTenant(world, { name: "Пекарня", connect: false });
    const registry = world.registry();
    const subscriber = createRedis({ url: services.redisUrl, kind: "queue", name: "bot-test-changes" });
    const watcher = await watchBotChanges({
      registry,
      subscriber,
      channel: `${world.redisPrefix}:bots:changed`,
      everySeconds: 3600,
      logger: world.deps.logger,
    });
    try {
      expect(registry.running().map((bot) => bot.tenantId)).toContain(first.id);
      expect(registry.running().map((bot) => bot.tenantId)).not.toContain(second.id);
      // Commands in both languages were set when the bot started.
      const commands = world.telegram.callsTo("setMyCommands", first.token);
      expect(commands.map((call) => call.params.language_code ?? null)).toEqual([null, "ru", "en"]);
      expect(commands[2]?.params.commands).toContainEqual({ command: "card", description: "Card and balance" });

      await connectBot(world.engine, {
        tenantId: second.id,
        actor: owner(second.staff.manager),
        token: second.token,
        telegramApiRoot: world.telegram.apiRoot,
        secrets,
      });
      await eventually(
        async () => registry.running().map((bot) => bot.tenantId),
        (running) => running.includes(second.id),
      );
      const guest = new Chat(world, second, telegramUser("Лев"));
      guest.start();
      expect(await guest.text()).toMatch(/«Пекарня»/);
      expect(await guest.text()).toMatch(/согласие на обработку персональных данных/);

      await disconnectBot(world.engine, { tenantId: second.id, actor: owner(second.staff.manager) });
      await eventually(
        async () => registry.running().map((bot) => bot.tenantId),
        (running) => !running.includes(second.id),
      );
      guest.send("/help");
      await expect(guest.reply(1_500)).rejects.toThrow(/No matching sendMessage/);
      // The first tenant's bot never noticed.
      const regular = new Chat(world, first, telegramUser("Ада"));
      regular.send("/help");
      expect(await regular.text()).toMatch(/^Команды:/);
    } finally {
      await watcher.stop();
      subscriber.disconnect();
      await registry.stop();
    }
  });

  it("restarts a bot whose tenant changed, and reports a bot Telegram refuses without stopping the rest", async () => {
    const healthy = await createBotTenant(world, { name: "Старое имя" });
    const revoked = await createBotTenant(world, { connect: false });
    // A token Telegram no longer knows: sealed into bot_connections, unknown to the fake.
    await world.db.withTenant(revoked.id, (tx) =>
      tx.botConnection.create({
        data: {
          tenantId: revoked.id,
          botId: BigInt(revoked.botId) + 1n,
          botUsername: "revoked_bot",
          tokenCiphertext: secrets.encrypt(
            `${BigInt(revoked.botId) + 1n}:AArevoked_revoked_revoked_revoked`,
            secretContext.botToken(revoked.id),
          ),
          webhookSecretCiphertext: secrets.encrypt("hook", secretContext.botWebhookSecret(revoked.id)),
        },
      }),
    );
    const registry = world.registry();
    const report = await registry.reconcile();
    expect(report.failed).toContainEqual({
      tenantId: revoked.id,
      botId: String(BigInt(revoked.botId) + 1n),
      reason: expect.stringMatching(/Unauthorized/),
    });
    expect(report.started.map((bot) => bot.tenantId)).toContain(healthy.id);

    await world.db.withTenant(healthy.id, (tx) =>
      tx.tenant.update({ where: { id: healthy.id }, data: { name: "Новое имя" } }),
    );
    const again = await registry.reconcile();
    expect(again.stopped.map((bot) => bot.tenantId)).toEqual([healthy.id]);
    expect(again.started.map((bot) => bot.tenantId)).toEqual([healthy.id]);
    const chat = new Chat(world, healthy, telegramUser("Ян"));
    chat.start();
    expect(await chat.text()).toMatch(/«Новое имя»/);
    // Nothing changed since: nothing restarts.
    const quiet = await registry.reconcile();
    expect(quiet.started.concat(quiet.stopped).map((bot) => bot.tenantId)).not.toContain(healthy.id);
    await registry.stop();
  });

  it("apologises in the chat when a handler fails, and keeps serving", async () => {
    const tenant = await createBotTenant(world);
    const brokenRedis = createRedis({ url: services.redisUrl, kind: "command", name: "bot-test-broken" });
    await redisReady(brokenRedis);
    brokenRedis.disconnect();
    const registry = createBotRegistry({
      platformDb: world.platformDb,
      secrets,
      // QR codes live in Redis: with the engine's connection gone, /qr fails.
      deps: { ...world.deps, engine: { ...world.engine, redis: brokenRedis } },
      redis: world.redis,
      redisPrefix: world.redisPrefix,
      apiRoot: world.telegram.apiRoot,
      mode: "polling",
      webhookBaseUrl: null,
      logger: world.deps.logger,
    });
    try {
      await registry.reconcile();
      const chat = new Chat(world, tenant, telegramUser("Ян"));
      await registerGuest(world, tenant, chat.user, "+79994000001");
      chat.send("/qr");
      expect(await chat.text()).toBe("Что-то пошло не так. Попробуйте ещё раз чуть позже.");
      chat.send("/help");
      expect(await chat.text()).toMatch(/^Команды:/);
    } finally {
      await registry.stop();
    }
  });
});

describe("webhook mode", () => {
  it("points Telegram at /telegram/<bot id> with a secret, and answers 401 to a wrong secret", async () => {
    const tenant = await createBotTenant(world);
    const registry = world.registry({ mode: "webhook" });
    await registry.reconcile();
    const webhook = world.telegram.webhookOf(tenant.token);
    expect(webhook?.url).toBe(`https://bots.example.test/telegram/${tenant.botId}`);
    expect(webhook?.allowed_updates).toEqual(["message", "callback_query"]);
    const connection = await world.db.withTenant(tenant.id, (tx) =>
      tx.botConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } }),
    );
    const secret = secrets.decrypt(connection.webhookSecretCiphertext, secretContext.botWebhookSecret(tenant.id));
    expect(webhook?.secret_token).toBe(secret);

    const server = createBotServer(registry, "webhook");
    const user = telegramUser("Вика");
    const update = tenant.fake.prepareUpdate(command(user, "start"));
    const post = (headers: Record<string, string>, botId = tenant.botId) =>
      server.request(`/telegram/${botId}`, {
        method: "POST",
        body: JSON.stringify(update),
        headers: { "content-type": "application/json", ...headers },
      });

    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "guessed" })).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret }, "42")).status).toBe(404);
    expect(world.telegram.callsTo("sendMessage", tenant.token)).toHaveLength(0);

    const accepted = await post({ "X-Telegram-Bot-Api-Secret-Token": secret });
    expect(accepted.status).toBe(200);
    const chat = new Chat(world, tenant, user);
    expect(await chat.text()).toMatch(/^Добро пожаловать в программу лояльности «Зерно»!/);

    const health = await server.request("/healthz");
    expect(await health.json()).toMatchObject({ status: "ok", mode: "webhook" });

    // Disconnected: the webhook is removed, so Telegram stops calling.
    await tenant.disconnect();
    await registry.reconcile();
    expect(world.telegram.webhookOf(tenant.token)).toBeUndefined();
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(404);
    await registry.stop();
  });
});
