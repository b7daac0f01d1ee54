// The registered guest's menu, end to end through the polling bot: card, QR, history with
// paging, levels, settings, invite link, and what the bot says to things it does not expect.
import { accruePoints, identifyGuest } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotRegistry } from "../src/registry.ts";
import type { UploadedFile } from "../src/testing/index.ts";
import {
  type BotTenant,
  type BotWorld,
  buttons,
  Chat,
  createBotTenant,
  createBotWorld,
  keys,
  MINIAPP_URL,
  registerGuest,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let registry: BotRegistry;

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  registry = world.registry();
  await registry.reconcile();
});

afterAll(async () => {
  await world.close();
});

let phoneSerial = 0;
async function registered(name = "Анна", language = "ru"): Promise<{ chat: Chat; guestId: string }> {
  const chat = new Chat(world, tenant, telegramUser(name, language));
  phoneSerial += 1;
  const guestId = await registerGuest(world, tenant, chat.user, `+7999200${String(phoneSerial).padStart(4, "0")}`);
  return { chat, guestId };
}

const accrue = (guestId: string, amountMinor: bigint, key: string) =>
  accruePoints(world.engine, {
    tenantId: tenant.id,
    actor: { source: "cashier", staffId: tenant.staff.cashier, role: "cashier" },
    idempotencyKey: key,
    input: { guestId, amountMinor, currency: "RUB" },
  });

