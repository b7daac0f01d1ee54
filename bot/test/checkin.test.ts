// Check-in at the door end to end: a cashier linked by invite runs /checkin, picks today's event
// (only today's, only when there are several), and identifies guests as at the till. A registered
// guest is marked with the attendance bonus once; a repeat, a guest without a place and a stranger
// to the bot each get their own answer; /cancel leaves.
import { createEvent, createStaffTelegramInvite, currentGuestTokens, publishEvent, registerForEvent } from "@maxl/api";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDay } from "../src/conversations/checkin.ts";
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
let cashier: Chat;

// Noon in Moscow (the tenant's time zone): the evening's event is today, tomorrow's is not.
const NOON = new Date("2026-12-05T09:00:00Z");
const HOUR = 3_600_000;
const manager = () => ({ source: "admin" as const, staffId: tenant.staff.manager, role: "manager" as const });

async function publishedEvent(title: string, startsAt: Date, bonus = 0) {
  const created = await createEvent(world.engine, {
    tenantId: tenant.id,
    actor: manager(),
    input: {
      restaurantId: tenant.restaurantId,
      title,
      description: "",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * HOUR).toISOString(),
      capacity: 20,
      minLevelId: null,
      pricePoints: 0,
      attendanceBonusPoints: bonus,
      registrationDeadline: null,
    },
  });
  return publishEvent(world.engine, { tenantId: tenant.id, actor: manager(), eventId: created.id });
}

let phoneSerial = 0;
async function guest(name: string): Promise<{ id: string; phone: string }> {
  phoneSerial += 1;
  const phone = `+7999500${String(phoneSerial).padStart(4, "0")}`;
  const id = await registerGuest(world, tenant, telegramUser(name), phone);
  return { id, phone };
}

const register = (eventId: string, guestId: string) =>
  registerForEvent(world.engine, { tenantId: tenant.id, guestId, eventId, idempotencyKey: `reg-${guestId}` });

beforeAll(async () => {
  world = await createBotWorld();
  world.clock.now = NOON;
  tenant = await createBotTenant(world);
  registry = world.registry();
  await registry.reconcile();
  cashier = new Chat(world, tenant, telegramUser("Ольга"));
  const link = await createStaffTelegramInvite(world.engine, {
    tenantId: tenant.id,
    actor: { source: "admin", staffId: tenant.staff.manager, role: "manager" },
    staffId: tenant.staff.cashier,
  });
  cashier.start(`inv_${link.token}`);
  expect(keys(await cashier.reply())).toEqual(expect.arrayContaining(["/till", "/checkin"]));
});

afterAll(async () => {
  await world.close();
});

