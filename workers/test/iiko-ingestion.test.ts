// iiko end to end against a fake iiko Cloud on 127.0.0.1: the webhook into the API (auth, bad
// bodies, unrelated events), polling deliveries/by_revision to catch up on missed webhooks (the
// cursor, token refresh, a refused login), and the same order by both ways earning once.
import { randomUUID } from "node:crypto";
import { createEngineDeps, type EngineDeps, processPosEvent } from "@maxl/api";
import { createSecretBox } from "@maxl/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../api/test/http/world.ts";
import { addGuest, balanceOf, type Connected, connectIntegration, inbox } from "../../api/test/pos/pos-support.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { createIikoClients, pollIikoIntegration } from "../src/pos/iiko-poll.ts";
import {
  type FakeIiko,
  IIKO_TEST_ORGANIZATION_ID,
  iikoDeliveryOrder,
  iikoTableOrder,
  iikoWebhookBody,
  startFakeIiko,
} from "../src/testing/index.ts";
import { logger, TEST_ENCRYPTION_KEY } from "./support.ts";

let test: TestApp;
let world: World;
let iiko: FakeIiko;
let pos: Connected;
let engine: EngineDeps;
const secrets = createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));

beforeAll(async () => {
  test = await createTestApp();
  world = await buildWorld(test, undefined, { bot: false });
  engine = createEngineDeps({ db: test.db, redis: test.redis });
  iiko = await startFakeIiko();
  pos = await connectIntegration(test, world, {
    kind: "iiko",
    name: "iiko Cloud",
    apiLogin: iiko.apiLogin,
    settings: {
      organizationIds: [IIKO_TEST_ORGANIZATION_ID],
      apiBaseUrl: iiko.url,
      restaurantMap: { [IIKO_TEST_ORGANIZATION_ID]: world.restaurantId },
    },
  });
});

afterAll(async () => {
  await iiko.close();
  await test.close();
});

