// iiko Cloud's webhook body: a JSON array of events, each `{ eventType, eventTime,
// organizationId, correlationId, eventInfo }`. iiko sends every subscribed type to the one URL of
// an organization, so most events here are not ours to act on; only order updates can carry a
// check. The token set in iikoWeb ("authToken") comes back in the Authorization header.
import { ServiceError } from "@maxl/shared";
import type { AdaptedEvent } from "../adapted-event.ts";
import { iikoEventKey, rejectedEventId } from "./event-ids.ts";
import { iikoOrderEvents } from "./map-order.ts";
import { type IikoWebhookEvent, iikoWebhookEventSchema } from "./payloads.ts";
import type { IikoSettings } from "./settings.ts";

/** A webhook body that is not iiko's at all (not an array of events). */
export class IikoPayloadError extends ServiceError {
  constructor(message: string) {
    super("VALIDATION", message);
  }
}

/** Event types whose eventInfo is an order snapshot. */
const orderUpdateTypes = new Set(["DeliveryOrderUpdate", "TableOrderUpdate"]);
/** iiko could not save an order someone sent it: nothing was sold. */
const orderErrorTypes = new Set(["DeliveryOrderError", "TableOrderError"]);

export function parseIikoWebhook(body: unknown, settings: IikoSettings): { events: AdaptedEvent[] } {
  if (!Array.isArray(body)) {
    const got = body === null ? "null" : typeof body;
    throw new IikoPayloadError(`an iiko webhook body is a JSON array of events; this one is ${got}`);
  }
  return { events: body.flatMap((raw: unknown) => webhookEventEvents(raw, settings)) };
}

function webhookEventEvents(raw: unknown, settings: IikoSettings): AdaptedEvent[] {
  const parsed = iikoWebhookEventSchema.safeParse(raw);
  if (!parsed.success) {
    return [{ eventId: rejectedEventId(raw), status: "rejected", reason: "not an iiko webhook event", raw }];
  }
  const event = parsed.data;
  const handled = orderUpdateTypes.has(event.eventType) || orderErrorTypes.has(event.eventType);
  if (!handled) {
    const reason = `${event.eventType} events carry no checks`;
    return [{ eventId: `ignored:${event.eventType}:${iikoEventKey(raw)}`, status: "ignored", reason, raw }];
  }
  const organizationId = organizationIdOf(event);
  if (!organizationId) {
    return [{ eventId: rejectedEventId(raw), status: "rejected", reason: "the event names no organization", raw }];
  }
  if (!settings.organizationIds.includes(organizationId)) {
    return [{ eventId: rejectedEventId(raw), status: "rejected", reason: "organization not configured", raw }];
  }
  if (orderErrorTypes.has(event.eventType)) {
    const reason = `${event.eventType}: iiko could not save an order, so nothing was sold`;
    return [{ eventId: `ignored:${event.eventType}:${iikoEventKey(raw)}`, status: "ignored", reason, raw }];
  }
  // The whole webhook event is kept as the raw document; a rejection takes the event's id so a
  // retried delivery of the same event is recorded once.
  return iikoOrderEvents(event.eventInfo, settings).map((adapted) =>
    adapted.status === "rejected" ? { ...adapted, eventId: rejectedEventId(raw), raw } : { ...adapted, raw },
  );
}

/** The event's organization, or the order's when the envelope leaves it out; lower case. */
function organizationIdOf(event: IikoWebhookEvent): string | undefined {
  const info = event.eventInfo;
  const fromInfo =
    info && typeof info === "object" && "organizationId" in info && typeof info.organizationId === "string"
      ? info.organizationId
      : undefined;
  return (event.organizationId ?? fromInfo)?.trim().toLowerCase();
}

/** The webhook token from an Authorization header, which iiko sends raw or as "Bearer <token>". */
export function iikoAuthTokenFrom(header: string | undefined): string | null {
  const value = header?.trim();
  if (!value || /^Bearer$/i.test(value)) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(value);
  return bearer?.[1]?.trim() ?? value;
}
