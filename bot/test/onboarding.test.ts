// A guest's first minutes with a tenant's bot, end to end: the registry polls the fake Telegram,
// the conversation keeps its state in Redis, every answer is written by the real verbs.
import { accruePoints } from "@maxl/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotRegistry } from "../src/registry.ts";
import {
  type BotTenant,
  type BotWorld,
  buttons,
  Chat,
  createBotTenant,
  createBotWorld,
  keys,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let registry: BotRegistry;

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  registry = world.registry();
  const report = await registry.reconcile();
  expect(report.started.map((bot) => bot.tenantId)).toContain(tenant.id);
});

afterAll(async () => {
  await world.close();
});

/** Walks a new guest to the phone question; returns the chat. */
async function upToPhone(chat: Chat): Promise<void> {
  chat.start();
  expect(await chat.text()).toContain("«Зерно»");
  const consent = await chat.reply();
  chat.press(consent, "consent:yes");
  expect(await chat.text()).toBe("Как к вам обращаться?");
  chat.send("Анна");
  const phone = await chat.reply();
  expect(phone.params.text).toMatch(/номером телефона/);
}

describe("guest onboarding", () => {
  it("asks consent, name, phone and birthday, then opens the card with the welcome bonus", async () => {
    const chat = new Chat(world, tenant, telegramUser("Анна"));
    chat.start("ref_nosuchcode");
    expect(await chat.text()).toBe(
      "Добро пожаловать в программу лояльности «Зерно»! Здесь копятся баллы за визиты, а ими можно оплатить часть следующего счёта.",
    );
    const consent = await chat.reply();
    expect(consent.params.text).toContain("https://cafe.example.test/privacy");
    expect(buttons(consent).map((button) => button.data)).toEqual(["consent:yes", "consent:no"]);

    // Typing instead of pressing a button gets a hint, not a crash.
    chat.send("да");
    expect(await chat.text()).toMatch(/Нажмите «✅ Согласен»/);
    chat.press(consent, "consent:yes");

    const nameQuestion = await chat.reply();
    expect(nameQuestion.params.text).toBe("Как к вам обращаться?");
    expect(buttons(nameQuestion)).toEqual([{ text: "Меня зовут Анна", data: "name:telegram" }]);
    chat.sticker();
    expect(await chat.text()).toMatch(/Напишите имя текстом/);
    chat.send("<script>");
    expect(await chat.text()).toMatch(/^Не похоже на имя/);
    expect(await chat.text()).toBe("Как к вам обращаться?");
    chat.send("Анна Петрова");

    const phoneQuestion = await chat.reply();
    expect(keys(phoneQuestion)).toEqual(["📱 Отправить мой номер"]);
    expect(phoneQuestion.params.reply_markup).toMatchObject({ keyboard: [[{ request_contact: true }]] });
    chat.send("+7 999 123-45-67");
    expect(await chat.text()).toMatch(/Нажмите кнопку «📱 Отправить мой номер»/);
    // A contact card of somebody else carries their user id (or none): refused.
    chat.contact({ user_id: chat.user.id + 1, phone_number: "79990000001" });
    expect(await chat.text()).toMatch(/чужой контакт/);
    expect(keys(await chat.reply())).toEqual(["📱 Отправить мой номер"]);
    chat.contact({ phone_number: "79991230001" });

    const birthdayQuestion = await chat.reply();
    expect(birthdayQuestion.params.text).toMatch(/день рождения/);
    chat.send("31.02.1990");
    expect(await chat.text()).toMatch(/Не получилось прочитать дату/);
    await chat.reply();
    chat.send("15.07.1990");

    const done = await chat.reply();
    expect(done.params.text).toBe("Готово, Анна! Ваша карта создана.\nНачислили 100 баллов в подарок за регистрацию.");
    expect(keys(done)).toContain("💳 Карта");
    expect(await chat.text()).toBe("Выберите, что показать, в меню ниже.");

    const guest = await tenant.guestByTelegram(chat.user.id);
    expect(guest?.registeredAt).toBeInstanceOf(Date);
    expect(guest?.phone).toBe("+79991230001");
    expect(await tenant.balance(guest?.id ?? "")).toBe(100);
    const saved = await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: guest?.id ?? "" } } }),
    );
    expect(saved).toMatchObject({ firstName: "Анна", lastName: "Петрова", consentVersion: "2026-01" });
    expect(saved.birthday?.toISOString().slice(0, 10)).toBe("1990-07-15");

    // /start again: the card, not a second onboarding or a second bonus.
    chat.start();
    expect(await chat.text()).toMatch(/меню/);
    expect(await chat.text()).toMatch(/Баланс: <b>100 баллов<\/b>/);
    expect(await tenant.balance(guest?.id ?? "")).toBe(100);
  });

  it("lets a guest skip the birthday and decline consent without writing anything", async () => {
    const declining = new Chat(world, tenant, telegramUser("Олег"));
    declining.start();
    await declining.reply();
    declining.press(await declining.reply(), "consent:no");
    expect(await declining.text()).toMatch(/Без согласия/);
    const row = await tenant.guestByTelegram(declining.user.id);
    expect(row?.registeredAt).toBeNull();
    const consentAt = await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: row?.id ?? "" } } }),
    );
    expect(consentAt.consentAt).toBeNull();

    const skipping = new Chat(world, tenant, telegramUser("Ира"));
    await upToPhone(skipping);
    skipping.contact({ phone_number: "+79991230002" });
    const birthday = await skipping.reply();
    skipping.press(birthday, "birthday:skip");
    expect(await skipping.text()).toBe(
      "Готово, Анна! Ваша карта создана.\nНачислили 100 баллов в подарок за регистрацию.",
    );
  });

  it("resumes where the guest stopped, after a restart and even with the chat state lost", async () => {
    const chat = new Chat(world, tenant, telegramUser("Вера"));
    await upToPhone(chat);

    // The process restarts: a new registry, the same Redis. The contact continues the conversation.
    await registry.stop();
    registry = world.registry();
    await registry.reconcile();
    chat.contact({ phone_number: "79991230003" });
    expect(await chat.text()).toMatch(/день рождения/);

    // The conversation state expires (or Redis is flushed while the process is down): /start picks
    // up from what the verbs saved.
    await registry.stop();
    expect(await world.redis.del(`${world.redisPrefix}:conv:${tenant.id}:${chat.user.id}`)).toBe(1);
    registry = world.registry();
    await registry.reconcile();
    chat.start();
    expect(await chat.text()).toMatch(/Добро пожаловать/);
    expect(await chat.text()).toMatch(/день рождения/);
    chat.send("01.01.2000");
    expect(await chat.text()).toMatch(/^Готово, Анна!/);
    const guest = await tenant.guestByTelegram(chat.user.id);
    expect(guest?.phone).toBe("+79991230003");
  });

  it("moves a new Telegram account onto the existing card with the same phone, ledger intact", async () => {
    const old = new Chat(world, tenant, telegramUser("Мария"));
    await upToPhone(old);
    old.contact({ phone_number: "79991230004" });
    old.press(await old.reply(), "birthday:skip");
    await old.reply();
    const card = await tenant.guestByTelegram(old.user.id);
    await accruePoints(world.engine, {
      tenantId: tenant.id,
      actor: { source: "cashier", staffId: tenant.staff.cashier, role: "cashier" },
      idempotencyKey: `linking-${card?.id}`,
      input: { guestId: card?.id ?? "", amountMinor: 100_000n, currency: "RUB" },
    });
    expect(await tenant.balance(card?.id ?? "")).toBe(150);

    // Maria's new phone, a new Telegram account, the same number.
    const fresh = new Chat(world, tenant, telegramUser("Маша"));
    await upToPhone(fresh);
    fresh.contact({ phone_number: "+7 (999) 123-00-04" });
    expect(await fresh.text()).toMatch(/^Нашли вашу карту/);
    expect(await fresh.text()).toMatch(/меню/);

    const moved = await tenant.guestByTelegram(fresh.user.id);
    expect(moved?.id).toBe(card?.id);
    expect(await tenant.balance(card?.id ?? "")).toBe(150);
    expect(await tenant.guestByTelegram(old.user.id)).toBeNull();
    fresh.send("🧾 История");
    const history = await fresh.text();
    expect(history).toMatch(/\+50/);
    expect(history).toMatch(/\+100/);
  });

  it("refuses a phone that belongs to a card when the new card already has points", async () => {
    const first = new Chat(world, tenant, telegramUser("Павел"));
    await upToPhone(first);
    first.contact({ phone_number: "79991230005" });
    first.press(await first.reply(), "birthday:skip");
    await first.reply();

    const second = new Chat(world, tenant, telegramUser("Павел"));
    await upToPhone(second);
    const guest = await tenant.guestByTelegram(second.user.id);
    await accruePoints(world.engine, {
      tenantId: tenant.id,
      actor: { source: "cashier", staffId: tenant.staff.cashier, role: "cashier" },
      idempotencyKey: `taken-${guest?.id}`,
      input: { guestId: guest?.id ?? "", amountMinor: 50_000n, currency: "RUB" },
    });
    second.contact({ phone_number: "79991230005" });
    expect(await second.text()).toMatch(/привязан к другой карте/);
    const after = await tenant.guestByTelegram(second.user.id);
    expect(after).toMatchObject({ id: guest?.id, phone: null, registeredAt: null });
  });

  it("stops on /cancel and continues from the saved answers on /start", async () => {
    const chat = new Chat(world, tenant, telegramUser("Лиза"));
    await upToPhone(chat);
    chat.send("/cancel");
    expect(await chat.text()).toBe("Хорошо, остановились. Продолжить можно в любой момент: /start.");
    chat.send("/card");
    expect(await chat.text()).toBe("Сначала заведём карту: /start.");
    chat.start();
    expect(await chat.text()).toMatch(/^Добро пожаловать/);
    // Consent is saved; the name is confirmed again (one tap), then the phone.
    const name = await chat.reply();
    expect(name.params.text).toBe("Как к вам обращаться?");
    chat.press(name, "name:telegram");
    expect(await chat.text()).toMatch(/номером телефона/);
  });

  it("speaks English to a guest whose Telegram is in English", async () => {
    const chat = new Chat(world, tenant, telegramUser("John", "en"));
    chat.start();
    expect(await chat.text()).toMatch(/^Welcome to the Зерно loyalty program!/);
    chat.press(await chat.reply(), "consent:yes");
    expect(await chat.text()).toBe("What should we call you?");
  });
});
