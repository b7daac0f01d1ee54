// Ids for events that do not become checks. They must be stable (iiko retries a webhook every
// 10 minutes for an hour, and polling sees an order again) so the inbox records each once.
import { requestHash } from "../../loyalty/idempotency.ts";

/** iiko's correlationId when the event has one, otherwise a hash of exactly what arrived. */
export function iikoEventKey(raw: unknown): string {
  const correlationId =
    raw && typeof raw === "object" && "correlationId" in raw && typeof raw.correlationId === "string"
      ? raw.correlationId.trim()
      : "";
  return correlationId.length > 0 && correlationId.length <= 100 ? correlationId : requestHash(raw).slice(0, 32);
}

export function rejectedEventId(raw: unknown): string {
  return `rejected:${iikoEventKey(raw)}`;
}
