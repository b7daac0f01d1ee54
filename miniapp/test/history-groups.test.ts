import { describe, expect, it } from "vitest";
import type { HistoryItem } from "../src/api/guest-api.ts";
import { messages } from "../src/i18n/messages.ts";
import { groupByDay, historyTitle } from "../src/screens/HistoryScreen.tsx";

const item = (
  id: string,
  at: string,
  kind: HistoryItem["kind"] = "earn",
  reason: string | null = null,
): HistoryItem => ({
  id,
  at,
  kind,
  points: 10,
  balanceAfter: 10,
  reason,
  checkId: null,
  amountMinor: null,
  restaurant: null,
});

describe("history grouped by day", () => {
  it("groups by the restaurant's calendar day, not UTC's", () => {
    const items = [
      item("3", "2026-11-21T08:00:00Z"),
      item("2", "2026-11-20T22:00:00Z"), // 01:00 on the 21st in Moscow
      item("1", "2026-11-20T20:00:00Z"), // 23:00 on the 20th in Moscow
    ];
    const moscow = groupByDay(items, "Europe/Moscow");
    expect(moscow.map((group) => [group.key, group.items.map((i) => i.id)])).toEqual([
      ["2026-11-21", ["3", "2"]],
      ["2026-11-20", ["1"]],
    ]);
    expect(groupByDay(items, "UTC").map((group) => group.items.length)).toEqual([1, 2]);
  });

  it("names bonuses by their reason in both languages", () => {
    expect(historyTitle(item("1", "2026-11-21T08:00:00Z", "bonus", "birthday"), messages.ru)).toBe(
      "Бонус ко дню рождения",
    );
    expect(historyTitle(item("1", "2026-11-21T08:00:00Z", "bonus", "something-new"), messages.en)).toBe("Bonus");
    expect(historyTitle(item("1", "2026-11-21T08:00:00Z", "expire"), messages.en)).toBe("Points expired");
  });

  it("says points in Russian with the right plural", () => {
    expect(messages.ru.points("1", 1)).toBe("1 балл");
    expect(messages.ru.points("3", 3)).toBe("3 балла");
    expect(messages.ru.points("25", 25)).toBe("25 баллов");
    expect(messages.en.points("1", 1)).toBe("1 point");
  });
});
