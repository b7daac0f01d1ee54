// Broadcasts through the HTTP API: drafts checked against Telegram's HTML subset and limits, the
// audience counted with its filters, a manager limited to restaurants reaching only their guests,
// create and send idempotent, the plan's broadcasts a month counted in the tenant's time zone and
// refused past the limit, a restricted business refused, another tenant's broadcasts invisible,
// and the test message sent through the business's bot.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, startFakeTelegram } from "../../../bot/src/testing/index.ts";
import { currentSubscription } from "../../src/core/billing/current-subscription.ts";
import { createEngineDeps } from "../../src/core/context.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { putOnPlan } from "./plans.ts";
import { buildWorld, json, type World } from "./world.ts";

let telegram: FakeTelegram;
let test: TestApp;
const clock = { now: null as Date | null };
beforeAll(async () => {
  telegram = await startFakeTelegram();
  test = await createTestApp({
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, RATE_LIMIT_PER_MINUTE: "100000" },
    clock: () => clock.now ?? new Date(),
  });
});
afterAll(async () => {
  await test.close();
  await telegram.close();
});

type Role = "owner" | "admin" | "manager" | "cashier";

async function as(world: World, role: Role, path: string, init: RequestInit = {}) {
  return test.app.request(path, {
    ...init,
    headers: { Authorization: `Bearer ${await world.tokenFor(role)}`, ...init.headers },
  });
}

const post = (body: unknown, idempotencyKey: string | null = randomUUID()) =>
  json(body, idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {});

let chatSerial = 0;
interface GuestFields {
  levelName?: string;
  signupRestaurantId?: string | null;
  lastVisitAt?: Date | null;
  balance?: number;
  notifications?: boolean;
  blocked?: boolean;
  telegram?: boolean;
}

async function addGuest(world: World, fields: GuestFields = {}): Promise<{ id: string; chatId: number }> {
  const id = uuidv7();
  chatSerial += 1;
  const chatId = 7_100_000_000 + (Date.now() % 100_000) * 100 + chatSerial;
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: fields.levelName ?? "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id,
        firstName: "Guest",
        telegramUserId: fields.telegram === false ? null : BigInt(chatId),
        consentAt: new Date(),
        registeredAt: new Date(),
        levelId: level.id,
        signupRestaurantId: fields.signupRestaurantId ?? null,
        lastVisitAt: fields.lastVisitAt ?? null,
        balance: fields.balance ?? 0,
        notificationsEnabled: fields.notifications ?? true,
        botBlockedAt: fields.blocked ? new Date() : null,
      },
    });
  });
  return { id, chatId };
}

async function create(world: World, body: Record<string, unknown>, role: Role = "owner") {
  const response = await as(world, role, "/api/v1/broadcasts", post({ text: "<b>Hello</b> guests", ...body }));
  return { response, body: (await response.json()) as Record<string, unknown> & { id: string } };
}

async function businessOnPlan(planId = "chain", timeZone = "Europe/Moscow") {
  const world = await buildWorld(test);
  await putOnPlan(test, world.tenantId, planId);
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.tenant.update({ where: { id: world.tenantId }, data: { timeZone } }),
  );
  return world;
}

