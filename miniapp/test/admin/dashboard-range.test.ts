// The dashboard's preset periods are the business's days: near midnight, or with the browser in
// another time zone, "today" is the date where the business is.
import { describe, expect, it } from "vitest";
import { presetRange } from "../../src/admin/pages/DashboardPage.tsx";

describe("dashboard preset periods", () => {
  const lateEveningUtc = new Date("2026-12-07T22:30:00Z");

  it("end on the business's today, which may already be tomorrow in UTC", () => {
    expect(presetRange("d7", "Europe/Moscow", lateEveningUtc)).toEqual({ from: "2026-12-02", to: "2026-12-08" });
    expect(presetRange("d7", "America/New_York", lateEveningUtc)).toEqual({ from: "2026-12-01", to: "2026-12-07" });
  });

  it("count whole calendar days back, across a month and a year", () => {
    const newYear = new Date("2026-01-01T06:00:00Z");
    expect(presetRange("d30", "Asia/Vladivostok", newYear)).toEqual({ from: "2025-12-03", to: "2026-01-01" });
    expect(presetRange("d365", "Europe/Moscow", new Date("2028-03-01T12:00:00Z"))).toEqual({
      from: "2027-03-03",
      to: "2028-03-01",
    });
  });

  it("start a month on its first day in the business's calendar", () => {
    expect(presetRange("month", "Europe/Moscow", new Date("2026-11-30T21:30:00Z"))).toEqual({
      from: "2026-12-01",
      to: "2026-12-01",
    });
    expect(presetRange("month", "Europe/Berlin", new Date("2026-11-30T21:30:00Z"))).toEqual({
      from: "2026-11-01",
      to: "2026-11-30",
    });
  });
});