describe("guest menu", () => {
  it("shows the card with balance, level, progress and the Mini App button", async () => {
    const { chat } = await registered();
    chat.send("💳 Карта");
    const card = await chat.reply();
    expect(card.params.parse_mode).toBe("HTML");
    expect(String(card.params.text).split("\n")).toEqual([
      "<b>Зерно</b>",
      "Баланс: <b>100 баллов</b>",
      "Уровень: <b>Бронза</b>, 5% баллами",
      "До уровня «Серебро» осталось потратить 10 000 ₽",
      "▱▱▱▱▱▱▱▱▱▱",
      expect.stringMatching(/^100 баллов сгорят \d+ [а-я]+$/),
    ]);
    expect(buttons(card)).toContainEqual({ text: "Открыть карту", url: `${MINIAPP_URL}/?tenant=${tenant.slug}` });
    expect(
      buttons(card)
        .map((button) => button.data)
        .filter(Boolean),
    ).toEqual(["menu:qr", "menu:history", "menu:levels", "menu:settings"]);
  });

  it("sends a QR image with the 6-digit code, and replaces both on refresh", async () => {
    const { chat, guestId } = await registered();
    chat.send("/qr");
    const photo = await chat.next("sendPhoto");
    const file = photo.params.photo as UploadedFile;
    expect(file.filename).toBe("qr.png");
    expect(file.size).toBeGreaterThan(500);
    const code = /<b>(\d{6})<\/b>/.exec(String(photo.params.caption))?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    expect(buttons(photo)).toEqual([{ text: "🔄 Обновить", data: "qr:refresh" }]);

    chat.press(photo, "qr:refresh");
    const edited = await chat.next("editMessageMedia");
    const media = edited.params.media as { type: string; caption: string };
    expect(media.type).toBe("photo");
    const fresh = /<b>(\d{6})<\/b>/.exec(media.caption)?.[1] ?? "";
    expect(fresh).toMatch(/^\d{6}$/);
    expect(fresh).not.toBe(code);
    // The old code no longer finds anyone; the new one finds this guest, once.
    await expect(identifyGuest(world.engine, tenant.id, { code })).rejects.toThrow();
    expect((await identifyGuest(world.engine, tenant.id, { code: fresh })).id).toBe(guestId);
  });

  it("pages through the history ten entries at a time", async () => {
    const { chat, guestId } = await registered();
    for (let index = 1; index <= 11; index++)
      await accrue(guestId, BigInt(index) * 10_000n, `history-${guestId}-${index}`);
    chat.send("🧾 История");
    const first = await chat.reply();
    const lines = String(first.params.text).split("\n");
    expect(lines[0]).toBe("<b>История</b>");
    expect(lines).toHaveLength(11);
    // Till checks are booked at the business's only restaurant, so the history says where.
    expect(lines[1]).toMatch(/ · \+55 · начисление, Зал на Тверской$/);
    expect(buttons(first)).toEqual([
      { text: "Раньше →", data: expect.stringMatching(/^history:[0-9a-z]+\.[0-9a-z]+$/) },
    ]);

    chat.press(first, buttons(first)[0]?.data ?? "");
    const second = await chat.reply();
    const rest = String(second.params.text).split("\n");
    // The eleventh purchase's neighbour and the welcome bonus are what is left.
    expect(rest.slice(1)).toEqual([
      expect.stringMatching(/ · \+5 · начисление, Зал на Тверской$/),
      expect.stringMatching(/ · \+100 · бонус$/),
    ]);
    expect(buttons(second)).toEqual([]);
  });

  it("says so when there is no history yet", async () => {
    const quiet = await createBotTenant(world, { welcomeBonusPoints: 0 });
    await registry.reconcile();
    const chat = new Chat(world, quiet, telegramUser("Ян"));
    await registerGuest(world, quiet, chat.user, "+79992999999");
    chat.send("/history");
    expect(await chat.text()).toBe("<b>История</b>\nПока операций нет. Баллы появятся после первой покупки.");
  });

  it("lists the levels with the guest's own marked", async () => {
    const { chat } = await registered();
    chat.send("/levels");
    expect((await chat.text()).split("\n")).toEqual([
      "<b>Уровни</b> (траты за 365 дн.)",
      "★ Бронза: от 0 ₽, 5% баллами",
      "· Серебро: от 10 000 ₽, 7% баллами",
      "Ваши траты: 0 ₽",
    ]);
  });

  it("switches the language and notifications from settings", async () => {
    const { chat, guestId } = await registered();
    chat.send("⚙️ Настройки");
    const settings = await chat.reply();
    expect(String(settings.params.text)).toBe("<b>Настройки</b>\nЯзык: русский\nУведомления: включены");
    chat.press(settings, "settings:lang:en");
    const answered = await chat.next("editMessageText");
    expect(answered.params.text).toBe("<b>Settings</b>\nLanguage: English\nNotifications: on");
    const menu = await chat.reply();
    expect(menu.params.text).toBe("Choose what to show in the menu below.");
    expect(keys(menu)).toContain("💳 Card");

    chat.press(settings, "settings:notify:off");
    expect((await chat.next("editMessageText")).params.text).toBe(
      "<b>Settings</b>\nLanguage: English\nNotifications: off",
    );
    const guest = await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: guestId } } }),
    );
    expect(guest).toMatchObject({ locale: "en", notificationsEnabled: false });
    // The English keyboard's buttons work too.
    chat.send("💳 Card");
    expect(await chat.text()).toMatch(/^<b>Зерно<\/b>\nBalance: <b>100 points<\/b>/);
  });

  it("gives an invite link that credits the inviter as referrer", async () => {
    const { chat, guestId } = await registered();
    chat.send("🤝 Пригласить друга");
    const text = await chat.text();
    const link = /https:\/\/t\.me\/\S+\?start=(ref_[a-z0-9]+)/.exec(text);
    expect(link?.[0]).toContain(tenant.fake.info.username);
    const friend = new Chat(world, tenant, telegramUser("Дина"));
    friend.start(link?.[1]);
    expect(await friend.text()).toMatch(/^Добро пожаловать/);
    const row = await tenant.guestByTelegram(friend.user.id);
    const saved = await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: row?.id ?? "" } } }),
    );
    expect(saved.referredById).toBe(guestId);
  });

  it("answers strangers, stickers, stray text and stale buttons helpfully", async () => {
    const stranger = new Chat(world, tenant, telegramUser("Гость"));
    stranger.send("/card");
    expect(await stranger.text()).toBe("Сначала заведём карту: /start.");

    const { chat } = await registered();
    chat.sticker();
    expect(await chat.text()).toMatch(/^Красивый стикер!/);
    chat.send("сколько у меня баллов?");
    expect(await chat.text()).toBe("Я понимаю команды и кнопки меню. Посмотрите /help.");
    chat.send("/cancel");
    expect(await chat.text()).toBe("Сейчас нечего отменять.");
    chat.send("/help");
    expect(await chat.text()).toMatch(/^Команды:\n\/card/);
    chat.send("/till");
    expect(await chat.text()).toBe("Эта команда только для сотрудников, подключённых к боту.");
    chat.send("/card");
    const card = await chat.reply();
    chat.press(card, "till:confirm");
    const answer = await chat.next("answerCallbackQuery");
    expect(answer.params.text).toBe("Эта кнопка устарела.");
  });
});
