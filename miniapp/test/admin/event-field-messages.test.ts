// The API's field errors on an event, put in the admin's words beside the field: one test per
// message the API sends in English that staff should read in their language.
import { describe, expect, it } from "vitest";
import { eventFieldMessage } from "../../src/admin/events/event-form-values.ts";
import { messages } from "../../src/admin/i18n/messages.ts";

describe("event field messages", () => {
  it("a published event's start moved into the past, in English and Russian", () => {
    const api = "must be in the future for a published event";
    expect(eventFieldMessage("startsAt", api, messages.en)).toBe(
      "Guests have registered: the new start must be in the future",
    );
    expect(eventFieldMessage("startsAt", api, messages.ru)).toBe(
      "Гости уже записаны: новое начало должно быть в будущем",
    );
  });

  it("passes on a message it does not know as the API wrote it", () => {
    expect(eventFieldMessage("startsAt", "must be an ISO 8601 date and time with an offset", messages.en)).toBe(
      "must be an ISO 8601 date and time with an offset",
    );
  });
});
