// The guest's Events menu end to end through the polling bot and the real events verbs: the list,
// an event's card, registering (with the confirmation a paid event asks, and a double tap that
// pays once), the waitlist when it is full, the refusals (points, level), cancelling with the
// points returned, and the empty list of a business without events.
import { accruePoints, checkInGuest, createEvent, publishEvent, registerForEvent } from "@maxl/api";
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
  registerGuest,
  telegramUser,
} from "./world.ts";

let world: BotWorld;
let tenant: BotTenant;
let empty: BotTenant;
let registry: BotRegistry;

beforeAll(async () => {
  world = await createBotWorld();
  tenant = await createBotTenant(world);
  empty = await createBotTenant(world, { name: "Без событий" });
  registry = world.registry();
  await registry.reconcile();
});

afterAll(async () => {
  await world.close();
});

const DAY = 86_400_000;
const manager = () => ({ source: "admin" as const, staffId: tenant.staff.manager, role: "manager" as const });

/** A published event three days from now (unless said), in the tenant's restaurant. */
async function publishedEvent(fields: {
  title: string;
  capacity?: number;
  pricePoints?: number;
  minLevelId?: string | null;
  description?: string;
  startsAt?: Date;
}) {
  const startsAt = fields.startsAt ?? new Date(Date.now() + 3 * DAY);
  const created = await createEvent(world.engine, {
    tenantId: tenant.id,
    actor: manager(),
    input: {
      restaurantId: tenant.restaurantId,
      title: fields.title,
      description: fields.description ?? "",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000).toISOString(),
      capacity: fields.capacity ?? 10,
      minLevelId: fields.minLevelId ?? null,
      pricePoints: fields.pricePoints ?? 0,
      attendanceBonusPoints: 0,
      registrationDeadline: null,
    },
  });
  return publishEvent(world.engine, { tenantId: tenant.id, actor: manager(), eventId: created.id });
}

let phoneSerial = 0;
/** A registered guest with the welcome 100 points plus `extra`. */
async function guest(name: string, extra = 0, target = tenant): Promise<{ chat: Chat; guestId: string }> {
  const chat = new Chat(world, target, telegramUser(name));
  phoneSerial += 1;
  const guestId = await registerGuest(world, target, chat.user, `+7999400${String(phoneSerial).padStart(4, "0")}`);
  if (extra > 0) {
    // 5% back at the bronze level: 20 ₽ a point.
    await accruePoints(world.engine, {
      tenantId: target.id,
      actor: { source: "cashier", staffId: target.staff.cashier, role: "cashier" },
      idempotencyKey: `events-${guestId}`,
      input: { guestId, amountMinor: BigInt(extra) * 2_000n, currency: "RUB" },
    });
  }
  return { chat, guestId };
}

/** Opens the list from the menu button, then the event's card. */
async function openCard(chat: Chat, eventId: string) {
  chat.send("🎉 События");
  const list = await chat.reply();
  chat.press(list, `ev:o:${eventId}`);
  return chat.reply();
}

const registrations = (eventId: string, guestId: string) =>
  world.db.withTenant(tenant.id, (tx) =>
    tx.eventRegistration.findMany({ where: { eventId, guestId }, select: { status: true } }),
  );