const webhook = (body: unknown, authorization: string | null = `Bearer ${pos.secret}`) =>
  test.app.request(`/api/v1/pos/${pos.integrationId}/iiko/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function processReceived(): Promise<void> {
  for (const row of await inbox(test, world.tenantId, pos.integrationId)) {
    if (row.status === "received") await processPosEvent(engine, world.tenantId, row.id, { maxAttempts: 3 });
  }
}

const clients = createIikoClients();
const poll = () =>
  pollIikoIntegration({ engine, secrets, logger }, clients, world.tenantId, pos.integrationId, { force: true });

describe("the webhook", () => {
  it("stores a closed delivery order and credits the guest with its phone", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79161230001");
    const order = iikoDeliveryOrder({ id: randomUUID(), phone: "+79161230001", sum: 2000 });
    const response = await webhook(iikoWebhookBody([{ eventInfo: order }]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: 1, duplicates: 0, ignored: 0, rejected: 0 });
    // The token raw, as iiko may also send it: the same event again is a duplicate.
    const again = await webhook(iikoWebhookBody([{ eventInfo: order }]), pos.secret);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    await processReceived();
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(100);
  });

  it("acknowledges open orders and unrelated events without storing them", async () => {
    const response = await webhook(
      iikoWebhookBody([
        { eventInfo: iikoTableOrder({ id: randomUUID(), status: "Bill" }) },
        { eventType: "StopListUpdate", eventInfo: { terminalGroupsStopListsUpdates: [] } },
      ]),
    );
    expect(await response.json()).toEqual({ stored: 0, duplicates: 0, ignored: 2, rejected: 0 });
  });

  it("refuses a wrong or missing authToken with 401 and stores nothing", async () => {
    const before = (await inbox(test, world.tenantId, pos.integrationId)).length;
    const body = iikoWebhookBody([{ eventInfo: iikoDeliveryOrder({ id: randomUUID() }) }]);
    expect((await webhook(body, "Bearer wrong")).status).toBe(401);
    expect((await webhook(body, null)).status).toBe(401);
    expect((await inbox(test, world.tenantId, pos.integrationId)).length).toBe(before);
  });

  it("answers 200 to a body it cannot read, and records it as rejected for the admins", async () => {
    const response = await webhook("{ this is not json");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rejected: 1 });
    const notArray = await webhook({ eventType: "DeliveryOrderUpdate" });
    expect(await notArray.json()).toMatchObject({ rejected: 1 });
    const rows = await inbox(test, world.tenantId, pos.integrationId);
    expect(rows.filter((row) => row.status === "rejected").map((row) => row.last_error)).toEqual(
      expect.arrayContaining(["the body is not JSON", expect.stringMatching(/array/)]),
    );
  });
});

describe("polling deliveries/by_revision", () => {
  it("catches up on orders the webhook missed, and stores an order seen both ways once", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79161230002");
    const seen = iikoDeliveryOrder({ id: randomUUID(), phone: "+79161230002", sum: 1000 });
    await webhook(iikoWebhookBody([{ eventInfo: seen }]));
    await processReceived();
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(50);

    const missed = iikoDeliveryOrder({ id: randomUUID(), phone: "+79161230002", sum: 3000 });
    iiko.addOrder(IIKO_TEST_ORGANIZATION_ID, seen);
    const revision = iiko.addOrder(IIKO_TEST_ORGANIZATION_ID, missed);
    const result = await poll();
    expect(result).toMatchObject({ polled: true, orders: 2, stored: 1, revision });
    await processReceived();
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(200);

    // The cursor moved: nothing new, nothing stored; the status page shows where polling stands.
    expect(await poll()).toMatchObject({ orders: 0, stored: 0, revision });
    const page = await test.app.request("/api/v1/integrations", {
      headers: { Authorization: `Bearer ${await world.tokenFor("manager")}` },
    });
    const { integrations } = (await page.json()) as {
      integrations: { id: string; polling: { revision: number; lastPolledAt: string | null } | null }[];
    };
    expect(integrations.find((one) => one.id === pos.integrationId)?.polling).toEqual({
      revision,
      lastPolledAt: expect.any(String),
    });
    const [, byRevision] = iiko.requests.filter((request) => request.path.endsWith("by_revision")).slice(-2);
    expect(byRevision?.body).toMatchObject({ startRevision: revision });
  });

  it("takes the points back when iiko cancels an order after it was closed", async () => {
    const guestId = await addGuest(test, world.tenantId, "+79161230003");
    const id = randomUUID();
    iiko.addOrder(IIKO_TEST_ORGANIZATION_ID, iikoDeliveryOrder({ id, phone: "+79161230003", sum: 2000 }));
    await poll();
    await processReceived();
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(100);
    iiko.addOrder(
      IIKO_TEST_ORGANIZATION_ID,
      iikoDeliveryOrder({
        id,
        phone: "+79161230003",
        sum: 2000,
        status: "Cancelled",
        whenClosed: "2026-11-20 21:47:13.456",
        whenCancelled: "2026-11-20 22:10:00.000",
      }),
    );
    await poll();
    await processReceived();
    expect(await balanceOf(test, world.tenantId, guestId)).toBe(0);
  });

  it("gets a new access token when iiko's has expired", async () => {
    const before = iiko.tokensIssued;
    iiko.expireTokens();
    expect(await poll()).toMatchObject({ polled: true });
    expect(iiko.tokensIssued).toBe(before + 1);
  });

  it("records a refused login on the integration's status page, without moving the cursor", async () => {
    const wrong = await connectIntegration(test, world, {
      kind: "iiko",
      name: "iiko with a wrong login",
      apiLogin: "not-the-right-login",
      settings: { organizationIds: [IIKO_TEST_ORGANIZATION_ID], apiBaseUrl: iiko.url },
    });
    const result = await pollIikoIntegration(
      { engine, secrets, logger },
      clients,
      world.tenantId,
      wrong.integrationId,
      {
        force: true,
      },
    );
    expect(result.error).toMatch(/access_token/);
    expect(result.error).not.toContain("not-the-right-login");
    const status = await test.app.request("/api/v1/integrations", {
      headers: { Authorization: `Bearer ${await world.tokenFor("admin")}` },
    });
    const { integrations } = (await status.json()) as {
      integrations: { id: string; lastError: { message: string } | null }[];
    };
    expect(integrations.find((integration) => integration.id === wrong.integrationId)?.lastError?.message).toMatch(
      /Polling iiko failed/,
    );
  });
});
