import { describe, expect, it } from "vitest";
import { dayKey, formatDate, formatMoney, parseMoneyInput } from "../src/i18n/format.ts";

describe("money as a guest reads it", () => {
  it("drops kopecks from whole amounts and keeps them otherwise", () => {
    expect(formatMoney("150000", "RUB", "ru").replace(/\s/g, " ")).toBe("1 500 ₽");
    expect(formatMoney("150050", "RUB", "ru").replace(/\s/g, " ")).toBe("1 500,50 ₽");
    expect(formatMoney(150000, "RUB", "en")).toBe("₽1,500");
  });

  it("reads what a cashier types as minor units", () => {
    expect(parseMoneyInput("1500")).toBe(150_000n);
    expect(parseMoneyInput("1 500,5")).toBe(150_050n);
    expect(parseMoneyInput("1500.05 ₽")).toBe(150_005n);
    for (const bad of ["", "0", "-5", "1.234", "abc", "1e5", "12,34,5"]) expect(parseMoneyInput(bad)).toBeNull();
  });
});

describe("days in the restaurant's time zone", () => {
  it("names the year only when it is not this year", () => {
    const now = new Date("2026-11-21T12:00:00Z");
    expect(formatDate("2026-12-02T09:00:00Z", "Europe/Moscow", "en", now)).toBe("2 December");
    expect(formatDate("2027-11-22T09:00:00Z", "Europe/Moscow", "ru", now)).toBe("22 ноября 2027 г.");
  });

  it("puts 23:30 UTC into the next day in Moscow", () => {
    const at = new Date("2026-11-20T23:30:00Z");
    expect(dayKey(at, "UTC")).toBe("2026-11-20");
    expect(dayKey(at, "Europe/Moscow")).toBe("2026-11-21");
  });
});
