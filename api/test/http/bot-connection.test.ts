import { randomUUID } from "node:crypto";
import { createSecretBox, secretContext } from "@maxl/db";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botChangesChannel } from "../../src/core/bots/bot-connection.ts";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, TEST_ENCRYPTION_KEY, type TestApp } from "../support.ts";
import { botTokenFor, closedTelegramUrl, type FakeTelegram, startFakeTelegram } from "./fake-telegram.ts";
import { buildWorld, type World } from "./world.ts";

const redisPrefix = `test:${randomUUID()}`;
const secrets = createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
let telegram: FakeTelegram;
let test: TestApp;
beforeAll(async () => {
  telegram = await startFakeTelegram();
  test = await createTestApp({ env: { TELEGRAM_API_ROOT: telegram.url }, redisPrefix });
});
afterAll(async () => {
  await test.close();
  await telegram.close();
});

// Telegram's bot ids are unique across every tenant, so each test run takes its own range.
let nextBotId = 5_000_000_000 + Math.floor(Math.random() * 100_000_000) * 10;

/** A bot Telegram knows, and the token @BotFather gave for it. */
function newBot(name: string) {
  nextBotId += 1;
  const bot = { id: nextBotId, username: `${name}_${nextBotId}_bot`, firstName: `${name} café` };
  return { ...bot, token: telegram.addBot(bot) };
}

const tenantWithoutBot = () => buildWorld(test, undefined, { bot: false });

