// Ending sessions from the admin view, against the real API: a member signs out everywhere from
// the menu (after a confirmation) and lands on the sign-in page told why, with their other
// browsers signed out too; an owner ends a member's sessions from the staff page, and the
// member's browser learns who did it. The buttons speak Russian as well.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp, createServices } from "../../src/admin/app/App.tsx";
import type { AdminServices } from "../../src/admin/app/context.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { type BrowserFetch, baseUrl, signedInBrowser } from "./browser-fetch.ts";

let test: TestApp;
const opened: AdminServices[] = [];

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
});
beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(() => {
  cleanup();
  for (const services of opened.splice(0)) services.session.getState().dispose();
});
afterAll(() => test.close());

type Role = "owner" | "manager" | "cashier";

const signedInAs = (world: World, role: Role) => signedInBrowser(() => test, world.staff[role]);

async function open(world: World, hash: string, role: Role) {
  const browser = await signedInAs(world, role);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  return browser;
}

/** The member's session in another browser, as it stands after a page load. */
async function elsewhere(browser: BrowserFetch) {
  const services = createServices({ baseUrl, fetch: browser.fetch, readCsrf: browser.csrf });
  opened.push(services);
  await services.session.getState().restore();
  return services.session.getState();
}

describe("signing out everywhere from the menu", () => {
  it("asks first, then lands on the sign-in page saying why; the member's other browsers are signed out", async () => {
    const world = await buildWorld(test);
    const otherBrowser = await signedInAs(world, "manager");
    const browser = await open(world, "#/restaurants", "manager");
    await screen.findByText("Main hall");

    fireEvent.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    const dialog = screen.getByRole("dialog", { name: "Sign out everywhere" });
    expect(dialog.textContent).toContain("this one included");
    fireEvent.click(within(dialog).getByRole("button", { name: "Sign out everywhere" }));

    await screen.findByRole("heading", { name: "Sign in" });
    expect(screen.getByText("You signed out on all devices, so this session was closed. Sign in again.")).toBeTruthy();
    expect(browser.cookies.has("maxl_refresh")).toBe(false);
    expect(await elsewhere(otherBrowser)).toMatchObject({
      status: "signed-out",
      reason: { messageKey: "session-signed-out-everywhere" },
    });
  });

  it("changes nothing when the confirmation is cancelled", async () => {
    const world = await buildWorld(test);
    const browser = await open(world, "#/restaurants", "cashier");
    await screen.findByText("Main hall");
    fireEvent.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(browser.calls).not.toContain("POST /api/v1/auth/sessions/revoke-all");
    expect(await elsewhere(browser)).toMatchObject({ status: "signed-in" });
  });

  it("on a session that is already over, lands on the sign-in page with the API's reason", async () => {
    const world = await buildWorld(test);
    const browser = await signedInAs(world, "manager");
    const services = createServices({ baseUrl, fetch: browser.fetch, readCsrf: browser.csrf });
    opened.push(services);
    await services.session.getState().restore();
    const ended = await test.app.request(`/api/v1/staff/${world.staff.manager.id}/sessions/revoke-all`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}` },
    });
    expect(ended.status).toBe(204);

    await services.session.getState().signOutEverywhere();
    expect(services.session.getState()).toMatchObject({
      status: "signed-out",
      reason: { messageKey: "session-ended" },
    });
  });
});

describe("ending a member's sessions from the staff page", () => {
  it("asks first, says it is done, and the member's browser is told who ended it", async () => {
    const world = await buildWorld(test);
    const cashierBrowser = await signedInAs(world, "cashier");
    await open(world, "#/staff", "owner");
    const table = await screen.findByRole("table", { name: "Staff" });
    const row = within(table).getByText("cashier person").closest("tr") as HTMLElement;
    // Not offered on one's own row: that is "Sign out everywhere" in the menu.
    const ownRow = within(table).getByText("owner person").closest("tr") as HTMLElement;
    expect(within(ownRow).queryByRole("button", { name: "End all sessions" })).toBeNull();

    fireEvent.click(within(row).getByRole("button", { name: "End all sessions" }));
    const dialog = screen.getByRole("dialog", { name: "End all sessions" });
    expect(dialog.textContent).toContain("End all sessions of cashier person?");
    fireEvent.click(within(dialog).getByRole("button", { name: "End all sessions" }));

    expect(await screen.findByText("All sessions of cashier person are ended")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(await elsewhere(cashierBrowser)).toMatchObject({
      status: "signed-out",
      reason: { messageKey: "session-ended-by-admin" },
    });
  });

  it("names the buttons in Russian", async () => {
    const world = await buildWorld(test);
    localeStore.getState().setLocale("ru");
    await open(world, "#/staff", "owner");
    const table = await screen.findByRole("table", { name: "Сотрудники" });
    expect(within(table).getAllByRole("button", { name: "Завершить все сеансы" }).length).toBe(3);
    expect(screen.getByRole("button", { name: "Выйти на всех устройствах" })).toBeTruthy();
  });
});
