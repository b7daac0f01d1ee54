// The iikoCloud API client against a fake iiko that answers in iiko's format: one token per
// hour-ish, a new one when iiko refuses the old, and deliveries/by_revision pages that map onto
// checks.

import { iikoOrderEvents, iikoSettingsSchema, parseIikoWebhook } from "@maxl/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIikoClient, IikoApiError, type IikoClientOptions } from "../src/pos/iiko-client.ts";
import {
  type FakeIiko,
  iikoDeliveryOrder,
  iikoTableOrder,
  iikoWebhookBody,
  IIKO_TEST_ORGANIZATION_ID as ORG,
  startFakeIiko,
} from "../src/testing/index.ts";

let iiko: FakeIiko;
beforeEach(async () => {
  iiko = await startFakeIiko();
});
afterEach(() => iiko.close());

function client(options: Partial<IikoClientOptions> = {}) {
  return createIikoClient({ baseUrl: iiko.url, apiLogin: iiko.apiLogin, ...options });
}

const poll = { organizationIds: [ORG], startRevision: 0 };
const paths = () => iiko.requests.map((request) => request.path);

/** Rejects with the IikoApiError the promise fails with, or fails the test. */
async function apiError(promise: Promise<unknown>): Promise<IikoApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(IikoApiError);
  return error as IikoApiError;
}

describe("the iiko session token", () => {
  it("is taken once and sent as a Bearer token on every call", async () => {
    const iikoClient = client();
    await iikoClient.deliveriesByRevision(poll);
    await iikoClient.deliveriesByRevision(poll);
    await Promise.all([iikoClient.deliveriesByRevision(poll), iikoClient.deliveriesByRevision(poll)]);

    expect(iiko.tokensIssued).toBe(1);
    expect(iiko.requests[0]).toEqual({
      path: "/api/1/access_token",
      authorization: undefined,
      body: { apiLogin: iiko.apiLogin },
    });
    const authorizations = new Set(iiko.requests.slice(1).map((request) => request.authorization));
    expect(authorizations.size).toBe(1);
    expect([...authorizations][0]).toMatch(/^Bearer .+/);
  });

  it("is shared by calls that start together", async () => {
    const iikoClient = client();
    await Promise.all([1, 2, 3].map(() => iikoClient.deliveriesByRevision(poll)));
    expect(iiko.tokensIssued).toBe(1);
  });

  it("is replaced after 45 minutes, before iiko's hour is up", async () => {
    let clock = 0;
    const iikoClient = client({ now: () => clock });
    await iikoClient.deliveriesByRevision(poll);
    clock += 44 * 60_000;
    await iikoClient.deliveriesByRevision(poll);
    expect(iiko.tokensIssued).toBe(1);

    clock += 2 * 60_000;
    await iikoClient.deliveriesByRevision(poll);
    expect(iiko.tokensIssued).toBe(2);
    expect(paths()).toEqual([
      "/api/1/access_token",
      "/api/1/deliveries/by_revision",
      "/api/1/deliveries/by_revision",
      "/api/1/access_token",
      "/api/1/deliveries/by_revision",
    ]);
  });

  it("is replaced once when iiko refuses it, and the call is made again", async () => {
    const iikoClient = client();
    await iikoClient.deliveriesByRevision(poll);
    iiko.expireTokens();

    const page = await iikoClient.deliveriesByRevision(poll);
    expect(page.maxRevision).toBe(0);
    expect(iiko.tokensIssued).toBe(2);
    expect(paths()).toEqual([
      "/api/1/access_token",
      "/api/1/deliveries/by_revision",
      "/api/1/deliveries/by_revision",
      "/api/1/access_token",
      "/api/1/deliveries/by_revision",
    ]);
  });

  it("is replaced only once when iiko keeps refusing", async () => {
    let refusals = 0;
    const refusing: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/api/1/deliveries/by_revision")) {
        refusals += 1;
        return Response.json(
          { correlationId: "2c4e6a8b-0d2f-4b6d-8f0a-2c4e6a8b0d2f", errorDescription: "Unauthorized", error: null },
          { status: 401 },
        );
      }
      return fetch(input, init);
    };
    const error = await apiError(client({ fetch: refusing }).deliveriesByRevision(poll));
    expect(error).toMatchObject({ status: 401, errorDescription: "Unauthorized", retryable: false });
    expect(iiko.tokensIssued).toBe(2);
    expect(refusals).toBe(2);
  });
});

