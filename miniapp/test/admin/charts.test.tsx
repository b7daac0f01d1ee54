// The dashboard's SVG charts: a point per value on each line, the values one click away as a
// table, bars with their numbers written beside them, and an empty period said in words.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BarChart, LineChart, niceMax } from "../../src/admin/components/charts.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";

beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);

describe("the line chart", () => {
  it("draws a point per value on each series, each with its label and value", () => {
    const { container } = render(
      <LineChart
        title="Points"
        labels={["1 Nov", "2 Nov", "3 Nov"]}
        series={[
          { name: "Issued", values: [10, 0, 30] },
          { name: "Redeemed", values: [0, 5, 0] },
        ]}
        empty="Nothing here"
      />,
    );
    const svg = screen.getByRole("img", { name: "Points" });
    expect(svg.querySelectorAll("polyline")).toHaveLength(2);
    const points = [...container.querySelectorAll("circle.chart-point")].map((c) => c.textContent);
    expect(points).toEqual([
      "1 Nov: Issued 10",
      "2 Nov: Issued 0",
      "3 Nov: Issued 30",
      "1 Nov: Redeemed 0",
      "2 Nov: Redeemed 5",
      "3 Nov: Redeemed 0",
    ]);
    // The highest value sits at the top of the plot, zero on its baseline.
    const ys = [...container.querySelectorAll(".tone-0 circle")].map((c) => Number(c.getAttribute("cy")));
    expect(ys[2]).toBeLessThan(ys[0] as number);
    expect(ys[1]).toBeGreaterThan(ys[0] as number);
    expect(screen.queryByText("Nothing here")).toBeNull();
  });

  it("shows the same numbers as a table on request", () => {
    render(
      <LineChart
        title="Revenue"
        labels={["Mon", "Tue"]}
        series={[{ name: "Revenue", values: [1200, 3400] }]}
        format={(v) => `${v} ₽`}
        empty="Nothing here"
      />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Show numbers" }));
    const table = screen.getByRole("table", { name: "Revenue" });
    const rows = within(table)
      .getAllByRole("row")
      .map((row) => row.textContent);
    expect(rows).toEqual(["PeriodRevenue", "Mon1200 ₽", "Tue3400 ₽"]);
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("says the period is empty instead of drawing flat zeros or nothing", () => {
    const { container, rerender } = render(
      <LineChart
        title="Checks"
        labels={["Mon", "Tue"]}
        series={[{ name: "Checks", values: [0, 0] }]}
        empty="Nothing here"
      />,
    );
    expect(screen.getByText("Nothing here")).toBeTruthy();
    expect(container.querySelector("svg")).toBeNull();
    rerender(<LineChart title="Checks" labels={[]} series={[{ name: "Checks", values: [] }]} empty="Nothing here" />);
    expect(screen.getByText("Nothing here")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Show numbers" })).toBeNull();
  });

  it("rounds the axis up to a readable top", () => {
    expect([niceMax(0), niceMax(7), niceMax(13), niceMax(240), niceMax(4100)]).toEqual([1, 10, 20, 250, 5000]);
  });
});

describe("the bar chart", () => {
  it("writes each bar's value beside it, its length relative to the largest", () => {
    const { container } = render(
      <BarChart
        title="Guests by level"
        bars={[
          { label: "Bronze", value: 40 },
          { label: "Silver", value: 10 },
        ]}
        empty="Nothing here"
      />,
    );
    const list = screen.getByRole("list", { name: "Guests by level" });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["Bronze40", "Silver10"]);
    expect([...container.querySelectorAll("rect.bar")].map((bar) => bar.getAttribute("width"))).toEqual(["100", "25"]);
  });

  it("says so when there is nothing to show", () => {
    render(<BarChart title="Guests by level" bars={[{ label: "Bronze", value: 0 }]} empty="No guests" />);
    expect(screen.getByText("No guests")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
  });
});