describe("check-in at the door", () => {
  it("knows the tenant's day: midnight to midnight in Moscow", () => {
    expect(localDay(NOON, "Europe/Moscow")).toEqual({
      from: new Date("2026-12-04T21:00:00Z"),
      to: new Date("2026-12-05T21:00:00Z"),
    });
    // Just after midnight in Moscow it is already the next day there.
    expect(localDay(new Date("2026-12-05T21:30:00Z"), "Europe/Moscow").from).toEqual(new Date("2026-12-05T21:00:00Z"));
  });

  it("says so when there is nothing to check in at today", async () => {
    await publishedEvent("Завтрашний бранч", new Date(NOON.getTime() + 24 * HOUR));
    cashier.send("/checkin");
    expect(await cashier.text()).toBe("Сегодня нет событий, на которых можно отмечать гостей.");
  });

  it("checks a registered guest in once with the bonus, and refuses guests without a place", async () => {
    const evening = await publishedEvent("Винный вечер", new Date(NOON.getTime() + 7 * HOUR), 50);
    const anna = await guest("Анна");
    await register(evening.id, anna.id);
    const boris = await guest("Борис");

    cashier.send("/checkin");
    // The only event today: no question which.
    const prompt = await cashier.reply();
    expect(prompt.params.text).toBe(
      "«Винный вечер»: код гостя из 6 цифр, телефон или QR. Отмечайте гостей одного за другим; закончить — «Отмена» или /cancel.",
    );
    expect(keys(prompt)).toEqual(["📷 Сканировать QR", "Отмена"]);

    const tokens = await currentGuestTokens(world.engine, tenant.id, anna.id);
    cashier.send(tokens.code.code);
    expect(await cashier.text()).toBe("✅ Анна — отметили (+50 баллов)");
    expect(await tenant.balance(anna.id)).toBe(150);

    cashier.send(anna.phone);
    expect(await cashier.text()).toBe("Анна — уже отметили в 12:00.");
    expect(await tenant.balance(anna.id)).toBe(150);

    cashier.send(boris.phone);
    expect(await cashier.text()).toBe("Борис не записан(а) на это событие.");
    cashier.send("12");
    expect(await cashier.text()).toBe(
      "Это не код и не телефон. Пришлите 6 цифр кода, номер телефона или отсканируйте QR.",
    );

    cashier.send("/cancel");
    expect(await cashier.text()).toBe("Отметка гостей закончена.");
    const checkedIn = await world.db.withTenant(tenant.id, (tx) =>
      tx.eventRegistration.findMany({ where: { eventId: evening.id }, select: { guestId: true, checkedInAt: true } }),
    );
    expect(checkedIn).toEqual([{ guestId: anna.id, checkedInAt: NOON }]);
  });

  it("asks which event when there are several today, and a scanned QR works as at the till", async () => {
    const lunch = await publishedEvent("Бизнес-ланч с шефом", new Date(NOON.getTime() + 1 * HOUR));
    const vera = await guest("Вера");
    await register(lunch.id, vera.id);

    cashier.send("/checkin");
    const question = await cashier.reply();
    expect(question.params.text).toBe("На каком событии отмечаем гостей?");
    const options = buttons(question);
    expect(options.map((option) => option.text)).toEqual([
      "13:00 · Бизнес-ланч с шефом",
      "19:00 · Винный вечер",
      "Отмена",
    ]);
    cashier.press(question, options[0]?.data ?? "");
    expect(await cashier.text()).toMatch(/^«Бизнес-ланч с шефом»: код гостя/);

    const tokens = await currentGuestTokens(world.engine, tenant.id, vera.id);
    cashier.scanned(JSON.stringify({ qrToken: tokens.qr.token }));
    expect(await cashier.text()).toBe("✅ Вера — отметили");

    cashier.send("Отмена");
    expect(await cashier.text()).toBe("Отметка гостей закончена.");
  });

  it("says politely when the door is not open yet: 12 hours before the start", async () => {
    const party = await publishedEvent("Ночная вечеринка", new Date(NOON.getTime() + 11 * HOUR + 30 * 60_000));
    const gleb = await guest("Глеб");
    await register(party.id, gleb.id);
    world.clock.now = new Date(NOON.getTime() - 3 * HOUR); // 09:00 in Moscow, 14.5 hours before
    try {
      cashier.send("/checkin");
      const question = await cashier.reply();
      const option = buttons(question).find((button) => button.text === "23:30 · Ночная вечеринка");
      cashier.press(question, option?.data ?? "");
      expect(await cashier.text()).toMatch(/^«Ночная вечеринка»: код гостя/);
      cashier.send(gleb.phone);
      expect(await cashier.text()).toBe(
        "Отмечать гостей на этом событии пока рано: отметка открывается за 12 часов до начала.",
      );
      cashier.send("/cancel");
      expect(await cashier.text()).toBe("Отметка гостей закончена.");
    } finally {
      world.clock.now = NOON;
    }
  });

  it("tells the cashier when the attendance bonus is not credited because the plan is restricted", async () => {
    // a business whose trial (500 guests) ran out unpaid, and a guest who joined beyond it
    const restricted = await createBotTenant(world, { name: "Ограниченный" });
    await registry.reconcile();
    const door = new Chat(world, restricted, telegramUser("Пётр"));
    const invite = await createStaffTelegramInvite(world.engine, {
      tenantId: restricted.id,
      actor: { source: "admin", staffId: restricted.staff.manager, role: "manager" },
      staffId: restricted.staff.cashier,
    });
    door.start(`inv_${invite.token}`);
    await door.reply();
    await world.db.withTenant(restricted.id, async (tx) => {
      await tx.guest.createMany({
        data: Array.from({ length: 500 }, () => ({ tenantId: restricted.id, id: uuidv7() })),
      });
      await tx.subscription.create({
        data: {
          tenantId: restricted.id,
          planId: "trial",
          status: "restricted",
          currentPeriodStart: new Date(NOON.getTime() - 30 * 24 * HOUR),
          currentPeriodEnd: new Date(NOON.getTime() - 16 * 24 * HOUR),
        },
      });
    });
    const created = await createEvent(world.engine, {
      tenantId: restricted.id,
      actor: { source: "admin", staffId: restricted.staff.manager, role: "manager" },
      input: {
        restaurantId: restricted.restaurantId,
        title: "Дегустация",
        description: "",
        startsAt: new Date(NOON.getTime() + 6 * HOUR).toISOString(),
        endsAt: new Date(NOON.getTime() + 8 * HOUR).toISOString(),
        capacity: 20,
        minLevelId: null,
        pricePoints: 0,
        attendanceBonusPoints: 50,
        registrationDeadline: null,
      },
    });
    await publishEvent(world.engine, {
      tenantId: restricted.id,
      actor: { source: "admin", staffId: restricted.staff.manager, role: "manager" },
      eventId: created.id,
    });
    phoneSerial += 1;
    const phone = `+7999600${String(phoneSerial).padStart(4, "0")}`;
    const vika = await registerGuest(world, restricted, telegramUser("Вика"), phone);
    await registerForEvent(world.engine, {
      tenantId: restricted.id,
      guestId: vika,
      eventId: created.id,
      idempotencyKey: `reg-${vika}`,
    });

    door.send("/checkin");
    await door.reply();
    door.send(phone);
    expect(await door.text()).toBe(
      "✅ Вика — отметили. 50 баллов за участие не начислены: гость присоединился сверх лимита гостей тарифа, а тариф не оплачен или закончился. Владелец может оплатить в разделе «Оплата» панели управления.",
    );
    expect(await restricted.balance(vika)).toBe(0);
    door.send("/cancel");
    await door.reply();
  });

  it("is for staff only", async () => {
    const stranger = new Chat(world, tenant, telegramUser("Гость"));
    stranger.send("/checkin");
    expect(await stranger.text()).toBe("Эта команда только для сотрудников, подключённых к боту.");
  });
});