describe("the guest's events", () => {
  it("lists events, opens a card, asks before taking points, and registers once on a double tap", async () => {
    const event = await publishedEvent({
      title: "Винный вечер",
      pricePoints: 300,
      description: "Пять вин <и> сыры",
    });
    const { chat, guestId } = await guest("Анна", 1_100);
    expect(keys(await sendAndReply(chat, "/start"))).toContain("🎉 События");
    await chat.reply(); // the card after the menu

    chat.send("🎉 События");
    const list = await chat.reply();
    expect(list.params.parse_mode).toBe("HTML");
    const text = String(list.params.text);
    expect(text).toContain("<b>События</b>");
    expect(text).toMatch(/🗓 \d+ [а-я]+\.?, \d\d:\d\d — <b>Винный вечер<\/b>\n {4}осталось 10 мест · 300 баллов/);
    expect(buttons(list)).toContainEqual({ text: expect.stringContaining("Винный вечер"), data: `ev:o:${event.id}` });

    chat.press(list, `ev:o:${event.id}`);
    const card = await chat.reply();
    const lines = String(card.params.text).split("\n");
    expect(lines[0]).toBe("<b>Винный вечер</b>");
    expect(lines).toContain("📍 Зал на Тверской");
    expect(lines).toContain("💳 Стоит 300 баллов");
    expect(lines).toContain("👥 осталось 10 мест");
    expect(lines).toContain("Пять вин &lt;и&gt; сыры");
    expect(buttons(card)).toEqual([
      { text: "✅ Записаться", data: `ev:r:${event.id}` },
      { text: "← Все события", data: "ev:list" },
    ]);

    chat.press(card, `ev:r:${event.id}`);
    const question = await chat.reply();
    expect(question.params.text).toBe("Стоит 300 баллов, у вас 1\u00a0200. Записаться?");
    const yes = buttons(question)[0]?.data ?? "";
    expect(yes).toMatch(new RegExp(`^ev:y:${event.id}:[0-9a-z]{10}$`));

    chat.press(question, yes);
    chat.press(question, yes);
    const done = await chat.reply();
    expect(String(done.params.text).split("\n")).toEqual([
      expect.stringMatching(/^✅ Вы записаны на «Винный вечер», \d+ [а-я]+\.?, \d\d:\d\d\. Ждём вас!$/),
      "Списано 300 баллов. Баланс: 900.",
    ]);
    // The second tap found the registration the first made: no second payment, no second message.
    await eventually(
      async () => chat.answers().length,
      (count) => count >= 4,
    );
    expect(await tenant.balance(guestId)).toBe(900);
    expect(await registrations(event.id, guestId)).toEqual([{ status: "registered" }]);

    // The card now says so and offers the cancellation, which gives the points back.
    const again = await openCard(chat, event.id);
    expect(String(again.params.text)).toContain("✅ Вы записаны.");
    expect(buttons(again)[0]).toEqual({ text: "❌ Отменить запись", data: `ev:c:${event.id}` });
    chat.press(again, `ev:c:${event.id}`);
    const sure = await chat.reply();
    expect(sure.params.text).toBe("Отменить запись на «Винный вечер»? Баллы вернутся на баланс.");
    chat.press(sure, `ev:x:${event.id}`);
    expect(await chat.text()).toBe("Запись на «Винный вечер» отменена.\nБаллы вернулись. Баланс: 1\u00a0200.");
    expect(await tenant.balance(guestId)).toBe(1_200);
    expect(await registrations(event.id, guestId)).toEqual([{ status: "cancelled" }]);
  });

  it("puts the guest on the waitlist when the event is full, with their place in line", async () => {
    const event = await publishedEvent({ title: "Ужин с шефом", capacity: 1 });
    const first = await guest("Борис");
    await registerForEvent(world.engine, {
      tenantId: tenant.id,
      guestId: first.guestId,
      eventId: event.id,
      idempotencyKey: `first-${first.guestId}`,
    });
    const { chat, guestId } = await guest("Вера");
    const card = await openCard(chat, event.id);
    expect(String(card.params.text)).toContain("👥 Мест нет, можно встать в лист ожидания");
    expect(buttons(card)[0]).toEqual({ text: "⏳ В лист ожидания", data: `ev:r:${event.id}` });

    chat.press(card, `ev:r:${event.id}`);
    chat.press(card, `ev:r:${event.id}`);
    expect(await chat.text()).toBe(
      "Мест нет — вы в листе ожидания, 1-й в очереди. Напишем, как только освободится место.",
    );
    // The double tap is told under the button, and joins nobody twice.
    const answers = await eventually(
      async () => chat.answers(),
      (texts) => texts.length >= 3,
    );
    expect(answers.at(-1)).toBe("⏳ Вы в листе ожидания, 1-й в очереди.");
    expect(await registrations(event.id, guestId)).toEqual([{ status: "waitlisted" }]);
    const after = await openCard(chat, event.id);
    expect(String(after.params.text)).toContain("⏳ Вы в листе ожидания, 1-й в очереди.");
    expect(buttons(after)[0]).toEqual({ text: "❌ Выйти из листа ожидания", data: `ev:c:${event.id}` });
  });

  it("says what is missing: points for a paid event, the level for a members' evening", async () => {
    const paid = await publishedEvent({ title: "Дегустация", pricePoints: 500 });
    const { chat, guestId } = await guest("Глеб");
    chat.press(await openCard(chat, paid.id), `ev:r:${paid.id}`);
    expect(await chat.text()).toBe("Не хватает баллов: событие стоит 500 баллов, у вас 100.");
    expect(await registrations(paid.id, guestId)).toEqual([]);
    expect(await tenant.balance(guestId)).toBe(100);

    const silver = await world.db.withTenant(tenant.id, (tx) =>
      tx.level.findFirstOrThrow({ where: { name: "Серебро" }, select: { id: true } }),
    );
    const members = await publishedEvent({ title: "Вечер для своих", minLevelId: silver.id });
    const card = await openCard(chat, members.id);
    expect(String(card.params.text)).toContain("🏆 Для гостей уровня «Серебро» и выше");
    chat.press(card, `ev:r:${members.id}`);
    expect(await chat.text()).toBe("Это событие для гостей уровня «Серебро» и выше.");
    expect(await registrations(members.id, guestId)).toEqual([]);
  });

  it("a guest checked in at the door who taps an old Cancel button is told why not, and keeps the place", async () => {
    const event = await publishedEvent({ title: "Бранч", startsAt: new Date(Date.now() + 2 * 3600_000) });
    const { chat, guestId } = await guest("Жанна");
    await registerForEvent(world.engine, {
      tenantId: tenant.id,
      guestId,
      eventId: event.id,
      idempotencyKey: `brunch-${guestId}`,
    });
    const card = await openCard(chat, event.id);
    expect(buttons(card)[0]).toEqual({ text: "❌ Отменить запись", data: `ev:c:${event.id}` });
    chat.press(card, `ev:c:${event.id}`);
    const sure = await chat.reply();
    // Meanwhile the guest arrives and is checked in at the door.
    await checkInGuest(world.engine, {
      tenantId: tenant.id,
      actor: { source: "cashier", staffId: tenant.staff.cashier, role: "cashier" },
      eventId: event.id,
      input: { guestId },
    });
    chat.press(sure, `ev:x:${event.id}`);
    expect(await chat.text()).toBe("Вас уже отметили на этом событии, отменить запись нельзя.");
    expect(await registrations(event.id, guestId)).toEqual([{ status: "registered" }]);
  });

  it("says there are no events yet, and never shows another business's", async () => {
    const { chat } = await guest("Дина", 0, empty);
    chat.send("/events");
    expect(await chat.text()).toBe("Пока нет событий. Мы напишем, когда появятся.");
  });

  it("answers in English for an English-speaking guest", async () => {
    await publishedEvent({ title: "Jazz night" });
    const chat = new Chat(world, tenant, telegramUser("Eve", "en"));
    phoneSerial += 1;
    await registerGuest(world, tenant, chat.user, `+7999400${String(phoneSerial).padStart(4, "0")}`);
    chat.send("🎉 Events");
    const list = String((await chat.reply()).params.text);
    expect(list).toContain("<b>Events</b>");
    expect(list).toMatch(/<b>Jazz night<\/b>\n {4}10 places left · free/);
  });
});

async function sendAndReply(chat: Chat, text: string) {
  chat.send(text);
  return chat.reply();
}
