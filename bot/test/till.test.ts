// Cashier mode end to end: a staff invite links a Telegram account, then the till conversation
// identifies guests (code, phone, scanned QR), quotes, accrues, redeems and undoes, all through
// the engine's verbs against the real database. Double taps must not double anything.
import { randomBytes } from "node:crypto";
import {
  createIntegration,
  createIntegrationInputSchema,
  createPosIntegrations,
  createStaffTelegramInvite,
  currentGuestTokens,
  processPosEvent,
  storePosEvents,
} from "@maxl/api";
import { createSecretBox } from "@maxl/db";
import { posCheckSchema } from "@maxl/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotRegistry } from "../src/registry.ts";
import {
  type BotTenant,
  type BotWorld,
  buttons,
  Chat,
  createBotTenant,
  createBotWorld,
  eventually,
  keys,
  MINIAPP_URL,
  registerGuest,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let other: BotTenant;
let registry: BotRegistry;
let cashier: Chat;

const invite = (target: BotTenant, staffId: string) =>
  createStaffTelegramInvite(world.engine, {
    tenantId: target.id,
    actor: { source: "admin", staffId: target.staff.manager, role: "manager" },
    staffId,
  });

let phoneSerial = 0;
async function guest(target = tenant): Promise<{ id: string; phone: string }> {
  phoneSerial += 1;
  const phone = `+7999300${String(phoneSerial).padStart(4, "0")}`;
  const id = await registerGuest(world, target, telegramUser("Анна"), phone);
  return { id, phone };
}

const accruals = (guestId: string) =>
  world.db.withTenant(tenant.id, (tx) => tx.loyaltyOperation.count({ where: { guestId, kind: "accrual" } }));

/** /till and the guest identified by what the cashier types; returns after the amount question. */
async function identified(input: string): Promise<void> {
  cashier.send("/till");
  await cashier.reply();
  cashier.send(input);
  expect(await cashier.text()).toMatch(/^Гость: <b>Анна<\/b>/);
  expect(await cashier.text()).toMatch(/^Сумма чека\?/);
}

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  other = await createBotTenant(world, { name: "Другое кафе" });
  registry = world.registry();
  await registry.reconcile();
  cashier = new Chat(world, tenant, telegramUser("Ольга"));
  const link = await invite(tenant, tenant.staff.cashier);
  cashier.start(`inv_${link.token}`);
  const linked = await cashier.reply();
  expect(linked.params.text).toBe("Готово, Ольга! В этом боте вам теперь доступен режим кассира: /till.");
  expect(keys(linked)).toContain("/till");
});

afterAll(async () => {
  await world.close();
});

describe("staff invites", () => {
  it("links the account once; a second use, another tenant's link or a made-up one are refused", async () => {
    const staff = await world.db.withTenant(tenant.id, (tx) =>
      tx.staffUser.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: tenant.staff.cashier } } }),
    );
    expect(staff.telegramUserId).toBe(BigInt(cashier.user.id));

    const link = await invite(tenant, tenant.staff.manager);
    const manager = new Chat(world, tenant, telegramUser("Игорь"));
    manager.start(`inv_${link.token}`);
    expect(await manager.text()).toMatch(/^Готово, Игорь!/);
    const intruder = new Chat(world, tenant, telegramUser("Чужой"));
    intruder.start(`inv_${link.token}`);
    expect(await intruder.text()).toBe("Эта ссылка-приглашение уже использована. Попросите у менеджера новую.");

    const foreign = await invite(other, other.staff.cashier);
    intruder.start(`inv_${foreign.token}`);
    expect(await intruder.text()).toBe("Эта ссылка-приглашение не подходит для этого бота.");
    intruder.start("inv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(await intruder.text()).toBe("Эта ссылка-приглашение не подходит для этого бота.");
    intruder.send("/till");
    expect(await intruder.text()).toBe("Эта команда только для сотрудников, подключённых к боту.");
    // The other tenant's invite is still unused: it works in its own bot.
    const theirs = new Chat(world, other, telegramUser("Ольга"));
    theirs.start(`inv_${foreign.token}`);
    expect(await theirs.text()).toMatch(/^Готово, Ольга!/);
  });

  it("greets a linked cashier on /start with the till, not a guest sign-up", async () => {
    cashier.start();
    expect(await cashier.text()).toBe("Здравствуйте, Ольга! Чтобы провести чек, нажмите /till.");
    const offer = await cashier.reply();
    expect(buttons(offer)).toEqual([{ text: "Открыть мою карту гостя", data: "start:guest" }]);
  });
});