async function call(world: World, role: StaffRole, method: string, body?: unknown) {
  const response = await test.app.request("/api/v1/bot", {
    method,
    headers: { Authorization: `Bearer ${await world.tokenFor(role)}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const connect = (world: World, token: string, role: StaffRole = "owner") => call(world, role, "PUT", { token });

function storedBot(world: World) {
  return test.db.withTenant(world.tenantId, (tx) =>
    tx.botConnection.findUnique({ where: { tenantId: world.tenantId } }),
  );
}

function auditActions(world: World) {
  return test.db.withTenant(world.tenantId, async (tx) =>
    (await tx.auditLogEntry.findMany({ where: { entityType: "bot" }, orderBy: { id: "asc" } })).map((entry) => ({
      action: entry.action,
      entityId: entry.entityId,
      actorStaffId: entry.actorStaffId,
    })),
  );
}

describe("connecting a tenant's Telegram bot", () => {
  it("checks the token with Telegram, stores it sealed and reports the bot", async () => {
    const world = await tenantWithoutBot();
    const bot = newBot("cafe");
    expect((await call(world, "owner", "GET")).body).toMatchObject({ status: 404, code: "NOT_FOUND" });
    const asked = telegram.calls.length;

    const connected = await connect(world, bot.token);
    expect(connected.status).toBe(200);
    expect(connected.body).toEqual({
      botId: String(bot.id),
      username: bot.username,
      connectedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(connected.text).not.toContain(bot.token);
    expect(telegram.calls.slice(asked)).toEqual(["getMe"]);

    const row = await storedBot(world);
    expect(row).toMatchObject({ botId: BigInt(bot.id), botUsername: bot.username, isActive: true });
    const [, secretPart = ""] = bot.token.split(":");
    expect(row?.tokenCiphertext).not.toContain(secretPart);
    expect(secrets.decrypt(row?.tokenCiphertext ?? "", secretContext.botToken(world.tenantId))).toBe(bot.token);
    expect(await auditActions(world)).toEqual([
      { action: "bot.connect", entityId: String(bot.id), actorStaffId: world.staff.owner.id },
    ]);

    const status = await call(world, "admin", "GET");
    expect(status).toMatchObject({ status: 200, body: connected.body });
  });

  it("replaces the token of the same bot, and then the bot itself", async () => {
    const world = await tenantWithoutBot();
    const first = newBot("first");
    expect((await connect(world, first.token)).status).toBe(200);

    // @BotFather's "revoke token": the same bot, a new token.
    const revoked = { ...first, token: telegram.addBot(first) };
    expect(await connect(world, revoked.token, "admin")).toMatchObject({
      status: 200,
      body: { botId: String(first.id), username: first.username },
    });
    const afterRevoke = await storedBot(world);
    expect(secrets.decrypt(afterRevoke?.tokenCiphertext ?? "", secretContext.botToken(world.tenantId))).toBe(
      revoked.token,
    );

    const second = newBot("second");
    expect(await connect(world, second.token)).toMatchObject({
      status: 200,
      body: { botId: String(second.id), username: second.username },
    });
    expect(await call(world, "owner", "GET")).toMatchObject({
      status: 200,
      body: { botId: String(second.id), username: second.username },
    });
    expect(await storedBot(world)).toMatchObject({ botId: BigInt(second.id), botUsername: second.username });

    // The first bot is free again for another business.
    const other = await tenantWithoutBot();
    expect((await connect(other, revoked.token)).status).toBe(200);
  });

  it("refuses something that is not a bot token without asking Telegram, and stores nothing", async () => {
    const world = await tenantWithoutBot();
    const asked = telegram.calls.length;
    for (const token of ["not-a-token", "12345:short", " ", `abc:${"A".repeat(35)}`]) {
      const refused = await connect(world, token);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: "VALIDATION", errors: [{ path: "token" }] });
    }
    const missing = await call(world, "owner", "PUT", {});
    expect(missing).toMatchObject({ status: 422, body: { code: "VALIDATION", errors: [{ path: "token" }] } });
    expect(telegram.calls.length).toBe(asked);
    expect(await storedBot(world)).toBeNull();
    expect(await auditActions(world)).toEqual([]);
  });

  it("refuses a token Telegram does not accept and keeps the bot that was connected", async () => {
    const world = await tenantWithoutBot();
    const rejected = botTokenFor(nextBotId + 1_000);
    const refused = await connect(world, rejected);
    expect(refused).toMatchObject({
      status: 422,
      body: { code: "VALIDATION", errors: [{ path: "token", message: "not accepted by Telegram" }] },
    });
    expect(refused.text).not.toContain(rejected);
    expect(await storedBot(world)).toBeNull();

    const bot = newBot("kept");
    await connect(world, bot.token);
    expect((await connect(world, rejected)).status).toBe(422);
    const row = await storedBot(world);
    expect(row?.botId).toBe(BigInt(bot.id));
    expect(secrets.decrypt(row?.tokenCiphertext ?? "", secretContext.botToken(world.tenantId))).toBe(bot.token);
    expect((await auditActions(world)).map((entry) => entry.action)).toEqual(["bot.connect"]);
  });

  it("answers 503 when Telegram cannot be reached, and stores nothing", async () => {
    const offline = await createTestApp({ env: { TELEGRAM_API_ROOT: await closedTelegramUrl() } });
    try {
      const world = await buildWorld(offline, undefined, { bot: false });
      const token = botTokenFor(nextBotId + 2_000);
      const response = await offline.app.request("/api/v1/bot", {
        method: "PUT",
        headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
        body: JSON.stringify({ token }),
      });
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({ code: "UNAVAILABLE", detail: expect.stringContaining("Telegram") });
      expect(text).not.toContain(token);
      expect(await storedBot(world)).toBeNull();
    } finally {
      await offline.close();
    }
  });

  it("refuses a bot that another business has connected", async () => {
    const first = await tenantWithoutBot();
    const second = await tenantWithoutBot();
    const bot = newBot("shared");
    expect((await connect(first, bot.token)).status).toBe(200);

    const refused = await connect(second, bot.token);
    expect(refused).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    expect(refused.text).not.toContain(bot.token);
    expect(await storedBot(second)).toBeNull();
    expect(await auditActions(second)).toEqual([]);
    expect(await storedBot(first)).toMatchObject({ botId: BigInt(bot.id) });
  });

  it("lets only owners and admins see or change the bot", async () => {
    const world = await tenantWithoutBot();
    const bot = newBot("guarded");
    const asked = telegram.calls.length;
    for (const role of ["manager", "cashier"] as const) {
      for (const [method, body] of [["GET"], ["PUT", { token: bot.token }], ["DELETE"]] as const) {
        const refused = await call(world, role, method, body);
        expect({ role, method, status: refused.status, code: refused.body?.code }).toEqual({
          role,
          method,
          status: 403,
          code: "FORBIDDEN",
        });
      }
    }
    expect(telegram.calls.length).toBe(asked);
    expect(await storedBot(world)).toBeNull();
    expect((await test.app.request("/api/v1/bot")).status).toBe(401);
  });

  it("disconnects the bot, after which there is nothing to show or disconnect", async () => {
    const world = await tenantWithoutBot();
    const bot = newBot("leaving");
    await connect(world, bot.token);

    const removed = await call(world, "admin", "DELETE");
    expect(removed).toMatchObject({ status: 204, text: "" });
    expect(await storedBot(world)).toBeNull();
    expect(await call(world, "owner", "GET")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await call(world, "owner", "DELETE")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await auditActions(world)).toEqual([
      { action: "bot.connect", entityId: String(bot.id), actorStaffId: world.staff.owner.id },
      { action: "bot.disconnect", entityId: String(bot.id), actorStaffId: world.staff.admin.id },
    ]);
  });

  it("is described in the API document with every answer it gives", async () => {
    const document = (await (await test.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const bot = document.paths["/api/v1/bot"] ?? {};
    expect(Object.keys(bot).sort()).toEqual(["delete", "get", "put"]);
    expect(Object.keys(bot.put?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "401", "403", "409", "422", "503"]),
    );
    expect(Object.keys(bot.delete?.responses ?? {})).toEqual(expect.arrayContaining(["204", "404"]));
  });

  it("tells the bot process through Redis when a tenant's bot changes", async () => {
    const world = await tenantWithoutBot();
    const subscriber = new Redis(test.config.redis.url, { maxRetriesPerRequest: 1 });
    try {
      const heard: string[] = [];
      subscriber.on("message", (channel: string, message: string) => heard.push(`${channel} ${message}`));
      await subscriber.subscribe(botChangesChannel(redisPrefix));
      const channel = `${redisPrefix}:bots:changed`;

      expect((await connect(world, newBot("heard").token)).status).toBe(200);
      await expect.poll(() => heard, { timeout: 2_000 }).toEqual([`${channel} ${world.tenantId}`]);
      expect((await call(world, "owner", "DELETE")).status).toBe(204);
      await expect
        .poll(() => heard, { timeout: 2_000 })
        .toEqual([`${channel} ${world.tenantId}`, `${channel} ${world.tenantId}`]);
    } finally {
      subscriber.disconnect();
    }
  });
});
