// One iiko order snapshot (a webhook's eventInfo or a deliveries/by_revision entry) as the
// events it means for loyalty. iiko sends the whole order at every change, so only the state
// matters: a closed order is a sale; a closed order later voided is that sale and its refund;
// every other state needs nothing from us yet.
//
// Ids are the order's, so the same order arriving by webhook and by polling is one sale.
import {
  type PosCheckInput,
  type PosCheckItem,
  type PosGuestRef,
  posCheckItemSchema,
  posCheckSchema,
  posGuestRefSchema,
} from "@maxl/shared";
import type { z } from "zod";
import type { AdaptedEvent } from "../adapted-event.ts";
import { iikoSumToMinor } from "./amounts.ts";
import { rejectedEventId } from "./event-ids.ts";
import { iikoLocalTimeToIso } from "./local-time.ts";
import {
  type IikoOrder,
  type IikoOrderInfo,
  type IikoOrderItem,
  iikoOrderInfoSchema,
  iikoOrderItemSchema,
} from "./payloads.ts";
import type { IikoSettings } from "./settings.ts";

/**
 * How iiko voids an order: deliveries are Cancelled, table orders Deleted. A delivery can be
 * cancelled after it was closed (the money goes back to the guest); `whenClosed` staying filled
 * is what tells such an order from one cancelled before anyone paid.
 */
const voidStatuses = new Set(["Cancelled", "Deleted"]);

const POS_CHECK_MAX_ITEMS = 500;

/** The events one order snapshot means: none to act on, a sale, or a sale and its refund. */
export function iikoOrderEvents(snapshot: unknown, settings: IikoSettings): AdaptedEvent[] {
  const parsed = iikoOrderInfoSchema.safeParse(snapshot);
  if (!parsed.success) {
    return [rejected(snapshot, `not an iiko order: ${describeIssues(parsed.error)}`)];
  }
  const info = parsed.data;
  const saleEventId = `order:${info.id}`;

  if (info.creationStatus !== "Success") {
    const reason =
      info.creationStatus === "Error"
        ? `iiko could not create the order: ${creationError(info)}`
        : `iiko is still creating the order (creationStatus ${info.creationStatus})`;
    return [{ eventId: `${saleEventId}:${info.creationStatus}`, status: "ignored", reason, raw: snapshot }];
  }
  const order = info.order;
  if (!order) return [rejected(snapshot, 'creationStatus is "Success" but the order is missing')];

  const voided = voidStatuses.has(order.status);
  if (order.status !== "Closed" && !voided) {
    const reason = `the order is ${order.status}; it becomes a check when iiko closes it`;
    return [{ eventId: `${saleEventId}:${order.status}`, status: "ignored", reason, raw: snapshot }];
  }
  if (voided && !order.whenClosed) {
    const reason = `the order was ${order.status.toLowerCase()} before it was closed: nothing was paid`;
    return [{ eventId: `${saleEventId}:${order.status}`, status: "ignored", reason, raw: snapshot }];
  }
  if (!order.whenClosed) return [rejected(snapshot, "the order is Closed but has no whenClosed")];

  const amountMinor = iikoSumToMinor(order.sum);
  if (amountMinor === null) return [rejected(snapshot, `the order's sum ${order.sum} is not an amount`)];
  if (amountMinor === 0n) {
    const reason = "the order's sum is 0: nothing to accrue";
    return [{ eventId: `${saleEventId}:zero`, status: "ignored", reason, raw: snapshot }];
  }
  const closedAt = instantOf(order.whenClosed, settings);
  if (!closedAt) return [rejected(snapshot, `whenClosed "${order.whenClosed}" is not a time`)];

  const common = {
    amountMinor: amountMinor.toString(),
    currency: settings.currency,
    restaurantExternalId: restaurantExternalIdOf(info, order, settings),
    guest: guestOf(order),
    items: linesOf(order),
  } satisfies Partial<PosCheckInput>;

  const sale = posCheckSchema.safeParse({ ...common, externalId: info.id, type: "sale", closedAt });
  if (!sale.success) return [rejected(snapshot, `the order does not make a check: ${describeIssues(sale.error)}`)];
  const events: AdaptedEvent[] = [{ eventId: saleEventId, status: "accepted", check: sale.data, raw: snapshot }];
  if (!voided) return events;

  // The sale comes too: polling may never have seen the order closed, and a refund needs its
  // sale. When the sale is already in, its id makes this copy a duplicate.
  const cancelledAt = order.cancelInfo?.whenCancelled ? instantOf(order.cancelInfo.whenCancelled, settings) : closedAt;
  if (!cancelledAt) {
    return [rejected(snapshot, `cancelInfo.whenCancelled "${order.cancelInfo?.whenCancelled}" is not a time`)];
  }
  const refund = posCheckSchema.safeParse({
    ...common,
    externalId: `${info.id}:cancel`,
    type: "refund",
    refundOf: info.id,
    closedAt: cancelledAt,
  });
  if (!refund.success) {
    return [rejected(snapshot, `the cancellation does not make a refund: ${describeIssues(refund.error)}`)];
  }
  events.push({ eventId: `${saleEventId}:cancel`, status: "accepted", check: refund.data, raw: snapshot });
  return events;
}

