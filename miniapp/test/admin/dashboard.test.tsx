// The dashboard in a DOM against the real API: a business with nothing in the period sees the
// empty state, not a wall of zeros; after a check it sees the numbers, the change against the
// previous period, and can switch period; a failed load offers a retry.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, json, key, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;

const open = async (failDashboard = false) => {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff.owner.email, password: world.staff.owner.password }),
  });
  expect(response.status).toBe(200);
  let failures = failDashboard ? 1 : 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (failures > 0 && new URL(request.url).pathname === "/api/v1/dashboard") {
      failures -= 1;
      throw new TypeError("Failed to fetch");
    }
    return browser.fetch(request);
  };
  window.location.hash = "#/";
  render(<AdminApp baseUrl={baseUrl} fetch={fetch} readCsrf={browser.csrf} />);
};

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
});

beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

describe("the dashboard", () => {
  it("is the owner's start page, and says so when the period has nothing in it", async () => {
    await open();
    expect(await screen.findByText(/No checks, guests or points in this period/)).toBeTruthy();
    expect(window.location.hash).toBe("#/dashboard");
    expect(screen.queryByTestId("tile-checks")).toBeNull();
  });

  it("shows the period's figures and their change after a check", async () => {
    const guest = await test.db.withTenant(world.tenantId, async (tx) => {
      const bronze = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
      return tx.guest.create({
        data: { tenantId: world.tenantId, firstName: "Dasha", levelId: bronze.id, registeredAt: new Date() },
      });
    });
    const cashier = { Authorization: `Bearer ${await world.tokenFor("cashier")}`, ...key() };
    const accrual = await test.app.request(
      "/api/v1/till/accruals",
      json({ guestId: guest.id, amountMinor: 120_000, currency: "RUB" }, cashier),
    );
    expect(accrual.status).toBe(201);

    await open();
    const checks = await screen.findByTestId("tile-checks");
    expect(checks.textContent).toBe("Checks1new since the previous period");
    expect(screen.getByTestId("tile-revenue").textContent).toContain("₽1,200.00");
    expect(screen.getByTestId("tile-pointsIssued").textContent).toContain("60");
    expect(screen.getByRole("img", { name: "Revenue" })).toBeTruthy();
    const levels = screen.getByRole("list", { name: "Guests by level" });
    expect(within(levels).getAllByRole("listitem")[0]?.textContent).toBe("Bronze1");

    fireEvent.click(screen.getByRole("radio", { name: "7 days" }));
    await waitFor(() => expect(screen.getByTestId("dashboard-period").textContent).toMatch(/by day$/));
    fireEvent.click(screen.getByRole("radio", { name: "365 days" }));
    await waitFor(() => expect(screen.getByTestId("dashboard-period").textContent).toMatch(/by week$/));
  });

  it("for one restaurant says what its figures count, and marks the whole business's figures instead of showing them", async () => {
    const guest = await test.db.withTenant(world.tenantId, async (tx) => {
      await tx.restaurant.create({ data: { tenantId: world.tenantId, name: "Terrace" } });
      return tx.guest.create({
        data: {
          tenantId: world.tenantId,
          firstName: "Lena",
          registeredAt: new Date(),
          signupRestaurantId: world.restaurantId,
        },
      });
    });
    const cashier = { Authorization: `Bearer ${await world.tokenFor("cashier")}`, ...key() };
    const accrual = await test.app.request(
      "/api/v1/till/accruals",
      json({ guestId: guest.id, amountMinor: 80_000, currency: "RUB", restaurantId: world.restaurantId }, cashier),
    );
    expect(accrual.status).toBe(201);

    await open();
    // All restaurants: the business's figures, no note.
    expect((await screen.findByTestId("tile-liabilityPoints")).textContent).not.toContain("Whole business only");
    expect(screen.queryByTestId("dashboard-scope")).toBeNull();

    fireEvent.change(screen.getByRole("combobox", { name: "Restaurant" }), { target: { value: world.restaurantId } });
    const scope = await screen.findByTestId("dashboard-scope");
    expect(scope.textContent).toContain("who signed up through it");
    // Lena's check and the one before, which the till booked at the then only restaurant.
    expect(screen.getByTestId("tile-checks").textContent).toMatch(/^Checks2/);
    for (const tile of ["tile-liabilityPoints", "tile-pointsExpired"]) {
      expect(screen.getByTestId(tile).textContent).toContain("—Whole business only");
    }
    expect(screen.queryByRole("list", { name: "Guests by level" })).toBeNull();
    expect(screen.getByText("Whole business only", { selector: ".chart-empty" })).toBeTruthy();
  });

  it("offers a retry when the figures fail to load", async () => {
    await open(true);
    const failed = await screen.findByRole("alert");
    expect(failed.textContent).toContain("No connection to the server");
    fireEvent.click(within(failed).getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("tile-checks")).toBeTruthy();
  });
});
