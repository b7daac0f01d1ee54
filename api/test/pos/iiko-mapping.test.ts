// The iiko Cloud adapter against iiko's own documents: webhook bodies and deliveries/by_revision
// pages shaped as iikoCloud API sends them (fixtures/iiko), mapped onto POS checks.
import { readFileSync } from "node:fs";
import { ServiceError } from "@maxl/shared";
import { describe, expect, it } from "vitest";
import type { AdaptedEvent } from "../../src/core/pos/adapted-event.ts";
import {
  IikoPayloadError,
  type IikoSettings,
  iikoAuthTokenFrom,
  iikoLocalTimeToIso,
  iikoOrderEvents,
  iikoSettingsSchema,
  iikoSumToMinor,
  parseIikoWebhook,
} from "../../src/core/pos/iiko/index.ts";

const ORG = "7bc05553-4b68-44e8-b7bc-37be63c6d9e9";
const DELIVERY_TERMINAL_GROUP = "0b6e4f2a-91c3-d5e7-0193-5a7f0c2e8b14";
const HALL_TERMINAL_GROUP = "5e2d7c91-04ab-e3f6-0192-c81d7b3a9f60";
const CLOSED_DELIVERY = "e4c9a1f0-3b2d-4c8e-9f71-2a6b5d8c0e13";
const CANCELLED_DELIVERY = "b7d1f3a5-c9e2-4b4d-86f8-0a2c4e6b8d0f";
const RESTAURANT = "0193a7c2-5e1f-7b3d-9a4c-2f6e8d0b1a35";

