// The bot page's webhook: what Telegram's getWebhookInfo says, compared with our address, and
// "set it again" with our address and the connection's secret, audited. The fake Bot API answers
// in Telegram's own format.
import { createSecretBox, secretContext } from "@maxl/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffRole } from "../../src/core/context.ts";
import { createTestApp, TEST_ENCRYPTION_KEY, type TestApp } from "../support.ts";
import { type FakeTelegram, startFakeTelegram } from "./fake-telegram.ts";
import { buildWorld, type World } from "./world.ts";

const base = "https://bots.example.test";
const secrets = createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
let telegram: FakeTelegram;
let test: TestApp;
let polling: TestApp;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  test = await createTestApp({ env: { TELEGRAM_API_ROOT: telegram.url, BOT_WEBHOOK_BASE_URL: `${base}/` } });
  polling = await createTestApp({ env: { TELEGRAM_API_ROOT: telegram.url } });
});
afterAll(async () => {
  await test.close();
  await polling.close();
  await telegram.close();
});

let nextBotId = 6_000_000_000 + Math.floor(Math.random() * 100_000_000) * 10;

async function call(app: TestApp, world: World, role: StaffRole, method: string, path: string, body?: unknown) {
  const response = await app.app.request(path, {
    method,
    headers: { Authorization: `Bearer ${await world.tokenFor(role)}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A tenant whose bot was connected through the API, and that bot's token on the fake. */
async function tenantWithBot(app: TestApp = test) {
  const world = await buildWorld(app, undefined, { bot: false });
  nextBotId += 1;
  const token = telegram.addBot({ id: nextBotId, username: `hook_${nextBotId}_bot`, firstName: "Hook café" });
  expect((await call(app, world, "owner", "PUT", "/api/v1/bot", { token })).status).toBe(200);
  return { world, token, botId: String(nextBotId), expectedUrl: `${base}/telegram/${nextBotId}` };
}

const webhook = (app: TestApp, world: World, role: StaffRole = "owner") =>
  call(app, world, role, "GET", "/api/v1/bot/webhook");
const reset = (app: TestApp, world: World, role: StaffRole = "owner") =>
  call(app, world, role, "POST", "/api/v1/bot/webhook");

describe("the bot's webhook", () => {
  it("reports a missing webhook, sets ours with the connection's secret, audited, and then reports it set", async () => {
    const { world, token, botId, expectedUrl } = await tenantWithBot();
    expect(await webhook(test, world)).toEqual({
      status: 200,
      body: {
        status: "missing",
        expectedUrl,
        url: null,
        pendingUpdateCount: 0,
        lastErrorAt: null,
        lastErrorMessage: null,
      },
    });

    const set = await reset(test, world, "admin");
    expect(set).toMatchObject({ status: 200, body: { status: "set", url: expectedUrl } });
    const row = await test.db.withTenant(world.tenantId, (tx) =>
      tx.botConnection.findUniqueOrThrow({ where: { tenantId: world.tenantId } }),
    );
    expect(telegram.webhookOf(token)).toMatchObject({
      url: expectedUrl,
      secretToken: secrets.decrypt(row.webhookSecretCiphertext, secretContext.botWebhookSecret(world.tenantId)),
    });
    const audit = await test.db.withTenant(world.tenantId, (tx) =>
      tx.auditLogEntry.findMany({ where: { action: "bot.webhook_reset" } }),
    );
    expect(audit).toMatchObject([
      { entityType: "bot", entityId: botId, actorStaffId: world.staff.admin.id, changes: { url: expectedUrl } },
    ]);
  });

  it("shows another address, the updates waiting and Telegram's last delivery error", async () => {
    const { world, token, expectedUrl } = await tenantWithBot();
    const failedAt = Math.floor(Date.UTC(2026, 10, 20, 9, 30) / 1000);
    telegram.webhookTrouble(token, {
      url: "https://someone.ngrok.example/hook",
      pendingUpdateCount: 17,
      lastErrorDate: failedAt,
      lastErrorMessage: "Wrong response from the webhook: 502 Bad Gateway",
    });
    expect((await webhook(test, world)).body).toEqual({
      status: "other",
      expectedUrl,
      url: "https://someone.ngrok.example/hook",
      pendingUpdateCount: 17,
      lastErrorAt: "2026-11-20T09:30:00.000Z",
      lastErrorMessage: "Wrong response from the webhook: 502 Bad Gateway",
    });
    expect((await reset(test, world)).body).toMatchObject({ status: "set", url: expectedUrl, pendingUpdateCount: 17 });
  });

  it("refuses a manager and a cashier, like connecting the bot", async () => {
    const { world } = await tenantWithBot();
    for (const role of ["manager", "cashier"] as const) {
      expect((await webhook(test, world, role)).status).toBe(403);
      expect(await reset(test, world, role)).toMatchObject({ status: 403, body: { messageKey: "role-forbidden" } });
    }
  });

  it("answers 404 with a key when no bot is connected", async () => {
    const world = await buildWorld(test, undefined, { bot: false });
    expect(await webhook(test, world)).toMatchObject({ status: 404, body: { messageKey: "bot-not-connected" } });
    expect(await reset(test, world)).toMatchObject({ status: 404, body: { messageKey: "bot-not-connected" } });
  });

  it("with long polling there is no address to compare, and nothing to set", async () => {
    const { world } = await tenantWithBot(polling);
    expect((await webhook(polling, world)).body).toMatchObject({ status: "polling", expectedUrl: null, url: null });
    expect(await reset(polling, world)).toMatchObject({ status: 409, body: { messageKey: "bot-webhook-polling" } });
  });

  it("says so when Telegram no longer knows the token", async () => {
    const world = await buildWorld(test);
    expect(await webhook(test, world)).toMatchObject({ status: 409, body: { messageKey: "bot-token-revoked" } });
  });
});