function rejected(raw: unknown, reason: string): AdaptedEvent {
  return { eventId: rejectedEventId(raw), status: "rejected", reason, raw };
}

function instantOf(localTime: string, settings: IikoSettings): string | null {
  return iikoLocalTimeToIso(localTime, settings.timeZone);
}

/**
 * The terminal group when the owner mapped it to a restaurant (one iiko organization can run
 * several halls or kitchens), else the organization. Lower case, as the settings' map keys are.
 */
function restaurantExternalIdOf(info: IikoOrderInfo, order: IikoOrder, settings: IikoSettings): string {
  const terminalGroupId = order.terminalGroupId?.toLowerCase();
  return terminalGroupId && Object.hasOwn(settings.restaurantMap, terminalGroupId)
    ? terminalGroupId
    : info.organizationId.toLowerCase();
}

/** The delivery's phone, or the table guest's; as iiko has it (matching normalises it). */
function guestOf(order: IikoOrder): PosGuestRef | undefined {
  for (const phone of [order.phone, order.customer?.phone]) {
    if (!phone?.trim()) continue;
    const guest = posGuestRefSchema.safeParse({ phone });
    if (guest.success) return guest.data;
  }
  return undefined;
}

/**
 * The order's lines, for support and reports only: a line that is deleted or does not read is
 * left out rather than costing the guest their points.
 */
function linesOf(order: IikoOrder): PosCheckItem[] | undefined {
  const lines = (order.items ?? []).flatMap((raw) => {
    const item = iikoOrderItemSchema.safeParse(raw);
    if (!item.success || (item.data.deleted !== undefined && item.data.deleted !== null)) return [];
    const line = posCheckItemSchema.safeParse(lineOf(item.data));
    return line.success ? [line.data] : [];
  });
  return lines.length > 0 && lines.length <= POS_CHECK_MAX_ITEMS ? lines : undefined;
}

function lineOf(item: IikoOrderItem): unknown {
  // A compound line (a pizza of two halves) keeps its product and money on its components.
  const parts =
    item.type === "Compound"
      ? [item.primaryComponent, item.secondaryComponent].filter((part) => part !== null && part !== undefined)
      : [item];
  let amountMinor = 0n;
  for (const part of parts) {
    const minor = iikoSumToMinor(part.resultSum ?? part.cost ?? Number.NaN);
    if (minor === null) return null;
    amountMinor += minor;
  }
  const names = parts.map((part) => part.product?.name?.trim()).filter((name) => !!name);
  return {
    name: names.join(" / "),
    sku: parts[0]?.product?.id ?? undefined,
    quantity: item.amount,
    amountMinor: Number(amountMinor),
  };
}

function creationError(info: IikoOrderInfo): string {
  const error = info.errorInfo;
  return error?.message ?? error?.description ?? error?.code ?? "no details given";
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"} ${issue.message}`)
    .join("; ");
}