describe("broadcast drafts", () => {
  it("refuse text Telegram would refuse, naming the field, and keep what it accepts", async () => {
    const world = await businessOnPlan();
    const bad = [
      { text: "<b>unclosed", message: /never closed/ },
      { text: "<script>x</script>", message: /does not support the <script> tag/ },
      { text: "1 < 2", message: /&lt;/ },
      { text: `<b>${"я".repeat(4097)}</b>`, message: /4097 characters without the markup; Telegram allows 4096/ },
      { text: "   ", message: /must not be empty/ },
    ];
    for (const { text, message } of bad) {
      const { response, body } = await create(world, { text });
      expect(response.status, text.slice(0, 20)).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      const errors = body.errors as { path: string; message: string }[];
      expect(errors[0]?.path).toBe("text");
      expect(errors[0]?.message).toMatch(message);
    }
    // 4096 characters of text with markup around them is within Telegram's limit.
    const { response: fits } = await create(world, { text: `<i>${"я".repeat(4096)}</i>` });
    expect(fits.status).toBe(201);
    const { response: plain, body: plainBody } = await create(world, { text: "1 < 2 & <b>", format: "plain" });
    expect(plain.status).toBe(201);
    expect(plainBody.format).toBe("plain");

    const { response: http, body: httpBody } = await create(world, { button: { label: "Menu", url: "http://x.test" } });
    expect(http.status).toBe(422);
    expect((httpBody.errors as { path: string }[])[0]?.path).toBe("button.url");
    const { response: level, body: levelBody } = await create(world, { audience: { levelIds: [randomUUID()] } });
    expect(level.status).toBe(422);
    expect(levelBody.errors).toEqual([{ path: "audience.levelIds.0", message: "no such level in this program" }]);
  });

  it("are created once per Idempotency-Key, edited while drafts, and audited", async () => {
    const world = await businessOnPlan();
    const key = randomUUID();
    const first = await as(world, "owner", "/api/v1/broadcasts", post({ text: "Once" }, key));
    const again = await as(world, "owner", "/api/v1/broadcasts", post({ text: "Once" }, key));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const { id } = (await first.json()) as { id: string };
    expect(((await again.json()) as { id: string }).id).toBe(id);
    const missing = await as(world, "owner", "/api/v1/broadcasts", post({ text: "No key" }, null));
    expect(missing.status).toBe(422);

    const edited = await as(world, "owner", `/api/v1/broadcasts/${id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "Twice <i>nicer</i>", button: { label: "Book", url: "https://cafe.test/book" } }),
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({
      text: "Twice <i>nicer</i>",
      button: { label: "Book" },
      status: "draft",
    });
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { entityType: "broadcast", entityId: id }, orderBy: { id: "asc" } }),
    );
    expect(audit.map((row) => row.action)).toEqual(["broadcast.created", "broadcast.updated"]);
    const { broadcasts } = (await (await as(world, "owner", "/api/v1/broadcasts")).json()) as { broadcasts: unknown[] };
    expect(broadcasts).toHaveLength(1);
  });
});

describe("the audience", () => {
  it("counts guests who can be written to, narrowed by level, restaurant, last visit and balance", async () => {
    const world = await businessOnPlan();
    const second = uuidv7();
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.restaurant.create({ data: { tenantId: world.tenantId, id: second, name: "Terrace" } }),
    );
    const day = 86_400_000;
    const now = Date.now();
    await addGuest(world, {
      signupRestaurantId: world.restaurantId,
      lastVisitAt: new Date(now - 2 * day),
      balance: 500,
    });
    await addGuest(world, { levelName: "Silver", signupRestaurantId: second, lastVisitAt: new Date(now - 40 * day) });
    const visitor = await addGuest(world, { signupRestaurantId: null, balance: 100 });
    // last visit at the terrace: a sale check there
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.check.create({
        data: {
          tenantId: world.tenantId,
          kind: "sale",
          source: "cashier",
          restaurantId: second,
          guestId: visitor.id,
          amountMinor: 100_00n,
          paidMinor: 100_00n,
          currency: "RUB",
          closedAt: new Date(now - day),
        },
      }),
    );
    // never reachable: notifications off, the bot blocked, no Telegram behind the card
    await addGuest(world, { notifications: false });
    await addGuest(world, { blocked: true });
    await addGuest(world, { telegram: false });

    const count = async (audience: Record<string, unknown>, role: Role = "owner") => {
      const response = await as(world, role, "/api/v1/broadcasts/audience", json({ audience }));
      expect(response.status).toBe(200);
      return ((await response.json()) as { recipients: number }).recipients;
    };
    const levels = await test.db.withTenant(world.tenantId, (tx) => tx.level.findMany({ orderBy: { rank: "asc" } }));
    expect(await count({})).toBe(3);
    expect(await count({ levelIds: [levels[1]?.id] })).toBe(1);
    expect(await count({ restaurantIds: [second] })).toBe(2);
    expect(await count({ restaurantIds: [world.restaurantId] })).toBe(1);
    expect(await count({ lastVisitBefore: new Date(now - 30 * day).toISOString() })).toBe(1);
    expect(await count({ lastVisitAfter: new Date(now - 7 * day).toISOString() })).toBe(1);
    expect(await count({ minBalance: 100 })).toBe(2);
    expect(await count({ minBalance: 100, restaurantIds: [second] })).toBe(1);

    // A manager limited to the main hall reaches its guests only, whatever they ask for.
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffRestaurant.create({
        data: { tenantId: world.tenantId, staffId: world.staff.manager.id, restaurantId: world.restaurantId },
      }),
    );
    expect(await count({}, "manager")).toBe(1);
    const outside = await as(
      world,
      "manager",
      "/api/v1/broadcasts/audience",
      json({ audience: { restaurantIds: [second] } }),
    );
    expect(outside.status).toBe(422);
    const { response, body } = await create(world, {}, "manager");
    expect(response.status).toBe(201);
    expect((body.audience as { restaurantIds: string[] }).restaurantIds).toEqual([world.restaurantId]);
    const whole = await create(world, {}, "owner");
    const seen = (await (await as(world, "manager", "/api/v1/broadcasts")).json()) as { broadcasts: { id: string }[] };
    expect(seen.broadcasts.map((one) => one.id)).toEqual([body.id]);
    const foreign = await as(world, "manager", `/api/v1/broadcasts/${whole.body.id}/cancel`, { method: "POST" });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-scope");
  });
});

describe("sending", () => {
  it("sends once per Idempotency-Key, announces the start through the outbox, and refuses a second send", async () => {
    const world = await businessOnPlan();
    await addGuest(world);
    const { body } = await create(world, {});
    const key = randomUUID();
    const send = () => as(world, "owner", `/api/v1/broadcasts/${body.id}/send`, post({}, key));
    const [first, second] = [await send(), await send()];
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await first.json()).toMatchObject({ status: "sending", recipients: 1 });
    const other = await as(world, "owner", `/api/v1/broadcasts/${body.id}/send`, post({}));
    expect(other.status).toBe(409);
    expect(((await other.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-not-draft");
    const events = await test.db.withTenant(world.tenantId, (tx) =>
      tx.outboxEvent.findMany({ where: { type: "broadcast.started" } }),
    );
    expect(events.map((event) => event.payload)).toEqual([{ broadcastId: body.id }]);
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { entityType: "broadcast", action: "broadcast.sent" } }),
    );
    expect(audit).toHaveLength(1);
  });

  it("counts against the plan's month in the tenant's time zone, refuses the one too many with an upgrade, and gives back a cancelled schedule", async () => {
    // Start allows 4 a month. 21:30 UTC on 31 December is already January in Moscow.
    const world = await businessOnPlan("start", "Europe/Moscow");
    await addGuest(world);
    clock.now = new Date("2026-12-31T21:30:00Z");
    try {
      const sendOne = async (scheduledAt: string | null = null) => {
        const { body } = await create(world, {});
        return as(world, "owner", `/api/v1/broadcasts/${body.id}/send`, post({ scheduledAt }));
      };
      for (let n = 0; n < 3; n += 1) expect((await sendOne()).status).toBe(200);
      const scheduled = await sendOne("2027-01-20T10:00:00+03:00");
      expect(scheduled.status).toBe(200);
      const scheduledBody = (await scheduled.json()) as { id: string; countedMonth: string; status: string };
      expect(scheduledBody).toMatchObject({ countedMonth: "2027-01", status: "scheduled" });

      const allowance = await (await as(world, "owner", "/api/v1/broadcasts/allowance")).json();
      expect(allowance).toMatchObject({ month: "2027-01", limit: 4, used: 4, planName: "Start" });
      // the billing page's usage (its route needs YooKassa configured; the verb does not)
      const engine = createEngineDeps({ db: test.db, redis: test.redis, clock: () => clock.now ?? new Date() });
      const billing = await currentSubscription(engine, world.tenantId);
      expect(billing.usage.broadcastsThisMonth).toBe(4);

      const refused = await sendOne();
      expect(refused.status).toBe(402);
      expect(await refused.json()).toMatchObject({
        code: "LIMIT_EXCEEDED",
        messageKey: "plan-limit",
        resource: "broadcasts",
        limit: 4,
        used: 4,
        upgrade: true,
      });
      // February is another month.
      expect((await sendOne("2027-02-02T10:00:00+03:00")).status).toBe(200);

      // Cancelling the scheduled one before it starts gives its place back.
      const cancelled = await as(world, "owner", `/api/v1/broadcasts/${scheduledBody.id}/cancel`, { method: "POST" });
      expect(await cancelled.json()).toMatchObject({ status: "cancelled", countedMonth: null });
      expect((await sendOne()).status).toBe(200);
    } finally {
      clock.now = null;
    }
  });

  it("is refused while the business is restricted, without a bot, and for nobody", async () => {
    const restricted = await buildWorld(test);
    await putOnPlan(test, restricted.tenantId, "start", "restricted");
    await addGuest(restricted);
    const { body } = await create(restricted, {});
    const refused = await as(restricted, "owner", `/api/v1/broadcasts/${body.id}/send`, post({}));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ messageKey: "error-broadcast-restricted", upgrade: true });

    const botless = await buildWorld(test, undefined, { bot: false });
    await putOnPlan(test, botless.tenantId, "chain");
    await addGuest(botless);
    const draft = await create(botless, {});
    const noBot = await as(botless, "owner", `/api/v1/broadcasts/${draft.body.id}/send`, post({}));
    expect(noBot.status).toBe(409);
    expect(((await noBot.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-no-bot");

    const empty = await businessOnPlan();
    const lonely = await create(empty, {});
    const nobody = await as(empty, "owner", `/api/v1/broadcasts/${lonely.body.id}/send`, post({}));
    expect(nobody.status).toBe(409);
    expect(((await nobody.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-empty");
    const past = await as(
      empty,
      "owner",
      `/api/v1/broadcasts/${lonely.body.id}/send`,
      post({ scheduledAt: "2020-01-01T00:00:00Z" }),
    );
    expect(past.status).toBe(422);
  });

  it("keeps each business's broadcasts to itself", async () => {
    const mine = await businessOnPlan();
    const theirs = await businessOnPlan();
    const { body } = await create(theirs, { text: "Secret sale" });
    for (const [method, path] of [
      ["GET", `/api/v1/broadcasts/${body.id}`],
      ["POST", `/api/v1/broadcasts/${body.id}/cancel`],
    ] as const) {
      const response = await as(mine, "owner", path, { method });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-unknown");
    }
    const sent = await as(mine, "owner", `/api/v1/broadcasts/${body.id}/send`, post({}));
    expect(sent.status).toBe(404);
    const list = (await (await as(mine, "owner", "/api/v1/broadcasts")).json()) as { broadcasts: unknown[] };
    expect(list.broadcasts).toEqual([]);
  });
});

describe("the test message", () => {
  it("goes to the staff member's own Telegram through the business's bot, as guests will see it", async () => {
    const world = await businessOnPlan();
    telegram.addBot({ token: world.botToken });
    const unlinked = await as(world, "owner", "/api/v1/broadcasts/test", json({ text: "Hi" }));
    expect(unlinked.status).toBe(409);
    expect(((await unlinked.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-no-telegram");

    const chatId = 7_300_000_000 + (Date.now() % 100_000);
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.owner.id } },
        data: { telegramUserId: BigInt(chatId) },
      }),
    );
    const response = await as(
      world,
      "owner",
      "/api/v1/broadcasts/test",
      json({ text: "Fish & chips <b>today</b>", button: { label: "Menu", url: "https://cafe.test/menu" } }),
    );
    expect(response.status).toBe(200);
    const call = await telegram.waitForCall("sendMessage", (one) => one.token === world.botToken);
    expect(call.params).toMatchObject({
      chat_id: chatId,
      text: "Fish &amp; chips <b>today</b>",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Menu", url: "https://cafe.test/menu" }]] },
    });
    const again = await as(world, "owner", "/api/v1/broadcasts/test", json({ text: "Hi" }));
    expect(again.status).toBe(429);

    telegram.block(world.botToken, chatId);
    await test.redis.del(`${test.redisPrefix}:broadcast-test:${world.tenantId}:${world.staff.owner.id}`);
    const blocked = await as(world, "owner", "/api/v1/broadcasts/test", json({ text: "Hi" }));
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as { messageKey: string }).messageKey).toBe("error-broadcast-test-blocked");
  });
});
