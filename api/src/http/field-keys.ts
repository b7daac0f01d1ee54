// What kind of mistake a field error from schema validation is, as a key and its values, so the
// web apps can say it in the user's language ("at most 200 characters" / "не длиннее 200
// символов"); `message` stays the English text. Only zod's own generic messages get a key: a
// schema that wrote its own ("say why, in at least 3 characters") says more than the key would,
// and keeps its message; so does anything that is not one of the common kinds.
import type { FieldError } from "@maxl/shared";
import { type ZodError, z } from "zod";

type Issue = ZodError["issues"][number];
type FieldKey = Pick<FieldError, "messageKey" | "messageVars">;

const bound = (value: unknown) => (typeof value === "bigint" ? Number(value) : (value as number));
const english = z.locales.en();

/** Is the issue's message zod's generic one (not a schema's own)? */
function generic(issue: Issue): boolean {
  const made = english.localeError(issue as Parameters<typeof english.localeError>[0]);
  const text = typeof made === "string" ? made : made?.message;
  if (!text) return false;
  // Without the input at hand zod words the type mismatch as "received undefined".
  if (issue.code === "invalid_type") return issue.message.startsWith(text.split(", received")[0] ?? text);
  return issue.message === text;
}

export function fieldKeyOf(issue: Issue): FieldKey {
  if (!generic(issue)) return {};
  switch (issue.code) {
    case "too_small": {
      const minimum = bound(issue.minimum);
      if (issue.origin === "string") {
        return minimum <= 1
          ? { messageKey: "field-required" }
          : { messageKey: "field-too-short", messageVars: { minimum } };
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return { messageKey: "field-too-few", messageVars: { minimum } };
      }
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return { messageKey: issue.inclusive ? "field-at-least" : "field-more-than", messageVars: { minimum } };
      }
      return {};
    }
    case "too_big": {
      const maximum = bound(issue.maximum);
      if (issue.origin === "string") return { messageKey: "field-too-long", messageVars: { maximum } };
      if (issue.origin === "array" || issue.origin === "set") {
        return { messageKey: "field-too-many", messageVars: { maximum } };
      }
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return { messageKey: issue.inclusive ? "field-at-most" : "field-less-than", messageVars: { maximum } };
      }
      return {};
    }
    case "invalid_type":
      // zod reports a missing member as the wrong type, "received undefined".
      if (issue.message.endsWith("received undefined")) return { messageKey: "field-required" };
      if (issue.expected === "int") return { messageKey: "field-whole-number" };
      if (issue.expected === "number") return { messageKey: "field-number" };
      return { messageKey: "field-invalid" };
    case "invalid_format":
      if (issue.format === "email") return { messageKey: "field-email" };
      if (issue.format === "datetime" || issue.format === "date") return { messageKey: "field-date" };
      return { messageKey: "field-invalid" };
    case "invalid_value":
      return { messageKey: "field-choose" };
    default:
      return {};
  }
}
