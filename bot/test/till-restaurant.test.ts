// The cashier's restaurant in the bot: a cashier of several restaurants is asked once a shift,
// the answer is remembered and books every operation there, "Change restaurant" and /restaurant
// ask again; a cashier limited to one restaurant is never asked.
import { createStaffTelegramInvite } from "@maxl/api";
import { uuidv7 } from "uuidv7";
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
  registerGuest,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let registry: BotRegistry;
let terraceId: string;

async function linked(staffId: string, name: string): Promise<Chat> {
  const link = await createStaffTelegramInvite(world.engine, {
    tenantId: tenant.id,
    actor: { source: "admin", staffId: tenant.staff.manager, role: "manager" },
    staffId,
  });
  const chat = new Chat(world, tenant, telegramUser(name));
  chat.start(`inv_${link.token}`);
  expect(await chat.text()).toMatch(/^Готово/);
  return chat;
}

let phoneSerial = 0;
async function guestPhone(): Promise<string> {
  phoneSerial += 1;
  const phone = `+7999410${String(phoneSerial).padStart(4, "0")}`;
  await registerGuest(world, tenant, telegramUser("Анна"), phone);
  return phone;
}

/** Identifies a guest by phone, accrues on 1000 ₽ and returns where the check was booked. */
async function accrueBy(chat: Chat, phone: string): Promise<string | null> {
  chat.send(phone);
  expect(await chat.text()).toMatch(/^Гость: <b>Анна<\/b>/);
  expect(await chat.text()).toMatch(/^Сумма чека\?/);
  chat.send("1000");
  chat.press(await chat.reply(), "till:accrue");
  chat.press(await chat.reply(), "till:confirm");
  expect(await chat.text()).toMatch(/^✅ Начислено 50 баллов/);
  const checks = await world.db.withTenant(tenant.id, (tx) =>
    tx.check.findMany({
      where: { tenantId: tenant.id, guest: { phone } },
      select: { restaurantId: true },
    }),
  );
  expect(checks).toHaveLength(1);
  return checks[0]?.restaurantId ?? null;
}

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  terraceId = uuidv7();
  await world.db.withTenant(tenant.id, (tx) =>
    tx.restaurant.create({ data: { tenantId: tenant.id, id: terraceId, name: "Веранда" } }),
  );
  registry = world.registry();
  await registry.reconcile();
});

afterAll(async () => {
  await world.close();
});

describe("the cashier's restaurant", () => {
  it("asks a cashier of several restaurants once, remembers it, and changes it on request", async () => {
    const manager = await linked(tenant.staff.manager, "Игорь");

    manager.send("/till");
    const question = await manager.reply();
    expect(question.params.text).toBe("В каком ресторане вы сейчас работаете? Бот запомнит выбор на эту смену.");
    expect(buttons(question)).toEqual([
      { text: "Зал на Тверской", data: "till:at:0" },
      { text: "Веранда", data: "till:at:1" },
      { text: "Отмена", data: "till:cancel" },
    ]);
    manager.press(question, "till:at:1");
    expect(await manager.text()).toBe(
      "Ресторан: Веранда. Чтобы сменить его, нажмите «Сменить ресторан» или отправьте /restaurant.",
    );
    const ask = await manager.reply();
    expect(String(ask.params.text).split("\n")[0]).toBe("Ресторан: Веранда");
    expect(keys(ask)).toContain("🏠 Сменить ресторан");
    expect(await accrueBy(manager, await guestPhone())).toBe(terraceId);

    // The next check of the shift: no question, the same restaurant.
    manager.send("/till");
    expect(String((await manager.reply()).params.text).split("\n")[0]).toBe("Ресторан: Веранда");
    expect(await accrueBy(manager, await guestPhone())).toBe(terraceId);

    // "Change restaurant" asks again and remembers the new answer.
    manager.send("/till");
    await manager.reply();
    manager.send("🏠 Сменить ресторан");
    const again = await manager.reply();
    expect(again.params.text).toMatch(/^В каком ресторане/);
    manager.press(again, "till:at:0");
    expect(await manager.text()).toMatch(/^Ресторан: Зал на Тверской\./);
    expect(String((await manager.reply()).params.text).split("\n")[0]).toBe("Ресторан: Зал на Тверской");
    expect(await accrueBy(manager, await guestPhone())).toBe(tenant.restaurantId);
    manager.send("/till");
    expect(String((await manager.reply()).params.text).split("\n")[0]).toBe("Ресторан: Зал на Тверской");
    manager.send("Отмена");
    expect(await manager.text()).toMatch(/^Чек отменён/);

    // /restaurant asks even with a remembered choice.
    manager.send("/restaurant");
    const asked = await manager.reply();
    expect(asked.params.text).toMatch(/^В каком ресторане/);
    manager.press(asked, "till:at:1");
    expect(await manager.text()).toMatch(/^Ресторан: Веранда\./);
    expect(String((await manager.reply()).params.text).split("\n")[0]).toBe("Ресторан: Веранда");
    manager.send("Отмена");
    expect(await manager.text()).toMatch(/^Чек отменён/);
  });

  it("never asks a cashier limited to one restaurant, and books there", async () => {
    await world.db.withTenant(tenant.id, (tx) =>
      tx.staffRestaurant.create({
        data: { tenantId: tenant.id, staffId: tenant.staff.cashier, restaurantId: terraceId },
      }),
    );
    const cashier = await linked(tenant.staff.cashier, "Ольга");
    cashier.send("/till");
    const ask = await cashier.reply();
    expect(ask.params.text).toBe("Введите 6-значный код гостя или номер телефона, либо отсканируйте QR-код.");
    expect(keys(ask)).not.toContain("🏠 Сменить ресторан");
    expect(await accrueBy(cashier, await guestPhone())).toBe(terraceId);
    const audit = await world.db.withTenant(tenant.id, (tx) =>
      tx.auditLogEntry.findMany({
        where: { tenantId: tenant.id, action: "till.accrual", actorStaffId: tenant.staff.cashier },
      }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.changes).toMatchObject({ channel: "bot", restaurantId: terraceId, earned: 50 });
  });
});
