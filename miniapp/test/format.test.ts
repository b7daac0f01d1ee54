import { describe, expect, it } from "vitest";
import {
  dayKey,
  formatDate,
  formatDateTime,
  formatDateTimeRange,
  formatMoney,
  parseMoneyInput,
} from "../src/i18n/format.ts";

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

describe("an event's time in the restaurant's time zone", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  const spaces = (text: string) => text.replace(/\s/g, " ");

  it("shows the local weekday, day and time, and the year only when it is not this year's", () => {
    expect(formatDateTime("2026-12-05T16:00:00Z", "Europe/Moscow", "en", now)).toBe("Sat 5 Dec, 19:00");
    expect(spaces(formatDateTime("2026-12-05T16:00:00Z", "Europe/Moscow", "ru", now))).toBe("сб, 5 дек., 19:00");
    expect(formatDateTime("2027-01-09T16:00:00Z", "Asia/Yekaterinburg", "en", now)).toBe("Sat, 9 Jan 2027, 21:00");
  });

  it("gives the end as a time on the same evening, and in full past midnight", () => {
    expect(
      spaces(formatDateTimeRange("2026-12-05T16:00:00Z", "2026-12-05T19:00:00Z", "Europe/Moscow", "en", now)),
    ).toBe("Sat 5 Dec, 19:00–22:00");
    expect(
      spaces(formatDateTimeRange("2026-12-05T16:00:00Z", "2026-12-05T22:00:00Z", "Europe/Moscow", "en", now)),
    ).toBe("Sat 5 Dec, 19:00 – Sun 6 Dec, 01:00");
  });
});
