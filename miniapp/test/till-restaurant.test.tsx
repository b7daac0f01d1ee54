// The Mini App's till screen for staff of several restaurants, against the real API (in process,
// on the test database): the till asks which restaurant first, books the check there,
// remembers the choice when opened again, and "Change" asks again. A cashier limited to one
// restaurant is never asked.
import "./support/dom.ts";
import { randomUUID } from "node:crypto";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, json, key, type World } from "../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../api/test/support.ts";
import { createClient } from "../src/api/client.ts";
import { guestApi } from "../src/api/guest-api.ts";
import { LocaleProvider } from "../src/app/context.tsx";
import { Till } from "../src/screens/staff/TillScreen.tsx";
import { staffTillDeps } from "../src/state/staff-session.ts";
import { localRestaurantMemory } from "../src/state/till-restaurant-memory.ts";
import { createTillStore } from "../src/state/till-store.ts";

let test: TestApp;
let world: World;
let terraceId: string;
const baseUrl = "http://miniapp.test/";
const wait = { timeout: 8_000 };
const fetchApp: typeof fetch = (input, init) => Promise.resolve(test.app.fetch(new Request(input, init)));
const managerUser = { id: 740_000_001, first_name: "Mia", language_code: "en" };
const cashierUser = { id: 740_000_002, first_name: "Kate", language_code: "en" };

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "100000" } });
  world = await buildWorld(test);
  terraceId = randomUUID();
  await test.db.withTenant(world.tenantId, async (tx) => {
    await tx.restaurant.create({
      data: { tenantId: world.tenantId, id: terraceId, name: "Terrace", address: "Garden 1" },
    });
    for (const [role, user] of [
      ["manager", managerUser],
      ["cashier", cashierUser],
    ] as const) {
      await tx.staffUser.update({
        where: { tenantId_id: { tenantId: world.tenantId, id: world.staff[role].id } },
        data: { telegramUserId: BigInt(user.id) },
      });
    }
    await tx.staffRestaurant.create({
      data: { tenantId: world.tenantId, staffId: world.staff.cashier.id, restaurantId: world.restaurantId },
    });
  });
});
afterEach(() => cleanup());
afterAll(() => test.close());

/** The till screen as TillScreen mounts it, signed in from the staff member's Telegram account. */
function openTill(user: { id: number; first_name: string; language_code: string }) {
  const guest = guestApi(
    createClient({ baseUrl, fetch: fetchApp, authorization: () => `tma ${world.initData(user)}` }),
    world.slug,
  );
  const store = createTillStore({
    ...staffTillDeps(guest, { baseUrl, fetch: fetchApp }),
    memory: localRestaurantMemory(window.localStorage),
  });
  void store.getState().signIn();
  return render(
    <LocaleProvider value="en">
      <Till store={store} />
    </LocaleProvider>,
  );
}

/** A guest's current 6-digit code, as their card shows it. */
async function guestCode(telegramId: number): Promise<string> {
  const response = await test.app.request("/api/v1/me/card", {
    headers: { Authorization: `tma ${world.initData({ id: telegramId, first_name: "Ann" })}`, "X-Tenant": world.slug },
  });
  const card = (await response.json()) as { identification: { code: { code: string } } };
  return card.identification.code.code;
}

async function accrueThroughTill(code: string): Promise<void> {
  fireEvent.change(await screen.findByPlaceholderText("123456 or +7…", {}, wait), { target: { value: code } });
  fireEvent.click(screen.getByRole("button", { name: "Find guest" }));
  fireEvent.change(await screen.findByPlaceholderText("0", {}, wait), { target: { value: "1000" } });
  fireEvent.click(screen.getByRole("button", { name: "Continue" }));
  fireEvent.click(await screen.findByRole("button", { name: /Accrue/ }, wait));
  fireEvent.click(await screen.findByRole("button", { name: "Confirm" }, wait));
  await screen.findByText(/^Accrued/, {}, wait);
}

const lastCheckRestaurant = () =>
  test.db.withTenant(world.tenantId, async (tx) => {
    const check = await tx.check.findFirstOrThrow({ where: { tenantId: world.tenantId }, orderBy: { id: "desc" } });
    return check.restaurantId;
  });

describe("the till's restaurant picker", () => {
  it("asks staff of several restaurants first, books there, remembers it, and changes it", async () => {
    openTill(managerUser);
    expect(await screen.findByText("Which restaurant are you working at?", {}, wait)).toBeTruthy();
    const picks = screen.getAllByRole("button", { pressed: false }).map((button) => button.textContent);
    expect(picks).toEqual(["Main hall", "Terrace · Garden 1"]);
    fireEvent.click(screen.getByRole("button", { name: /^Terrace/ }));
    expect((await screen.findByTestId("till-restaurant", {}, wait)).textContent).toMatch(/Restaurant: Terrace/);
    await accrueThroughTill(await guestCode(740_000_100));
    expect(await lastCheckRestaurant()).toBe(terraceId);
    cleanup();

    // Opened again in the same shift: straight to the guest, at the terrace.
    openTill(managerUser);
    expect((await screen.findByTestId("till-restaurant", {}, wait)).textContent).toMatch(/Restaurant: Terrace/);
    expect(screen.queryByText("Which restaurant are you working at?")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Change" }));
    await screen.findByText("Which restaurant are you working at?", {}, wait);
    expect(screen.getByRole("button", { name: /^Terrace/ }).getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "Main hall" }));
    await waitFor(
      () => expect(screen.getByTestId("till-restaurant").textContent).toMatch(/Restaurant: Main hall/),
      wait,
    );
    await accrueThroughTill(await guestCode(740_000_101));
    expect(await lastCheckRestaurant()).toBe(world.restaurantId);
  });

  it("does not ask a cashier who works at one restaurant, and books there", async () => {
    openTill(cashierUser);
    await screen.findByPlaceholderText("123456 or +7…", {}, wait);
    expect(screen.queryByText("Which restaurant are you working at?")).toBeNull();
    expect(screen.queryByTestId("till-restaurant")).toBeNull();
    await accrueThroughTill(await guestCode(740_000_102));
    expect(await lastCheckRestaurant()).toBe(world.restaurantId);
  });

  it("says in the staff member's words when the API refuses another restaurant", async () => {
    const guestId = (
      (await (
        await test.app.request("/api/v1/me/card", {
          headers: {
            Authorization: `tma ${world.initData({ id: 740_000_103, first_name: "Ann" })}`,
            "X-Tenant": world.slug,
          },
        })
      ).json()) as { guest: { id: string } }
    ).guest.id;
    const refused = await test.app.request(
      "/api/v1/till/accruals",
      json(
        { guestId, amountMinor: "1000", currency: "RUB", restaurantId: terraceId },
        { Authorization: `Bearer ${await world.tokenFor("cashier")}`, ...key() },
      ),
    );
    expect(refused.status).toBe(403);
    const { messageKey } = (await refused.json()) as { messageKey: string };
    const { messages } = await import("../src/i18n/messages.ts");
    expect(messages.en.errors.keys[messageKey]).toMatch(/do not work at this restaurant/);
    expect(messages.ru.errors.keys[messageKey]).toMatch(/не работаете в этом ресторане/);
  });
});
