// The kind of mistake behind each common schema error, as the key the web apps translate.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldKeyOf } from "../src/http/field-keys.ts";

const keysOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to be refused");
  return result.error.issues.map(fieldKeyOf);
};

describe("field keys", () => {
  it("name lengths, counts and bounds with their values", () => {
    expect(keysOf(z.string().max(3), "abcd")).toEqual([{ messageKey: "field-too-long", messageVars: { maximum: 3 } }]);
    expect(keysOf(z.string().min(1), "")).toEqual([{ messageKey: "field-required" }]);
    expect(keysOf(z.array(z.string()).min(1), [])).toEqual([
      { messageKey: "field-too-few", messageVars: { minimum: 1 } },
    ]);
    expect(keysOf(z.array(z.string()).max(1), ["a", "b"])).toEqual([
      { messageKey: "field-too-many", messageVars: { maximum: 1 } },
    ]);
    expect(keysOf(z.number().int().min(0), -1)).toEqual([
      { messageKey: "field-at-least", messageVars: { minimum: 0 } },
    ]);
    expect(keysOf(z.number().max(10), 11)).toEqual([{ messageKey: "field-at-most", messageVars: { maximum: 10 } }]);
    expect(keysOf(z.number().lt(10), 10)).toEqual([{ messageKey: "field-less-than", messageVars: { maximum: 10 } }]);
  });

  it("name types, formats and options", () => {
    expect(keysOf(z.object({ a: z.string() }), {})).toEqual([{ messageKey: "field-required" }]);
    expect(keysOf(z.number(), "1")).toEqual([{ messageKey: "field-number" }]);
    expect(keysOf(z.string(), 1)).toEqual([{ messageKey: "field-invalid" }]);
    expect(keysOf(z.email(), "no")).toEqual([{ messageKey: "field-email" }]);
    expect(keysOf(z.iso.datetime({ offset: true }), "tomorrow")).toEqual([{ messageKey: "field-date" }]);
    expect(keysOf(z.uuid(), "x")).toEqual([{ messageKey: "field-invalid" }]);
    expect(keysOf(z.enum(["a", "b"]), "c")).toEqual([{ messageKey: "field-choose" }]);
  });

  it("leave a schema's own message, and its own refinement, to their English words", () => {
    const even = z.number().refine((n) => n % 2 === 0, "must be even");
    expect(keysOf(even, 3)).toEqual([{}]);
    expect(keysOf(z.string().min(3, "say why, in at least 3 characters"), "x")).toEqual([{}]);
    expect(keysOf(z.object({ a: z.string({ error: "is required" }) }), {})).toEqual([{}]);
  });
});
