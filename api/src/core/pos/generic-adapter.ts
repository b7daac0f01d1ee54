// The generic signed webhook's body is the internal check itself (ARCHITECTURE.md section 5);
// its event id is the check's externalId, so a POS repeating a delivery repeats the id.
import { type FieldError, posCheckSchema, ServiceError } from "@maxl/shared";
import type { AdaptedEvent } from "./adapted-event.ts";

export function parseGenericCheck(body: Uint8Array): AdaptedEvent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new ServiceError("VALIDATION", "The body is not JSON (UTF-8). Send the check as a JSON object.", {
      key: "pos-body-not-json",
    });
  }
  const parsed = posCheckSchema.safeParse(json);
  if (!parsed.success) {
    const fields: FieldError[] = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join(".") || "(body)",
      message: issue.message,
    }));
    throw new ServiceError(
      "VALIDATION",
      `The check has ${fields.length === 1 ? "an invalid value" : `${fields.length} invalid values`}: ${fields
        .map((field) => `${field.path}: ${field.message}`)
        .join("; ")}.`,
      { key: "fields-invalid", fields },
    );
  }
  return { eventId: parsed.data.externalId, status: "accepted", check: parsed.data, raw: undefined };
}