describe("iiko's refusals", () => {
  it("of an unknown apiLogin come back as iiko said them, without the apiLogin", async () => {
    const error = await apiError(client({ apiLogin: "0a646c4cb3da418aaf560d62d570f518" }).deliveriesByRevision(poll));
    expect(error).toMatchObject({
      status: 401,
      path: "/api/1/access_token",
      errorDescription: "Login *** is not authorized",
      retryable: false,
    });
    expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toContain("0a646c4cb3da418aaf560d62d570f518");
    expect(paths()).toEqual(["/api/1/access_token"]);
  });

  it("of a bad request carry iiko's description and cost no new token", async () => {
    const error = await apiError(client().deliveriesByRevision({ organizationIds: [], startRevision: 0 }));
    expect(error).toMatchObject({
      status: 400,
      errorDescription: "startRevision and a non-empty organizationIds are required",
    });
    expect(iiko.tokensIssued).toBe(1);
  });

  it("include silence: a call iiko does not answer in time fails as retryable", async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const error = await apiError(client({ fetch: silent, timeoutMs: 50 }).deliveriesByRevision(poll));
    expect(error).toMatchObject({ status: 0, errorDescription: "timed out", retryable: true });
  });
});

describe("deliveries/by_revision", () => {
  const settings = iikoSettingsSchema.parse({ organizationIds: [ORG] });

  it("brings the orders changed since a revision, and the revision to ask from next", async () => {
    const iikoClient = client();
    const closed = iikoDeliveryOrder();
    const cooking = iikoDeliveryOrder({ id: "1d5e9a2c-7f3b-4c6d-8e0a-b4f2c6d8e1a7", status: "CookingStarted" });
    iiko.addOrder(ORG, closed);
    iiko.addOrder(ORG, cooking);
    iiko.addOrder(
      "2f4a6c8e-0b1d-4f3a-9c5e-7a9b1d3f5a7c",
      iikoTableOrder({ organizationId: "2f4a6c8e-0b1d-4f3a-9c5e-7a9b1d3f5a7c" }),
    );

    const first = await iikoClient.deliveriesByRevision(poll);
    expect(first.maxRevision).toBe(3);
    expect(first.ordersByOrganizations).toEqual([{ organizationId: ORG, orders: [closed, cooking] }]);
    const events = first.ordersByOrganizations.flatMap((group) =>
      group.orders.flatMap((order) => iikoOrderEvents(order, settings)),
    );
    expect(events.map((event) => [event.eventId, event.status])).toEqual([
      [`order:${closed.id}`, "accepted"],
      [`order:${cooking.id}:CookingStarted`, "ignored"],
    ]);
    expect(events[0]?.status === "accepted" && events[0].check.amountMinor).toBe(123456n);

    const nothingNew = await iikoClient.deliveriesByRevision({ ...poll, startRevision: first.maxRevision });
    expect(nothingNew).toMatchObject({ maxRevision: 3, ordersByOrganizations: [{ organizationId: ORG, orders: [] }] });

    const cancelled = iikoDeliveryOrder({
      status: "Cancelled",
      whenClosed: "2026-11-20 21:47:13.456",
      whenCancelled: "2026-11-20 22:05:00.000",
    });
    expect(iiko.addOrder(ORG, cancelled)).toBe(4);
    const next = await iikoClient.deliveriesByRevision({ ...poll, startRevision: first.maxRevision });
    expect(next.maxRevision).toBe(4);
    const [order] = next.ordersByOrganizations[0]?.orders ?? [];
    expect(iikoOrderEvents(order, settings).map((event) => [event.eventId, event.status])).toEqual([
      [`order:${closed.id}`, "accepted"],
      [`order:${closed.id}:cancel`, "accepted"],
    ]);
    expect(iiko.requests.at(-1)?.body).toEqual({ startRevision: 3, organizationIds: [ORG] });
  });
});

describe("the test builders", () => {
  it("make webhook bodies the adapter reads as iiko's", () => {
    const settings = iikoSettingsSchema.parse({ organizationIds: [ORG] });
    const body = iikoWebhookBody([
      { eventInfo: iikoTableOrder({ phone: "+79035551234", lines: [{ name: "Борщ", amount: 2, price: 490 }] }) },
      { eventInfo: iikoDeliveryOrder({ status: "OnWay" }) },
    ]);
    expect(body.map((event) => event.eventType)).toEqual(["TableOrderUpdate", "DeliveryOrderUpdate"]);
    const events = parseIikoWebhook(body, settings).events;
    expect(events.map((event) => event.status)).toEqual(["accepted", "ignored"]);
    expect(events[0]?.status === "accepted" && events[0].check).toMatchObject({
      amountMinor: 98000n,
      guest: { phone: "+79035551234" },
      closedAt: "2026-11-20T18:47:13.456Z",
    });
    expect(iikoWebhookBody([{ eventInfo: iikoDeliveryOrder() }])).toEqual(
      iikoWebhookBody([{ eventInfo: iikoDeliveryOrder() }]),
    );
  });
});
