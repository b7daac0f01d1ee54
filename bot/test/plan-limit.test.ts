// A restricted plan at the till (issue #8): the cashier is told, in their language, why a guest
// who joined beyond the plan's guest limit earns nothing and what the owner can do, instead of a
// bare error; the guest's points stay spendable.

import { createStaffTelegramInvite } from "@maxl/api";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BotTenant,
  type BotWorld,
  Chat,
  createBotTenant,
  createBotWorld,
  registerGuest,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let cashier: Chat;

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  await world.registry().reconcile();
  cashier = new Chat(world, tenant, telegramUser("Ольга"));
  const link = await createStaffTelegramInvite(world.engine, {
    tenantId: tenant.id,
    actor: { source: "admin", staffId: tenant.staff.manager, role: "manager" },
    staffId: tenant.staff.cashier,
  });
  cashier.start(`inv_${link.token}`);
  await cashier.reply();
});

afterAll(async () => {
  await world.close();
});

describe("a restricted plan at the till", () => {
  it("explains to the cashier why a guest beyond the plan's limit earns nothing", async () => {
    // The trial allows 500 guests: 500 joined earlier, Anna joins after them.
    await world.db.withTenant(tenant.id, (tx) =>
      tx.guest.createMany({ data: Array.from({ length: 500 }, () => ({ tenantId: tenant.id, id: uuidv7() })) }),
    );
    const now = Date.now();
    await world.db.withTenant(tenant.id, (tx) =>
      tx.subscription.create({
        data: {
          tenantId: tenant.id,
          planId: "trial",
          status: "restricted",
          currentPeriodStart: new Date(now - 30 * 86_400_000),
          currentPeriodEnd: new Date(now - 16 * 86_400_000),
          graceUntil: new Date(now - 9 * 86_400_000),
        },
      }),
    );
    // After the restriction: the welcome bonus consults the same (briefly cached) gate as the till.
    await registerGuest(world, tenant, telegramUser("Анна"), "+79993990001");

    cashier.send("/till");
    await cashier.reply();
    cashier.send("+7 999 399-00-01");
    expect(await cashier.text()).toMatch(/^Гость: <b>Анна<\/b>/);
    expect(await cashier.text()).toMatch(/^Сумма чека\?/);
    cashier.send("1000");
    const quote = await cashier.reply();
    cashier.press(quote, "till:accrue");
    const confirm = await cashier.reply();
    cashier.press(confirm, "till:confirm");
    expect(await cashier.text()).toBe(
      "Баллы не начислены: тариф «Trial» не оплачен или закончился, а гость присоединился сверх 500 гостей тарифа. Списывать баллы гость может как прежде. Попросите владельца оплатить или сменить тариф в панели управления (раздел «Оплата»).",
    );
  });
});
