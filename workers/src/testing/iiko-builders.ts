// iiko order snapshots and webhook bodies shaped as iikoCloud API sends them
// (Deliveries.Response.OrderInfo, TableOrders.Response.TableOrderInfo, WebHooks.*EventInfo), for
// tests. Everything is deterministic: the same spec gives the same document.

export const IIKO_TEST_ORGANIZATION_ID = "7bc05553-4b68-44e8-b7bc-37be63c6d9e9";
/** Terminal group ids are GUIDs but not RFC UUIDs (version nibble d), as iiko's often are. */
export const IIKO_TEST_TERMINAL_GROUP_ID = "0b6e4f2a-91c3-d5e7-0193-5a7f0c2e8b14";
/** A time iiko writes: the terminal's wall clock (Moscow here), no offset. */
export const IIKO_TEST_CLOSED_AT = "2026-11-20 21:47:13.456";

export interface IikoLineSpec {
  name: string;
  /** quantity; 1 unless given */
  amount?: number;
  /** per unit, roubles */
  price: number;
  /** the line after discounts, roubles; price × amount unless given */
  resultSum?: number;
  productId?: string;
}

export interface IikoOrderSpec {
  id?: string;
  organizationId?: string;
  terminalGroupId?: string;
  /** delivery: Unconfirmed ... Closed, Cancelled; table: New, Bill, Closed, Deleted. Closed unless given. */
  status?: string;
  /** roubles; the lines' total unless given */
  sum?: number;
  /** set for Closed orders unless given; null otherwise */
  whenClosed?: string | null;
  /** fills cancelInfo, as iiko does for a cancelled delivery */
  whenCancelled?: string;
  phone?: string | null;
  lines?: IikoLineSpec[];
  number?: number;
  creationStatus?: "Success" | "InProgress" | "Error";
  /** iikoTransport's time of the latest change, ms */
  timestamp?: number;
}

/** An order snapshot as a webhook's eventInfo or a deliveries/by_revision entry carries it. */
export interface IikoOrderInfoJson {
  id: string;
  posId: string | null;
  externalNumber: string | null;
  organizationId: string;
  timestamp: number;
  creationStatus: string;
  errorInfo: { code: string; message: string; description: null; additionalData: null } | null;
  order: Record<string, unknown> | null;
}

const defaultLines: IikoLineSpec[] = [
  { name: "Пицца Маргарита 30 см", amount: 2, price: 560, resultSum: 1008 },
  { name: "Морс клюквенный 0,5 л", amount: 1, price: 250, resultSum: 226.56 },
];

/** A delivery order; by default closed, 1234.56 ₽, for +79161234567. */
export function iikoDeliveryOrder(spec: IikoOrderSpec = {}): IikoOrderInfoJson {
  const status = spec.status ?? "Closed";
  return orderInfo(spec, "e4c9a1f0-3b2d-4c8e-9f71-2a6b5d8c0e13", {
    parentDeliveryId: null,
    customer: { type: "regular", id: "3f6b2a10-8c4d-4e21-b9f7-5d0a1c2e3b48", name: "Анна", surname: "Смирнова" },
    phone: spec.phone === undefined ? "+79161234567" : spec.phone,
    deliveryPoint: {
      coordinates: { latitude: 55.75222, longitude: 37.61556 },
      address: { street: { name: "Тверская", city: "Москва" }, house: "12", flat: "45" },
      comment: null,
    },
    status,
    cancelInfo: spec.whenCancelled
      ? {
          whenCancelled: spec.whenCancelled,
          cause: { id: "8f4d4d53-9ce1-4f5e-a1e7-3f0c5d7b9e21", name: "Гость отказался" },
          comment: null,
        }
      : null,
    completeBefore: "2026-11-20 21:30:00.000",
    whenCreated: "2026-11-20 20:41:02.118",
    cookingStartTime: "2026-11-20 20:45:00.000",
    isDeleted: false,
    orderType: {
      id: "76067ea3-356f-eb93-9d14-1fa00d082c4e",
      name: "Доставка курьером",
      orderServiceType: "DeliveryByCourier",
    },
  });
}

/** A table order in the hall; by default closed, 1234.56 ₽, no guest phone. */
export function iikoTableOrder(spec: IikoOrderSpec = {}): IikoOrderInfoJson {
  return orderInfo(spec, "8f2b6d4e-1a3c-4e5f-9b7d-0c2e4a6f8b1d", {
    tableIds: ["1c3e5a7b-9d0f-4e2a-8c4b-6d8f0a2c4e6a"],
    customer: null,
    phone: spec.phone ?? null,
    status: spec.status ?? "Closed",
    whenCreated: "2026-11-20 20:01:20.345",
    waiter: { id: "2b4d6f8a-0c1e-4a3b-9d5f-7e9a1c3e5b7d", name: "Дмитрий", phone: null },
    tabName: null,
    orderType: { id: "5b1508f9-fe5b-d6af-cb8d-043835fd0c4e", name: "Обычный заказ", orderServiceType: "Common" },
  });
}

