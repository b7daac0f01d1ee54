// The event form's values as typed, and what becomes of them: the checks made before sending
// (what the browser can tell alone), the body the API takes, the fields an edit changes, and the
// API's own field messages in the staff member's language. The rules that tie fields together
// (the end after the start, the deadline not after it, enough places for those registered) are
// the API's (core/events/validate-event.ts); its 422 lands on the fields.
import type { Messages } from "../i18n/messages.ts";
import type { CreateEventBody, StaffEvent, UpdateEventBody } from "./event-api.ts";
import { isoToZonedInput, zonedInputToIso } from "./zoned-time.ts";

export interface EventFormValues {
  title: string;
  description: string;
  /** "": the whole business */
  restaurantId: string;
  /** datetime-local values, the business's wall clock */
  startsAt: string;
  endsAt: string;
  capacity: string;
  /** "": any level */
  minLevelId: string;
  paid: boolean;
  pricePoints: string;
  attendanceBonusPoints: string;
  registrationDeadline: string;
}

/** The fields a 422 may name, as the API names them. */
export const eventFieldNames = [
  "title",
  "description",
  "restaurantId",
  "startsAt",
  "endsAt",
  "capacity",
  "minLevelId",
  "pricePoints",
  "attendanceBonusPoints",
  "registrationDeadline",
] as const;

const MAX_CAPACITY = 100_000;
const MAX_POINTS = 10_000_000;

export function formValuesOf(event: StaffEvent | undefined, timeZone: string, restaurantId: string): EventFormValues {
  if (!event) {
    return {
      title: "",
      description: "",
      restaurantId,
      startsAt: "",
      endsAt: "",
      capacity: "",
      minLevelId: "",
      paid: false,
      pricePoints: "",
      attendanceBonusPoints: "0",
      registrationDeadline: "",
    };
  }
  return {
    title: event.title,
    description: event.description,
    restaurantId: event.restaurantId ?? "",
    startsAt: isoToZonedInput(event.startsAt, timeZone),
    endsAt: isoToZonedInput(event.endsAt, timeZone),
    capacity: String(event.capacity),
    minLevelId: event.minLevelId ?? "",
    paid: event.pricePoints > 0,
    pricePoints: event.pricePoints > 0 ? String(event.pricePoints) : "",
    attendanceBonusPoints: String(event.attendanceBonusPoints),
    registrationDeadline: isoToZonedInput(event.registrationDeadline, timeZone),
  };
}

/** Three hours after a datetime-local value, on the same wall clock (the usual length of an evening). */
export function threeHoursAfter(value: string): string {
  const at = Date.parse(`${value}:00Z`);
  if (Number.isNaN(at)) return "";
  return new Date(at + 3 * 3_600_000).toISOString().slice(0, 16);
}

const wholeIn = (text: string, min: number, max: number) => {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return false;
  const value = Number(trimmed);
  return value >= min && value <= max;
};

/** What is wrong before anything is sent, by field; empty when the form may go. */
export function checkEventForm(values: EventFormValues, timeZone: string, t: Messages): Record<string, string> {
  const invalid = t.events.invalid;
  const fields: Record<string, string> = {};
  if (!values.title.trim()) fields.title = invalid.title;
  if (!zonedInputToIso(values.startsAt, timeZone)) fields.startsAt = invalid.dateTime;
  if (!zonedInputToIso(values.endsAt, timeZone)) fields.endsAt = invalid.dateTime;
  if (values.registrationDeadline.trim() && !zonedInputToIso(values.registrationDeadline, timeZone)) {
    fields.registrationDeadline = invalid.dateTime;
  }
  if (!wholeIn(values.capacity, 1, MAX_CAPACITY)) fields.capacity = invalid.capacity;
  if (values.paid && !wholeIn(values.pricePoints, 1, MAX_POINTS)) fields.pricePoints = invalid.points;
  if (values.attendanceBonusPoints.trim() && !wholeIn(values.attendanceBonusPoints, 0, MAX_POINTS)) {
    fields.attendanceBonusPoints = invalid.bonus;
  }
  return fields;
}

/** The whole event as the API takes it; call after checkEventForm found nothing. */
export function eventBody(values: EventFormValues, timeZone: string): CreateEventBody {
  return {
    title: values.title.trim(),
    description: values.description.trim(),
    restaurantId: values.restaurantId || null,
    startsAt: zonedInputToIso(values.startsAt, timeZone) ?? "",
    endsAt: zonedInputToIso(values.endsAt, timeZone) ?? "",
    capacity: Number(values.capacity.trim()),
    minLevelId: values.minLevelId || null,
    pricePoints: values.paid ? Number(values.pricePoints.trim()) : 0,
    attendanceBonusPoints: Number(values.attendanceBonusPoints.trim() || "0"),
    registrationDeadline: values.registrationDeadline.trim()
      ? zonedInputToIso(values.registrationDeadline, timeZone)
      : null,
  };
}

const sameInstant = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? null) === null || (b ?? null) === null
    ? (a ?? null) === (b ?? null)
    : Date.parse(a ?? "") === Date.parse(b ?? "");

/** Only what an edit changes, so the audit log shows just that; empty when nothing did. */
export function changedFields(event: StaffEvent, body: CreateEventBody): UpdateEventBody {
  const changes: UpdateEventBody = {};
  if (body.title !== event.title) changes.title = body.title;
  if ((body.description ?? "") !== event.description) changes.description = body.description ?? "";
  if ((body.restaurantId ?? null) !== event.restaurantId) changes.restaurantId = body.restaurantId ?? null;
  if (!sameInstant(body.startsAt, event.startsAt)) changes.startsAt = body.startsAt;
  if (!sameInstant(body.endsAt, event.endsAt)) changes.endsAt = body.endsAt;
  if (body.capacity !== event.capacity) changes.capacity = body.capacity;
  if ((body.minLevelId ?? null) !== event.minLevelId) changes.minLevelId = body.minLevelId ?? null;
  if ((body.pricePoints ?? 0) !== event.pricePoints) changes.pricePoints = body.pricePoints ?? 0;
  if ((body.attendanceBonusPoints ?? 0) !== event.attendanceBonusPoints) {
    changes.attendanceBonusPoints = body.attendanceBonusPoints ?? 0;
  }
  if (!sameInstant(body.registrationDeadline, event.registrationDeadline)) {
    changes.registrationDeadline = body.registrationDeadline ?? null;
  }
  return changes;
}

/** The API's message for a field (validate-event.ts writes them in English) in the staff's language. */
export function eventFieldMessage(path: string, message: string, t: Messages): string {
  const invalid = t.events.invalid;
  if (path === "endsAt" && message.startsWith("must be after")) return invalid.endsAt;
  if (path === "startsAt" && message.startsWith("must be in the future")) return invalid.startsPast;
  if (path === "registrationDeadline" && message.startsWith("must not be after")) return invalid.deadline;
  const registered = /^(\d+) guests are registered already/.exec(message);
  if (path === "capacity" && registered) return invalid.capacityBelow(Number(registered[1]));
  if (path === "minLevelId" && message.startsWith("no such level")) return invalid.level;
  if (path === "restaurantId" && message.startsWith("no such restaurant")) return invalid.restaurantGone;
  if (path === "restaurantId") return invalid.restaurantScope;
  return message;
}