interface OrderInfoJson {
  id: string;
  organizationId: string;
  creationStatus: string;
  order: Record<string, unknown> & { items: Array<Record<string, unknown>> };
}
interface WebhookEventJson {
  eventType: string;
  organizationId: string;
  correlationId: string;
  eventInfo: OrderInfoJson;
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/iiko/${name}`, import.meta.url), "utf8")) as T;
}

const deliveryClosedBody = () => fixture<WebhookEventJson[]>("webhook-delivery-closed.json");
const tableClosedBody = () => fixture<WebhookEventJson[]>("webhook-table-closed.json");
const byRevision = () =>
  fixture<{ maxRevision: number; ordersByOrganizations: Array<{ orders: OrderInfoJson[] }> }>("by-revision.json");

/** The closed delivery as the webhook fixture carries it, to vary one field at a time. */
function closedDelivery(): OrderInfoJson {
  const [event] = deliveryClosedBody();
  if (!event) throw new Error("the fixture has no event");
  return event.eventInfo;
}

function settings(overrides: Partial<Record<keyof IikoSettings, unknown>> = {}): IikoSettings {
  return iikoSettingsSchema.parse({ organizationIds: [ORG], ...overrides });
}

function accepted(events: AdaptedEvent[]) {
  return events.flatMap((event) => (event.status === "accepted" ? [event] : []));
}

function only(events: AdaptedEvent[]): AdaptedEvent {
  expect(events).toHaveLength(1);
  const [event] = events;
  if (!event) throw new Error("no event");
  return event;
}

describe("iiko settings", () => {
  it("fill in RUB, iiko's Russian cloud, polling every minute and Moscow time", () => {
    expect(settings()).toEqual({
      organizationIds: [ORG],
      currency: "RUB",
      restaurantMap: {},
      apiBaseUrl: "https://api-ru.iiko.services",
      pollingEnabled: true,
      pollIntervalSeconds: 60,
      timeZone: "Europe/Moscow",
    });
  });

  it("take iiko's ids even when they are not RFC UUIDs, in whatever case they were pasted", () => {
    const parsed = settings({
      organizationIds: [ORG.toUpperCase()],
      restaurantMap: { [DELIVERY_TERMINAL_GROUP.toUpperCase()]: RESTAURANT },
      apiBaseUrl: "https://api-eu.iiko.services/",
    });
    expect(parsed.organizationIds).toEqual([ORG]);
    expect(parsed.restaurantMap).toEqual({ [DELIVERY_TERMINAL_GROUP]: RESTAURANT });
    expect(parsed.apiBaseUrl).toBe("https://api-eu.iiko.services");
  });

  it("refuse what would break polling or mapping", () => {
    const refused = (input: Record<string, unknown>) => iikoSettingsSchema.safeParse(input).success === false;
    expect(refused({ organizationIds: [] })).toBe(true);
    expect(refused({ organizationIds: ["org-1"] })).toBe(true);
    expect(refused({ organizationIds: [ORG], pollIntervalSeconds: 5 })).toBe(true);
    expect(refused({ organizationIds: [ORG], pollIntervalSeconds: 4 * 3600 })).toBe(true);
    expect(refused({ organizationIds: [ORG], timeZone: "Mars/Olympus" })).toBe(true);
    expect(refused({ organizationIds: [ORG], restaurantMap: { "hall 1": RESTAURANT } })).toBe(true);
    expect(refused({ organizationIds: [ORG], apiBaseUrl: "ftp://api-ru.iiko.services" })).toBe(true);
  });
});

describe("a closed delivery order", () => {
  it("is a sale of the order's total, closed at whenClosed in Moscow time", () => {
    const body = deliveryClosedBody();
    const event = only(parseIikoWebhook(body, settings()).events);
    expect(event).toEqual({
      eventId: `order:${CLOSED_DELIVERY}`,
      status: "accepted",
      raw: body[0],
      check: {
        externalId: CLOSED_DELIVERY,
        type: "sale",
        amountMinor: 123456n,
        currency: "RUB",
        closedAt: "2026-11-20T18:47:13.456Z",
        restaurantExternalId: ORG,
        guest: { phone: "+79161234567" },
        items: [
          {
            name: "Пицца Маргарита 30 см",
            sku: "6a1f0c2e-8b14-4d3a-9e57-c2f0a8b6d413",
            quantity: 2,
            amountMinor: 100800,
          },
          {
            name: "Морс клюквенный 0,5 л",
            sku: "0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
            quantity: 1,
            amountMinor: 22656,
          },
        ],
      },
    });
  });

  it("names its terminal group as the restaurant when the owner mapped that group", () => {
    const [event] = accepted(
      parseIikoWebhook(deliveryClosedBody(), settings({ restaurantMap: { [DELIVERY_TERMINAL_GROUP]: RESTAURANT } }))
        .events,
    );
    expect(event?.check.restaurantExternalId).toBe(DELIVERY_TERMINAL_GROUP);
  });

  it("is the same event whether the webhook or deliveries/by_revision brings it", () => {
    const fromWebhook = only(parseIikoWebhook(deliveryClosedBody(), settings()).events);
    const polled = byRevision().ordersByOrganizations[0]?.orders.find((order) => order.id === CLOSED_DELIVERY);
    const fromPolling = only(iikoOrderEvents(polled, settings()));
    expect(fromPolling.eventId).toBe(fromWebhook.eventId);
    expect(fromPolling.status === "accepted" && fromPolling.check).toEqual(
      fromWebhook.status === "accepted" && fromWebhook.check,
    );
  });

  it("takes the customer's phone when the order has none, and no guest when neither has one", () => {
    const info = closedDelivery();
    info.order.phone = null;
    info.order.customer = { type: "regular", id: "3f6b2a10-8c4d-4e21-b9f7-5d0a1c2e3b48", phone: "+7 916 765-43-21" };
    expect(accepted(iikoOrderEvents(info, settings()))[0]?.check.guest).toEqual({ phone: "+7 916 765-43-21" });

    info.order.customer = null;
    expect(accepted(iikoOrderEvents(info, settings()))[0]?.check.guest).toBeUndefined();
  });

  it("names a compound line by both halves and prices it by both", () => {
    const info = closedDelivery();
    info.order.items = [
      {
        type: "Compound",
        amount: 1,
        status: "Served",
        deleted: null,
        primaryComponent: { product: { id: "p-1", name: "Пепперони" }, price: 320, cost: 320, resultSum: 299.9 },
        secondaryComponent: { product: { id: "p-2", name: "Четыре сыра" }, price: 340, cost: 340, resultSum: 310.1 },
        template: null,
      },
    ];
    expect(accepted(iikoOrderEvents(info, settings()))[0]?.check.items).toEqual([
      { name: "Пепперони / Четыре сыра", sku: "p-1", quantity: 1, amountMinor: 61000 },
    ]);
  });

  it("keeps the sale when a line cannot be read, leaving that line out", () => {
    const info = closedDelivery();
    info.order.items = [{ type: "Product", amount: "two", product: { name: "?" } }, ...info.order.items];
    const [sale] = accepted(iikoOrderEvents(info, settings()));
    expect(sale?.check.amountMinor).toBe(123456n);
    expect(sale?.check.items?.map((line) => line.name)).toEqual(["Пицца Маргарита 30 см", "Морс клюквенный 0,5 л"]);
  });
});

describe("a closed table order", () => {
  it("is a sale with the table guest's phone, and its hall when mapped", () => {
    const body = tableClosedBody();
    const event = only(parseIikoWebhook(body, settings()).events);
    expect(event.eventId).toBe("order:8f2b6d4e-1a3c-4e5f-9b7d-0c2e4a6f8b1d");
    expect(event.status === "accepted" && event.check).toMatchObject({
      type: "sale",
      amountMinor: 341790n,
      closedAt: "2026-11-20T11:15:12.774Z",
      restaurantExternalId: ORG,
      guest: { phone: "+79035551234" },
    });
    expect(event.status === "accepted" && event.check.items?.map((line) => line.amountMinor)).toEqual([
      98000, 219000, 24790,
    ]);

    const mapped = settings({ restaurantMap: { [HALL_TERMINAL_GROUP.toUpperCase()]: RESTAURANT } });
    expect(accepted(parseIikoWebhook(body, mapped).events)[0]?.check.restaurantExternalId).toBe(HALL_TERMINAL_GROUP);
  });
});

describe("a delivery cancelled after it was closed", () => {
  const cancelled = () => {
    const order = byRevision().ordersByOrganizations[0]?.orders.find((info) => info.id === CANCELLED_DELIVERY);
    if (!order) throw new Error("the fixture has no cancelled order");
    return order;
  };

  it("is its sale and a refund of the whole order at the cancellation time", () => {
    const events = iikoOrderEvents(cancelled(), settings());
    expect(events.map((event) => [event.eventId, event.status])).toEqual([
      [`order:${CANCELLED_DELIVERY}`, "accepted"],
      [`order:${CANCELLED_DELIVERY}:cancel`, "accepted"],
    ]);
    const [sale, refund] = accepted(events);
    expect(sale?.check).toMatchObject({ type: "sale", externalId: CANCELLED_DELIVERY, amountMinor: 156000n });
    expect(refund?.check).toMatchObject({
      type: "refund",
      externalId: `${CANCELLED_DELIVERY}:cancel`,
      refundOf: CANCELLED_DELIVERY,
      amountMinor: 156000n,
      closedAt: "2026-11-20T18:15:00.870Z",
      guest: { phone: "+79857776655" },
    });
  });

  it("is refunded at whenClosed when iiko gives no cancellation time", () => {
    const info = cancelled();
    info.order.cancelInfo = null;
    const [, refund] = accepted(iikoOrderEvents(info, settings()));
    expect(refund?.check.closedAt).toBe("2026-11-20T17:05:41.902Z");
  });

  it("is nothing at all when it was cancelled before anyone paid", () => {
    const info = cancelled();
    info.order.whenClosed = null;
    const event = only(iikoOrderEvents(info, settings()));
    expect(event).toMatchObject({ status: "ignored", eventId: `order:${CANCELLED_DELIVERY}:Cancelled` });
    expect(event.status === "ignored" && event.reason).toMatch(/before it was closed/);
  });
});

describe("orders that are not checks yet", () => {
  it("are ignored, and so are events that carry no orders", () => {
    const events = parseIikoWebhook(fixture("webhook-mixed.json"), settings()).events;
    expect(events.map((event) => [event.status, event.eventId])).toEqual([
      ["ignored", "ignored:StopListUpdate:c2a9e0b4-71d3-4f58-8a6e-3b0d9f1c7e25"],
      ["ignored", "order:1d5e9a2c-7f3b-4c6d-8e0a-b4f2c6d8e1a7:CookingStarted"],
      ["ignored", "ignored:ReserveUpdate:6d2f8a4c-0e1b-4c7d-9a3f-5b7d9f1a3c5e"],
      ["ignored", "ignored:DeliveryOrderError:1f3b5d7f-9a1c-4e3f-8b5d-7f9a1c3e5b7d"],
      ["ignored", "order:2e4a6c8e-0b1d-4f3a-9c5e-7a9b1d3f5a7c:Bill"],
      ["ignored", "ignored:PersonalShift:5c7e9a1c-3d5f-4a7c-8e9a-3c5e7a9c1e3f"],
    ]);
    expect(events[1]?.status === "ignored" && events[1].reason).toMatch(/CookingStarted/);
  });

  it("include an order iiko failed to create, with iiko's reason", () => {
    const info = closedDelivery();
    Object.assign(info, {
      creationStatus: "Error",
      errorInfo: { code: "CannotAddInactiveProductToOrder", message: "Продукт не активен" },
      order: null,
    });
    const event = only(iikoOrderEvents(info, settings()));
    expect(event.status).toBe("ignored");
    expect(event.status === "ignored" && event.reason).toMatch(/Продукт не активен/);
  });

  it("include a closed order with nothing to pay", () => {
    const info = closedDelivery();
    info.order.sum = 0;
    expect(only(iikoOrderEvents(info, settings())).status).toBe("ignored");
  });
});

describe("what the adapter cannot use", () => {
  it("a body that is not an array is not an iiko webhook at all", () => {
    for (const body of [{ eventType: "DeliveryOrderUpdate" }, null, "[]"]) {
      expect(() => parseIikoWebhook(body, settings())).toThrow(IikoPayloadError);
    }
    try {
      parseIikoWebhook({}, settings());
    } catch (error) {
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).code).toBe("VALIDATION");
      expect((error as Error).message).toMatch(/JSON array/);
    }
  });

  it("an order of an organization this integration does not serve is rejected", () => {
    const body = deliveryClosedBody();
    const event = only(parseIikoWebhook(body, settings({ organizationIds: [HALL_TERMINAL_GROUP] })).events);
    expect(event).toMatchObject({
      status: "rejected",
      reason: "organization not configured",
      eventId: "rejected:5a0f4f26-2c7e-4b0f-9b53-6f1a7c3e8d92",
    });
  });

  it("a malformed event is rejected on its own, under a stable id", () => {
    const [good] = deliveryClosedBody();
    const broken = {
      eventType: "DeliveryOrderUpdate",
      organizationId: ORG,
      correlationId: "ab54c1e2-0f3d-4a6b-9c8e-7d1f2a3b4c5d",
      eventInfo: { id: CLOSED_DELIVERY, organizationId: ORG, creationStatus: "Success", order: { status: "Closed" } },
    };
    const body = ["not an event", broken, good];
    const events = parseIikoWebhook(body, settings()).events;
    expect(events.map((event) => event.status)).toEqual(["rejected", "rejected", "accepted"]);
    expect(events[0]?.eventId).toMatch(/^rejected:[0-9a-f]{32}$/);
    expect(events[1]?.eventId).toBe("rejected:ab54c1e2-0f3d-4a6b-9c8e-7d1f2a3b4c5d");
    expect(events[1]?.status === "rejected" && events[1].reason).toMatch(/order\.sum/);
    expect(parseIikoWebhook(body, settings()).events.map((event) => event.eventId)).toEqual(
      events.map((event) => event.eventId),
    );
  });

  it("a closed order without a closing time or with a negative sum is rejected", () => {
    const unclosed = closedDelivery();
    unclosed.order.whenClosed = null;
    expect(only(iikoOrderEvents(unclosed, settings())).status).toBe("rejected");

    const negative = closedDelivery();
    negative.order.sum = -10;
    const event = only(iikoOrderEvents(negative, settings()));
    expect(event.status === "rejected" && event.reason).toMatch(/-10/);
    expect(event.eventId).toMatch(/^rejected:[0-9a-f]{32}$/);
  });
});

describe("iiko amounts", () => {
  it("are decimal roubles read exactly, rounded half up to kopecks", () => {
    expect(iikoSumToMinor(1234.56)).toBe(123456n);
    expect(iikoSumToMinor(0.29)).toBe(29n);
    expect(iikoSumToMinor(1.005)).toBe(101n);
    expect(iikoSumToMinor(0.1 + 0.2)).toBe(30n);
    expect(iikoSumToMinor(19.994)).toBe(1999n);
    expect(iikoSumToMinor(19.995)).toBe(2000n);
    expect(iikoSumToMinor(100)).toBe(10000n);
    expect(iikoSumToMinor(99_999_999.99)).toBe(9_999_999_999n);
    expect(iikoSumToMinor(1e-7)).toBe(0n);
  });

  it("are nothing when negative or not a number", () => {
    for (const sum of [-0.01, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      expect(iikoSumToMinor(sum)).toBeNull();
    }
  });

  it("reach the check exactly", () => {
    const info = closedDelivery();
    info.order.sum = 4_321.07;
    expect(accepted(iikoOrderEvents(info, settings()))[0]?.check.amountMinor).toBe(432107n);
  });
});

describe("iiko local times", () => {
  it("become instants in the organization's time zone", () => {
    expect(iikoLocalTimeToIso("2026-11-20 21:47:13.456", "Europe/Moscow")).toBe("2026-11-20T18:47:13.456Z");
    expect(iikoLocalTimeToIso("2026-11-20 21:47:13.456", "Asia/Yekaterinburg")).toBe("2026-11-20T16:47:13.456Z");
    expect(iikoLocalTimeToIso("2026-01-01 00:30:00.000", "Asia/Vladivostok")).toBe("2025-12-31T14:30:00.000Z");
    expect(iikoLocalTimeToIso("2026-11-20 21:47:13", "UTC")).toBe("2026-11-20T21:47:13.000Z");
  });

  it("follow daylight saving where the zone has it", () => {
    expect(iikoLocalTimeToIso("2026-07-01 12:00:00.000", "Europe/Berlin")).toBe("2026-07-01T10:00:00.000Z");
    expect(iikoLocalTimeToIso("2026-12-01 12:00:00.000", "Europe/Berlin")).toBe("2026-12-01T11:00:00.000Z");
    expect(iikoLocalTimeToIso("2026-03-29 03:30:00.000", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    // Just before clocks go back: the naive guess lands after the change, at the wrong offset.
    expect(iikoLocalTimeToIso("2026-10-25 01:30:00.000", "Europe/Berlin")).toBe("2026-10-24T23:30:00.000Z");
  });

  it("are nothing when not iiko's format or not a real date", () => {
    expect(iikoLocalTimeToIso("20.11.2026 21:47", "Europe/Moscow")).toBeNull();
    expect(iikoLocalTimeToIso("2026-02-30 12:00:00.000", "Europe/Moscow")).toBeNull();
    expect(iikoLocalTimeToIso("2026-11-20 24:00:00.000", "Europe/Moscow")).toBeNull();
  });

  it("are read in the zone the settings name", () => {
    const [sale] = accepted(iikoOrderEvents(closedDelivery(), settings({ timeZone: "Asia/Yekaterinburg" })));
    expect(sale?.check.closedAt).toBe("2026-11-20T16:47:13.456Z");
  });
});

describe("the webhook's Authorization header", () => {
  it("gives the token whether iiko sends it raw or as a bearer token", () => {
    expect(iikoAuthTokenFrom("s3cret-token")).toBe("s3cret-token");
    expect(iikoAuthTokenFrom("Bearer s3cret-token")).toBe("s3cret-token");
    expect(iikoAuthTokenFrom("  bearer   s3cret-token ")).toBe("s3cret-token");
  });

  it("gives nothing when there is no token", () => {
    for (const header of [undefined, "", "   ", "Bearer", "Bearer   "]) {
      expect(iikoAuthTokenFrom(header)).toBeNull();
    }
  });
});