export interface IikoWebhookEventSpec {
  /** DeliveryOrderUpdate for a delivery snapshot, TableOrderUpdate for a table one, unless given */
  eventType?: string;
  eventInfo: unknown;
  organizationId?: string;
  correlationId?: string;
  /** UTC, in iiko's format */
  eventTime?: string;
}

/** A webhook body: the JSON array iiko POSTs, one element per event. */
export function iikoWebhookBody(events: readonly IikoWebhookEventSpec[]): Array<Record<string, unknown>> {
  return events.map((event, index) => ({
    eventType: event.eventType ?? (isTableOrder(event.eventInfo) ? "TableOrderUpdate" : "DeliveryOrderUpdate"),
    eventTime: event.eventTime ?? "2026-11-20 18:47:14.021",
    organizationId: event.organizationId ?? organizationIdOf(event.eventInfo) ?? IIKO_TEST_ORGANIZATION_ID,
    correlationId: event.correlationId ?? `5a0f4f26-2c7e-4b0f-9b53-${String(index + 1).padStart(12, "0")}`,
    eventInfo: event.eventInfo,
  }));
}

function orderInfo(spec: IikoOrderSpec, defaultId: string, kindFields: Record<string, unknown>): IikoOrderInfoJson {
  const id = spec.id ?? defaultId;
  const creationStatus = spec.creationStatus ?? "Success";
  const lines = (spec.lines ?? defaultLines).map(lineJson);
  const sumKopecks = lines.reduce((total, line) => total + Math.round(line.resultSum * 100), 0);
  const sum = spec.sum ?? sumKopecks / 100;
  const status = String(kindFields.status);
  const whenClosed =
    spec.whenClosed === undefined ? (status === "Closed" ? IIKO_TEST_CLOSED_AT : null) : spec.whenClosed;
  const order = {
    ...kindFields,
    sum,
    number: spec.number ?? 4521,
    sourceKey: null,
    whenBillPrinted: whenClosed,
    whenClosed,
    conception: null,
    guestsInfo: { count: 1, splitBetweenPersons: false },
    items: lines,
    combos: [],
    payments: whenClosed
      ? [
          {
            paymentType: { id: "09322f46-578a-d210-add7-eec222a08871", name: "Банковские карты", kind: "Card" },
            sum,
            isPreliminary: false,
            isExternal: false,
            isProcessedExternally: false,
            isFiscalizedExternally: false,
            isPrepay: false,
          },
        ]
      : [],
    tips: [],
    discounts: [],
    terminalGroupId: spec.terminalGroupId ?? IIKO_TEST_TERMINAL_GROUP_ID,
    processedPaymentsSum: whenClosed ? sum : 0,
    loyaltyInfo: { coupon: null, appliedManualConditions: [] },
    externalData: [],
  };
  return {
    id,
    posId: creationStatus === "Success" ? id : null,
    externalNumber: null,
    organizationId: spec.organizationId ?? IIKO_TEST_ORGANIZATION_ID,
    timestamp: spec.timestamp ?? 1795200433456,
    creationStatus,
    errorInfo:
      creationStatus === "Error"
        ? {
            code: "CannotAddInactiveProductToOrder",
            message: "Продукт не активен в меню терминала",
            description: null,
            additionalData: null,
          }
        : null,
    order: creationStatus === "Success" ? order : null,
  };
}

function lineJson(line: IikoLineSpec, index: number) {
  const amount = line.amount ?? 1;
  const cost = Math.round(line.price * amount * 100) / 100;
  const productId = line.productId ?? `6a1f0c2e-8b14-4d3a-9e57-${String(index + 1).padStart(12, "0")}`;
  return {
    type: "Product",
    product: { id: productId, name: line.name },
    modifiers: [],
    price: line.price,
    cost,
    pricePredefined: false,
    positionId: `f1e2d3c4-b5a6-4978-8a9b-${String(index + 1).padStart(12, "0")}`,
    taxPercent: null,
    resultSum: line.resultSum ?? cost,
    status: "Served",
    deleted: null,
    amount,
    comment: null,
    size: null,
    comboInformation: null,
  };
}

function isTableOrder(info: unknown): boolean {
  const order = info && typeof info === "object" && "order" in info ? info.order : undefined;
  return !!order && typeof order === "object" && "tableIds" in order;
}

function organizationIdOf(info: unknown): string | undefined {
  return info && typeof info === "object" && "organizationId" in info && typeof info.organizationId === "string"
    ? info.organizationId
    : undefined;
}
