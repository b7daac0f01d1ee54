// The admin view when a member's access changes under them, against the real API: a demoted
// admin's next call renews the session, the nav and the page follow the new role at once; a
// deactivated member lands on the sign-in page that says why. The audit log names what happened
// in the reader's language.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { call, ProblemError } from "../../src/admin/api/client.ts";
import { AdminApp, createServices } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
});
beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

type Role = "owner" | "admin" | "manager" | "cashier";

async function signedInBrowser(world: World, role: Role) {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff[role].email, password: world.staff[role].password }),
  });
  expect(response.status).toBe(200);
  return browser;
}

async function open(world: World, hash: string, role: Role) {
  const browser = await signedInBrowser(world, role);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
}

/** The owner changes a member, as from the staff page in another browser. */
async function ownerChanges(world: World, role: Role, patch: Record<string, unknown>) {
  const response = await test.app.request(`/api/v1/staff/${world.staff[role].id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
}

const navLinks = async () =>
  within(await screen.findByRole("navigation"))
    .getAllByRole("link")
    .map((a) => a.textContent);

describe("when a member's access changes", () => {
  it("a demoted admin's next call renews the session; the nav and the page follow the new role", async () => {
    const world = await buildWorld(test);
    await open(world, "#/audit", "admin");
    await screen.findByRole("table", { name: "Audit log" });
    expect(await navLinks()).toContain("Audit log");

    await ownerChanges(world, "admin", { role: "manager" });
    // The admin's next call: a new search on the page they are on.
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "staff" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));

    await expect.poll(() => window.location.hash).toBe("#/dashboard");
    const links = await navLinks();
    expect(links).not.toContain("Audit log");
    expect(links).toContain("Staff");
  });

  it("a deactivated member's calls end the session with the reason", async () => {
    const world = await buildWorld(test);
    const browser = await signedInBrowser(world, "cashier");
    const services = createServices({ baseUrl, fetch: browser.fetch, readCsrf: browser.csrf });
    await services.session.getState().restore();
    expect(services.session.getState().status).toBe("signed-in");

    await ownerChanges(world, "cashier", { isActive: false });
    const refused = await call(services.api.api.v1.restaurants.$get()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProblemError);
    expect(services.session.getState()).toMatchObject({
      status: "signed-out",
      reason: { messageKey: "account-deactivated" },
    });
    services.session.getState().dispose();
  });

  it("a deactivated member opening the page lands on sign-in, told why", async () => {
    const world = await buildWorld(test);
    const browser = await signedInBrowser(world, "cashier");
    await ownerChanges(world, "cashier", { isActive: false });
    window.location.hash = "#/restaurants";
    render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
    await screen.findByRole("heading", { name: "Sign in" });
    expect(
      screen.getByText("Your account has been deactivated. Ask an owner or administrator if this is a mistake."),
    ).toBeTruthy();
  });
});

describe("the audit log", () => {
  it("names sign-ins and staff changes in the reader's language, with the code beneath", async () => {
    const world = await buildWorld(test);
    await ownerChanges(world, "cashier", { name: "Cashier, renamed" });
    await open(world, "#/audit", "owner");
    const table = await screen.findByRole("table", { name: "Audit log" });
    expect(within(table).getAllByText("Signed in").length).toBeGreaterThan(0);
    expect(within(table).getByText("Staff member changed")).toBeTruthy();
    expect(within(table).getAllByText("auth.signed_in").length).toBeGreaterThan(0);

    localeStore.getState().setLocale("ru");
    const russian = await screen.findByRole("table", { name: "Журнал действий" });
    expect(within(russian).getAllByText("Вход").length).toBeGreaterThan(0);
    expect(within(russian).getByText("Сотрудник изменён")).toBeTruthy();
  });
});