describe("cashier mode", () => {
  it("accrues on a check by the guest's code; a double tap on Confirm credits once; undo restores", async () => {
    const anna = await guest();
    const tokens = await currentGuestTokens(world.engine, tenant.id, anna.id);
    const strangerTokens = await currentGuestTokens(world.engine, other.id, (await guest(other)).id);

    cashier.send("/till");
    const ask = await cashier.reply();
    expect(ask.params.text).toBe("Введите 6-значный код гостя или номер телефона, либо отсканируйте QR-код.");
    expect(ask.params.reply_markup).toMatchObject({
      keyboard: [
        [{ text: "📷 Сканировать QR", web_app: { url: `${MINIAPP_URL}/scan?tenant=${tenant.slug}` } }],
        [{ text: "Отмена" }],
      ],
    });
    cashier.send("12345");
    expect(await cashier.text()).toMatch(/^Это не код и не телефон/);
    // Another business's guest code means nothing here.
    cashier.send(strangerTokens.code.code === tokens.code.code ? "000000" : strangerTokens.code.code);
    expect(await cashier.text()).toMatch(/^Такого кода сейчас нет/);
    cashier.send(tokens.code.code.replace(/^(\d{3})/, "$1 "));
    expect((await cashier.text()).split("\n")).toEqual([
      "Гость: <b>Анна</b>",
      "Баланс: 100 баллов, доступно 100",
      "Уровень: Бронза",
    ]);

    expect(await cashier.text()).toMatch(/^Сумма чека\?/);
    cashier.send("полторы тысячи");
    expect(await cashier.text()).toMatch(/^Не похоже на сумму/);
    expect(await cashier.text()).toMatch(/^Сумма чека\?/);
    cashier.send("1 500");
    const quote = await cashier.reply();
    expect(String(quote.params.text).split("\n")).toEqual([
      "Чек на <b>1 500 ₽</b>.",
      "Баллами можно оплатить до 100 (100 ₽).",
      "Если оплатить деньгами, начислим 75 баллов.",
    ]);
    expect(buttons(quote).map((button) => button.data)).toEqual([
      "till:accrue",
      "till:redeem-max",
      "till:redeem-other",
      "till:cancel",
    ]);
    cashier.press(quote, "till:accrue");
    const confirm = await cashier.reply();
    expect(confirm.params.text).toBe("Начислить 75 баллов за чек 1 500 ₽?");

    cashier.press(confirm, "till:confirm");
    cashier.press(confirm, "till:confirm");
    const done = await cashier.reply();
    expect(done.params.text).toBe("✅ Начислено 75 баллов. Баланс гостя: 175.");
    await eventually(
      async () => cashier.answers(),
      (answers) => answers.includes("Эта кнопка устарела."),
    );
    expect(await accruals(anna.id)).toBe(1);
    expect(await tenant.balance(anna.id)).toBe(175);

    const undo = buttons(done)[0];
    expect(undo?.data).toMatch(/^undo:[0-9a-f-]{36}$/);
    cashier.press(done, undo?.data ?? "");
    const sure = await cashier.reply();
    expect(sure.params.text).toBe("Отменить эту операцию? Баллы вернутся к состоянию до неё.");
    const yes = buttons(sure)[0]?.data ?? "";
    cashier.press(sure, yes);
    cashier.press(sure, yes);
    expect(await cashier.text()).toBe("Операция отменена. Баланс гостя: 100.");
    expect(await tenant.balance(anna.id)).toBe(100);
    const refunds = await world.db.withTenant(tenant.id, (tx) =>
      tx.loyaltyOperation.count({ where: { guestId: anna.id, kind: "refund" } }),
    );
    expect(refunds).toBe(1);
    await expect(cashier.reply(1_000)).rejects.toThrow(/No matching sendMessage/);
  });

  it("redeems the most the quote allows, found by phone", async () => {
    const anna = await guest();
    await identified(anna.phone.replace("+7", "8 "));
    cashier.send("1000");
    const quote = await cashier.reply();
    cashier.press(quote, "till:redeem-max");
    const confirm = await cashier.reply();
    expect(confirm.params.text).toBe("Списать 100 баллов с чека 1 000 ₽? На остаток начислим баллы.");
    cashier.press(confirm, "till:confirm");
    expect(await cashier.text()).toBe(
      "✅ Списано баллов: 100, начислено: 45. К оплате деньгами: 900 ₽. Баланс гостя: 45.",
    );
    expect(await tenant.balance(anna.id)).toBe(45);
  });

  it("redeems a typed number of points for a guest identified by the Mini App scanner", async () => {
    const anna = await guest();
    const { qr } = await currentGuestTokens(world.engine, tenant.id, anna.id);
    cashier.send("/till");
    await cashier.reply();
    cashier.scanned("not json");
    expect(await cashier.text()).toMatch(/^Это не код и не телефон/);
    cashier.scanned(JSON.stringify({ qrToken: qr.token }));
    expect(await cashier.text()).toMatch(/^Гость: <b>Анна<\/b>/);
    await cashier.reply();
    cashier.send("500");
    cashier.press(await cashier.reply(), "till:redeem-other");
    expect(await cashier.text()).toBe("Сколько баллов списать? От 1 до 100.");
    cashier.send("150");
    expect(await cashier.text()).toBe("Нужно число от 1 до 100.");
    await cashier.reply();
    cashier.send("20");
    const confirm = await cashier.reply();
    expect(confirm.params.text).toBe("Списать 20 баллов с чека 500 ₽? На остаток начислим баллы.");
    cashier.press(confirm, "till:confirm");
    expect(await cashier.text()).toMatch(/^✅ Списано баллов: 20, начислено: 24\./);
    expect(await tenant.balance(anna.id)).toBe(104);

    // The same QR again: used up.
    cashier.send("/till");
    await cashier.reply();
    cashier.scanned(JSON.stringify({ qrToken: qr.token }));
    expect(await cashier.text()).toBe("QR-код устарел или уже использован. Попросите гостя обновить карту.");
    cashier.send("/cancel");
    expect(await cashier.text()).toBe("Чек отменён, ничего не записано.");
  });

  it("cancels with a button or /cancel and writes nothing", async () => {
    const anna = await guest();
    await identified(anna.phone);
    cashier.send("700");
    cashier.press(await cashier.reply(), "till:cancel");
    expect(await cashier.text()).toBe("Чек отменён, ничего не записано.");

    await identified(anna.phone);
    cashier.send("/cancel");
    expect(await cashier.text()).toBe("Чек отменён, ничего не записано.");
    // Out of the conversation, an amount is just a stray message.
    cashier.send("700");
    expect(await cashier.text()).toBe("Я понимаю команды и кнопки меню. Посмотрите /help.");
    expect(await accruals(anna.id)).toBe(0);
    expect(await tenant.balance(anna.id)).toBe(100);
  });

  it("leaves an old check's undo to a manager once the cashier's window has passed", async () => {
    const anna = await guest();
    await identified(anna.phone);
    cashier.send("2000");
    cashier.press(await cashier.reply(), "till:accrue");
    cashier.press(await cashier.reply(), "till:confirm");
    const done = await cashier.reply();
    world.clock.now = new Date(Date.now() + 31 * 60_000);
    try {
      cashier.press(done, buttons(done)[0]?.data ?? "");
      const sure = await cashier.reply();
      cashier.press(sure, buttons(sure)[0]?.data ?? "");
      expect(await cashier.text()).toMatch(
        /^Кассир может отменить только свою операцию в течение 30 мин\. Обратитесь к менеджеру\.$/,
      );
    } finally {
      world.clock.now = null;
    }
    expect(await tenant.balance(anna.id)).toBe(200);
  });

  it("attaches a POS check that came without a guest, picked instead of typing an amount", async () => {
    // The POS sent a 2 000 ₽ check nobody could be found for.
    const secrets = createSecretBox(randomBytes(32));
    const created = await createIntegration(world.engine, secrets, {
      tenantId: tenant.id,
      actor: { source: "admin" },
      input: createIntegrationInputSchema.parse({ kind: "generic", name: "Hall POS" }),
    });
    const integration = await createPosIntegrations(world.db, secrets).find(created.integrationId);
    if (!integration) throw new Error("the integration was not created");
    const check = posCheckSchema.parse({
      externalId: "bot-pos-1",
      type: "sale",
      amountMinor: 200_000,
      currency: "RUB",
      closedAt: new Date().toISOString(),
    });
    const stored = await storePosEvents(world.engine, integration, [
      { eventId: check.externalId, status: "accepted", check, raw: undefined },
    ]);
    const eventId = stored.stored[0]?.id ?? "";
    expect(await processPosEvent(world.engine, tenant.id, eventId, { maxAttempts: 3 })).toMatchObject({
      status: "unidentified",
    });

    const anna = await guest();
    cashier.send("/till");
    await cashier.reply();
    cashier.send(anna.phone);
    expect(await cashier.text()).toMatch(/^Гость: <b>Анна<\/b>/);
    const ask = await cashier.reply();
    expect(String(ask.params.text).split("\n")).toEqual([
      "Сумма чека? Например: 1250 или 1 250,50",
      "Или выберите чек с кассы, который гость оплатил до того, как показал код:",
    ]);
    expect(buttons(ask).map((button) => button.data)).toEqual(["till:pos:0", "till:cancel"]);
    expect(buttons(ask)[0]?.text).toMatch(/^🧾 2 000 ₽ · /);
    cashier.press(ask, "till:pos:0");
    const confirm = await cashier.reply();
    expect(confirm.params.text).toMatch(/^Привязать чек с кассы на 2 000 ₽ \(/);
    cashier.press(confirm, "till:confirm");
    cashier.press(confirm, "till:confirm");
    expect(await cashier.text()).toBe("✅ Чек привязан: начислено 100 баллов.");
    expect(await tenant.balance(anna.id)).toBe(200);
    await expect(cashier.reply(1_000)).rejects.toThrow(/No matching sendMessage/);

    // The check is no longer offered.
    cashier.send("/till");
    await cashier.reply();
    cashier.send(anna.phone);
    await cashier.text();
    const next = await cashier.reply();
    expect(buttons(next).map((button) => button.data)).toEqual(["till:cancel"]);
    cashier.press(next, "till:cancel");
    expect(await cashier.text()).toBe("Чек отменён, ничего не записано.");
  });
});
