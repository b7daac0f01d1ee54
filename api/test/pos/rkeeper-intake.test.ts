// r_keeper's till against the real API over HTTP, speaking FarCards XML as ExtDllHTTP.dll does:
// the cashier enters the guest's phone or code (getcardinfoex), the check closes
// (transactionsex), and the workers' processing credits it; a return takes the points back.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEngineDeps, type EngineDeps } from "../../src/core/context.ts";
import { currentGuestTokens } from "../../src/core/identification/tokens.ts";
import { processPosEvent } from "../../src/core/pos/process-event.ts";
import { buildWorld, type World } from "../http/world.ts";
import { createTestApp, type TestApp } from "../support.ts";
import { farCardsClient, farCardsRefundCheck, farCardsSaleCheck } from "./fake-rkeeper.ts";
import { addGuest, balanceOf, type Connected, connectIntegration, inbox } from "./pos-support.ts";

let test: TestApp;
let world: World;
let pos: Connected;
let engine: EngineDeps;
let server: ReturnType<typeof serve>;
let origin: string;
const prefix = `test:${randomUUID()}`;

beforeAll(async () => {
  test = await createTestApp({ redisPrefix: prefix });
  world = await buildWorld(test);
  engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: prefix } });
  pos = await connectIntegration(test, world, {
    kind: "rkeeper",
    name: "r_keeper hall",
    settings: { restaurantMap: { "9999": world.restaurantId } },
  });
  server = serve({ fetch: test.app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await test.close();
});

const till = () => farCardsClient(`${origin}${pos.endpoints[0]?.replace(/\/getcardinfoex$/, "")}`);

async function processAll(): Promise<void> {
  for (const row of await inbox(test, world.tenantId, pos.integrationId)) {
    if (row.status === "received") await processPosEvent(engine, world.tenantId, row.id, { maxAttempts: 3 });
  }
}

it("shows the cashier the guest's name and balance for a phone or a live code, and 'no card' otherwise", async () => {
  const guestId = await addGuest(test, world.tenantId, "+79001112233");
  const byPhone = await till().getCardInfo({ card: "89001112233", restaurant: "9999", unit: "2" });
  expect(byPhone).toMatchObject({ result: 0, holder: "Pos", locked: false });
  expect(byPhone.screenMessage).toBe("Баллы: 0");

  const { code } = (await currentGuestTokens(engine, world.tenantId, guestId)).code;
  expect(code).toMatch(/^[1-9]\d{5}$/);
  expect(await till().getCardInfo({ card: code, restaurant: "9999", unit: "2" })).toMatchObject({ result: 0 });
  // Asking for the card does not use the code up: the check that follows presents it again.
  expect(await till().getCardInfo({ card: code, restaurant: "9999", unit: "2" })).toMatchObject({ result: 0 });

  expect(await till().getCardInfo({ card: "79990000000", restaurant: "9999", unit: "2" })).toMatchObject({ result: 1 });
  expect(await till().getCardInfo({ card: "8002", restaurant: "9999", unit: "2" })).toMatchObject({ result: 1 });
});

it("stores a closed check before answering, credits it once, and reverses it on a return", async () => {
  const guestId = await addGuest(test, world.tenantId, "+79001112244");
  const sale = farCardsSaleCheck({ card: "79001112244", paidMinor: 240_000n });
  expect(await till().sendTransactions(sale)).toEqual({ result: 0 });
  // r_keeper repeats a call it did not see answered: stored once.
  expect(await till().sendTransactions(sale)).toEqual({ result: 0 });
  const stored = (await inbox(test, world.tenantId, pos.integrationId)).filter((row) => row.status === "received");
  expect(stored).toHaveLength(1);
  await processAll();
  expect(await balanceOf(test, world.tenantId, guestId)).toBe(120);

  expect(await till().sendTransactions(farCardsRefundCheck({ sale }))).toEqual({ result: 0 });
  await processAll();
  expect(await balanceOf(test, world.tenantId, guestId)).toBe(0);
  const statuses = (await inbox(test, world.tenantId, pos.integrationId)).map((row) => row.status);
  expect(statuses.filter((status) => status === "processed")).toHaveLength(2);
});

it("refuses a wrong token with 401, an unknown integration with 404 and a non-FarCards body with 422", async () => {
  const wrong = await fetch(`${origin}/api/v1/pos/${pos.integrationId}/rkeeper/not-the-token/transactionsex`, {
    method: "POST",
    headers: { "Content-Type": "text/xml" },
    body: "<ROOT/>",
  });
  expect(wrong.status).toBe(401);
  const unknown = await fetch(`${origin}/api/v1/pos/${randomUUID()}/rkeeper/x/getcardinfoex`, {
    method: "POST",
    body: "<ROOT/>",
  });
  expect(unknown.status).toBe(404);
  const before = (await inbox(test, world.tenantId, pos.integrationId)).length;
  const broken = await fetch(`${origin}${pos.endpoints[1]}`, { method: "POST", body: "<ROOT><QRY" });
  expect(broken.status).toBe(422);
  expect(broken.headers.get("content-type")).toContain("application/problem+json");
  expect((await inbox(test, world.tenantId, pos.integrationId)).length).toBe(before);
});
