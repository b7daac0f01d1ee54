import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, localDateOf, startOfLocalDay, startOfLocalDayAfter } from "./time.ts";

describe("local days", () => {
  it("finds the UTC instant of Moscow midnight", () => {
    expect(startOfLocalDay({ year: 2026, month: 11, day: 21 }, "Europe/Moscow").toISOString()).toBe(
      "2026-11-20T21:00:00.000Z",
    );
  });

  it("handles the day a DST change happens", () => {
    // Berlin moves to summer time at 02:00 on 2026-03-29; midnight is still UTC+1.
    expect(startOfLocalDay({ year: 2026, month: 3, day: 29 }, "Europe/Berlin").toISOString()).toBe(
      "2026-03-28T23:00:00.000Z",
    );
    expect(startOfLocalDay({ year: 2026, month: 3, day: 30 }, "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T22:00:00.000Z",
    );
  });

  it("reads the local date of an instant", () => {
    expect(localDateOf(new Date("2026-11-20T21:30:00Z"), "Europe/Moscow")).toEqual({ year: 2026, month: 11, day: 21 });
    expect(localDateOf(new Date("2026-11-20T21:30:00Z"), "UTC")).toEqual({ year: 2026, month: 11, day: 20 });
  });

  it("always lands on a local midnight, after the instant, on the right date", () => {
    const zones = ["Europe/Moscow", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"];
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01"), max: new Date("2035-01-01"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 800 }),
        fc.constantFrom(...zones),
        (at, days, zone) => {
          const midnight = startOfLocalDayAfter(at, days, zone);
          expect(midnight.getTime()).toBeGreaterThan(at.getTime());
          expect(localDateOf(midnight, zone)).toEqual(addDays(localDateOf(at, zone), days));
          // One second earlier it is still the previous local day.
          expect(localDateOf(new Date(midnight.getTime() - 1000), zone)).toEqual(
            addDays(localDateOf(at, zone), days - 1),
          );
        },
      ),
    );
  });
});
