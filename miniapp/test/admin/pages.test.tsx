// The admin view's pages in a DOM against the real API: forms put a 422's messages beside their
// fields, sign-in explains a lockout and asks which business, and a cashier sees only a
// cashier's pages.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;
let other: World;

const open = async (hash: string, signedInAs?: "owner" | "cashier") => {
  const browser = browserFetch(() => test);
  if (signedInAs) {
    const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: world.staff[signedInAs].email, password: world.staff[signedInAs].password }),
    });
    expect(response.status).toBe(200);
  }
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  return browser;
};

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000", LOGIN_LOCK_AFTER: "2" } });
  world = await buildWorld(test);
  other = await buildWorld(test);
});

beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

describe("forms", () => {
  it("the invite form shows the API's field errors beside the fields", async () => {
    await open("#/staff", "owner");
    await screen.findByRole("table", { name: "Staff" });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    const dialog = screen.getByRole("dialog", { name: "Invite a staff member" });
    type("E-mail", "not-an-e-mail");
    type("Name", "   ");
    fireEvent.click(within(dialog).getByRole("button", { name: "Invite" }));

    expect(await within(dialog).findByText("must be an e-mail address")).toBeTruthy();
    expect(within(dialog).getByText("is required")).toBeTruthy();
    expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByLabelText("Role").getAttribute("aria-invalid")).toBe("false");
    expect(within(dialog).getByRole("alert").textContent).toBe("Check the highlighted fields.");
  });

  it("a valid invite shows its link once, to copy", async () => {
    await open("#/staff", "owner");
    await screen.findByRole("table", { name: "Staff" });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    type("E-mail", "new.cashier@http.test");
    type("Name", "New Cashier");
    fireEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Invite" }));
    const link = (await screen.findByTestId("shown-link")) as HTMLInputElement;
    expect(link.value).toMatch(/^http:\/\/localhost:5173\/admin\/#\/link\/.+/);
    expect(await screen.findByText("New Cashier")).toBeTruthy();
  });
});

describe("signing in", () => {
  it("says the password is wrong, then that the e-mail is locked and for how long", async () => {
    await open("#/");
    await screen.findByRole("heading", { name: "Sign in" });
    type("E-mail", world.staff.manager.email);
    type("Password", "not-the-password");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong e-mail or password.");
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByText("Wrong e-mail or password.");
    type("Password", world.staff.manager.password);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText(/Too many wrong passwords\. Try again in \d+ s/)).toBeTruthy();
  });

  it("asks which business when one e-mail and password work for two", async () => {
    // Both worlds' admins have the password "admin-password-1"; now they share an e-mail too.
    const shared = world.staff.admin.password;
    expect(other.staff.admin.password).toBe(shared);
    for (const one of [world, other]) {
      await test.db.withTenant(one.tenantId, (tx) =>
        tx.staffUser.update({
          where: { tenantId_id: { tenantId: one.tenantId, id: one.staff.admin.id } },
          data: { email: "two.places@http.test" },
        }),
      );
    }
    await open("#/");
    await screen.findByRole("heading", { name: "Sign in" });
    type("E-mail", "two.places@http.test");
    type("Password", shared);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const choices = await screen.findByRole("group", { name: /several businesses/ });
    expect(within(choices).getAllByRole("radio")).toHaveLength(2);
    expect((screen.getByRole("button", { name: "Sign in" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(choices).getAllByRole("radio")[1] as HTMLElement);
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByTestId("who")).toBeTruthy();
    expect(screen.getByText("admin person")).toBeTruthy();
  });
});

describe("what a role sees", () => {
  it("a cashier's nav has only the restaurants, and the staff page sends them there", async () => {
    await open("#/staff", "cashier");
    const nav = await screen.findByRole("navigation");
    expect(
      within(nav)
        .getAllByRole("link")
        .map((a) => a.textContent),
    ).toEqual(["Restaurants"]);
    await screen.findByRole("table", { name: "Restaurants" });
    expect(window.location.hash).toBe("#/restaurants");
    expect(screen.queryByRole("button", { name: "Add a restaurant" })).toBeNull();
  });
});
