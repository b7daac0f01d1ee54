// The parts of iikoCloud API's documents that the adapter reads, named as iiko names them
// (https://api-ru.iiko.services/docs, OpenAPI 3 description). Objects are loose: iiko adds fields
// with every release, and a field we do not read must never make an order fail.
import { z } from "zod";

/**
 * iiko's "date-time": `yyyy-MM-dd HH:mm:ss.fff`, e.g. `2026-11-20 21:47:13.456`. Order times
 * (whenClosed, whenCancelled) are the terminal's local wall clock, without an offset.
 */
export const iikoLocalTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/, { message: "must be yyyy-MM-dd HH:mm:ss.fff" });

const idSchema = z.string().trim().min(1).max(100);

/** The error body of every iiko endpoint (iikoTransport.PublicApi.Contracts.Errors.ErrorResponse). */
export const iikoErrorBodySchema = z.looseObject({
  correlationId: z.string().nullish(),
  errorDescription: z.string().nullish(),
  error: z.string().nullish(),
});

/** POST /api/1/access_token: a session token that lives about an hour. */
export const iikoAccessTokenSchema = z.looseObject({
  correlationId: z.string().nullish(),
  token: z.string().min(1),
});

const iikoProductSchema = z.looseObject({ id: z.string().nullish(), name: z.string().nullish() });

/** A line's money: `cost` before discounts and surcharges, `resultSum` after them. */
const iikoPricedProductSchema = z.looseObject({
  product: iikoProductSchema,
  price: z.number().nullish(),
  cost: z.number().nullish(),
  resultSum: z.number().nullish(),
});

/**
 * An order line. `type` is "Product" (the fields sit on the line) or "Compound" (a pizza of two
 * halves: primaryComponent and secondaryComponent). A line with `deleted` filled in was removed.
 */
export const iikoOrderItemSchema = z.looseObject({
  type: z.string(),
  amount: z.number(),
  deleted: z.unknown().optional(),
  product: iikoProductSchema.nullish(),
  price: z.number().nullish(),
  cost: z.number().nullish(),
  resultSum: z.number().nullish(),
  primaryComponent: iikoPricedProductSchema.nullish(),
  secondaryComponent: iikoPricedProductSchema.nullish(),
});
export type IikoOrderItem = z.infer<typeof iikoOrderItemSchema>;

/**
 * A delivery order (Deliveries.Response.Order) or a table order (TableOrders.Response.TableOrder):
 * the fields both share and we read. Lines stay unparsed here so that one odd line costs only
 * that line, not the check.
 */
export const iikoOrderSchema = z.looseObject({
  /** delivery: Unconfirmed ... Delivered, Closed, Cancelled; table: New, Bill, Closed, Deleted */
  status: z.string().min(1),
  /** the order total after discounts and surcharges, decimal roubles */
  sum: z.number(),
  whenClosed: iikoLocalTimeSchema.nullish(),
  /** the delivery's phone, or the table guest's (iikoFront 7.5.2 and later) */
  phone: z.string().nullish(),
  customer: z.looseObject({ phone: z.string().nullish() }).nullish(),
  cancelInfo: z.looseObject({ whenCancelled: iikoLocalTimeSchema.nullish() }).nullish(),
  terminalGroupId: z.string().nullish(),
  items: z.array(z.unknown()).nullish(),
});
export type IikoOrder = z.infer<typeof iikoOrderSchema>;

/**
 * One order snapshot as a webhook's eventInfo or a deliveries/by_revision entry carries it
 * (Deliveries.Response.OrderInfo, TableOrders.Response.TableOrderInfo). `order` is filled only
 * when creationStatus is "Success".
 */
export const iikoOrderInfoSchema = z.looseObject({
  id: idSchema,
  posId: z.string().nullish(),
  externalNumber: z.string().nullish(),
  organizationId: idSchema,
  /** the iikoTransport server's time of the latest change */
  timestamp: z.number().nullish(),
  /** "Success", "InProgress" or "Error" */
  creationStatus: z.string().min(1),
  errorInfo: z
    .looseObject({ code: z.string().nullish(), message: z.string().nullish(), description: z.string().nullish() })
    .nullish(),
  order: iikoOrderSchema.nullish(),
});
export type IikoOrderInfo = z.infer<typeof iikoOrderInfoSchema>;

/**
 * One element of a webhook body (WebHooks.*WebHookEventInfo). `eventTime` is UTC; `eventInfo`
 * depends on `eventType` and is read only for the types we handle.
 */
export const iikoWebhookEventSchema = z.looseObject({
  eventType: z.string().min(1),
  eventTime: z.string().nullish(),
  organizationId: z.string().nullish(),
  correlationId: z.string().nullish(),
  eventInfo: z.unknown(),
});
export type IikoWebhookEvent = z.infer<typeof iikoWebhookEventSchema>;

/**
 * POST /api/1/deliveries/by_revision: the orders changed after `startRevision`, and the revision
 * to ask from next time. Orders stay unparsed so that one broken order is rejected on its own
 * (by iikoOrderEvents) instead of failing the whole page.
 */
export const iikoDeliveriesByRevisionSchema = z.looseObject({
  correlationId: z.string().nullish(),
  maxRevision: z.number().int().nonnegative(),
  ordersByOrganizations: z.array(
    z.looseObject({
      organizationId: z.string(),
      orders: z.array(z.unknown()),
    }),
  ),
});
export type IikoDeliveriesByRevision = z.infer<typeof iikoDeliveriesByRevisionSchema>;
