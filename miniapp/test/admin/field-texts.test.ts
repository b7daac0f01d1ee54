// Field errors beside the form's fields in the admin's language: every key the API gives
// (api/src/http/field-keys.ts) has both texts, and a field error without a known key keeps the
// API's English message.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../src/admin/api/client.ts";
import { formErrorsOf } from "../../src/admin/components/Field.tsx";
import { fieldTexts } from "../../src/admin/i18n/field-texts.ts";
import { messages } from "../../src/admin/i18n/messages.ts";

const apiKeys = [
  ...new Set(
    readFileSync(new URL("../../../api/src/http/field-keys.ts", import.meta.url), "utf8").match(/"field-[a-z-]+"/g) ??
      [],
  ),
].map((quoted) => quoted.slice(1, -1));

describe("field texts", () => {
  it("has an English and a Russian text for every key the API gives, and none for a key it does not", () => {
    expect(apiKeys.length).toBeGreaterThan(10);
    expect(Object.keys(fieldTexts.en).sort()).toEqual([...apiKeys].sort());
    expect(Object.keys(fieldTexts.ru).sort()).toEqual([...apiKeys].sort());
  });

  it("puts a keyed field error in the admin's language, with its values", () => {
    const error = new ProblemError(422, "The request body has 2 invalid values", "fields-invalid", "VALIDATION", [
      {
        path: "title",
        message: "Too big: expected string to have <=120 characters",
        messageKey: "field-too-long",
        messageVars: { maximum: 120 },
      },
      { path: "capacity", message: "Invalid input: expected int, received number", messageKey: "field-whole-number" },
      { path: "startsAt", message: "must be in the future for a published event" },
    ]);
    const known = ["title", "capacity", "startsAt"];
    expect(formErrorsOf(error, messages.ru, known).fields).toEqual({
      title: "Не длиннее 120 символов",
      capacity: "Целое число",
      startsAt: "must be in the future for a published event",
    });
    expect(formErrorsOf(error, messages.en, known).fields).toEqual({
      title: "At most 120 characters",
      capacity: "A whole number",
      startsAt: "must be in the future for a published event",
    });
  });

  it("says the Russian counts in their forms", () => {
    const long = (maximum: number) =>
      formErrorsOf(
        new ProblemError(422, "x", null, "VALIDATION", [
          { path: "name", message: "x", messageKey: "field-too-long", messageVars: { maximum } },
        ]),
        messages.ru,
        ["name"],
      ).fields.name;
    expect(long(21)).toBe("Не длиннее 21 символа");
    expect(long(200)).toBe("Не длиннее 200 символов");
  });
});
