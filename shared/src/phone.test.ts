import { describe, expect, it } from "vitest";
import { normalizePhone } from "./phone.ts";

describe("normalizePhone", () => {
  it.each([
    ["+7 999 123-45-67", "+79991234567"],
    ["8 (999) 123-45-67", "+79991234567"],
    ["79991234567", "+79991234567"],
    ["9991234567", "+79991234567"],
    ["+44 20 7946 0958", "+442079460958"],
  ])("reads %s as %s", (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(["", "12345", "+0123456789", "8 999 123", "phone"])("refuses %j", (input) => {
    expect(normalizePhone(input)).toBeNull();
  });
});
