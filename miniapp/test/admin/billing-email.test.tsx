// The billing page's receipts block in a DOM against the real API (a fake YooKassa on 127.0.0.1
// makes billing configured): the owner sees where the receipts go, or that nowhere is set yet,
// changes it with a confirmation, and a bad address is refused under the field in the owner's
// language with nothing saved. Administrators do not see the block.
import "./dom.ts";
import "./without-xhr.ts";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { type FakeYooKassa, startFakeYooKassa } from "../../../workers/src/testing/fake-yookassa.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, signedInBrowser } from "./browser-fetch.ts";

let test: TestApp;
let fake: FakeYooKassa;
/** a page's first load: its lazy chunk and its API calls */
const slow = { timeout: 5_000 };

beforeAll(async () => {
  fake = await startFakeYooKassa();
  test = await createTestApp({
    env: {
      RATE_LIMIT_PER_MINUTE: "1000",
      YOOKASSA_SHOP_ID: fake.shopId,
      YOOKASSA_SECRET_KEY: fake.secretKey,
      YOOKASSA_API_URL: fake.url,
    },
  });
});
beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(async () => {
  await test.close();
  await fake.close();
});

async function open(world: World, role: "owner" | "admin" = "owner") {
  const browser = await signedInBrowser(() => test, world.staff[role]);
  window.location.hash = "#/billing";
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
  return browser;
}

async function storedEmail(world: World): Promise<string | null> {
  const sub = await test.db.withTenant(world.tenantId, (tx) =>
    tx.subscription.findUnique({ where: { tenantId: world.tenantId } }),
  );
  return sub?.billingEmail ?? null;
}

/** As the owner would have set it before, through the API. */
async function emailSetTo(world: World, email: string) {
  const response = await test.app.request("/api/v1/billing/email", {
    method: "PUT",
    headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
  expect(response.status).toBe(200);
}

function typeInto(panel: HTMLElement, label: string, value: string) {
  fireEvent.change(within(panel).getByLabelText(label), { target: { value } });
}

describe("the receipts block on the billing page", () => {
  it("says none is set yet, refuses a bad address under the field, and saves a good one with a confirmation", async () => {
    const world = await buildWorld(test);
    await open(world);
    const panel = await screen.findByTestId("receipt-email", {}, slow);
    expect((await within(panel).findByText(/^No e-mail for receipts yet\./, {}, slow)).textContent).toContain(
      "goes to the owner who pays",
    );

    fireEvent.click(within(panel).getByRole("button", { name: "Set e-mail" }));
    typeInto(panel, "E-mail for receipts", "accounts at example");
    fireEvent.click(within(panel).getByRole("button", { name: "Save" }));
    expect(
      await within(panel).findByText("Enter an e-mail address for the receipts, like name@example.com."),
    ).toBeTruthy();
    expect(within(panel).getByLabelText("E-mail for receipts").getAttribute("aria-invalid")).toBe("true");
    expect(await storedEmail(world)).toBeNull();

    typeInto(panel, "E-mail for receipts", "accounts@example.com");
    fireEvent.click(within(panel).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved: receipts will go to accounts@example.com.")).toBeTruthy();
    expect((await within(panel).findByTestId("receipt-email-address")).textContent).toBe("accounts@example.com");
    expect(within(panel).getByText(/^Receipts for payments and refunds are sent to/)).toBeTruthy();
    expect(within(panel).queryByRole("textbox")).toBeNull();
    expect(await storedEmail(world)).toBe("accounts@example.com");
  });

  it("shows the address set and its refusals in Russian, and a cancelled edit changes nothing", async () => {
    localeStore.getState().setLocale("ru");
    const world = await buildWorld(test);
    await emailSetTo(world, "buh@restoran.example");
    await open(world);
    const panel = await screen.findByTestId("receipt-email", {}, slow);
    expect((await within(panel).findByTestId("receipt-email-address", {}, slow)).textContent).toBe(
      "buh@restoran.example",
    );
    expect(within(panel).getByText(/^Чеки об оплатах и возвратах приходят на/)).toBeTruthy();

    fireEvent.click(within(panel).getByRole("button", { name: "Изменить" }));
    expect((within(panel).getByLabelText("E-mail для чеков") as HTMLInputElement).value).toBe("buh@restoran.example");
    typeInto(panel, "E-mail для чеков", "buh@");
    fireEvent.click(within(panel).getByRole("button", { name: "Сохранить" }));
    expect(
      await within(panel).findByText("Укажите адрес электронной почты для чеков, например name@example.com."),
    ).toBeTruthy();
    fireEvent.click(within(panel).getByRole("button", { name: "Отмена" }));
    expect(within(panel).getByTestId("receipt-email-address").textContent).toBe("buh@restoran.example");
    expect(await storedEmail(world)).toBe("buh@restoran.example");
  });

  it("is not shown to an administrator, who is not asked for it", async () => {
    const world = await buildWorld(test);
    const browser = await open(world, "admin");
    expect((await screen.findByTestId("current-plan", {}, slow)).textContent).toBe("Trial");
    await screen.findByRole("list", { name: "Plans" }, slow);
    await waitFor(() => expect(screen.queryByText("Loading…")).toBeNull());
    expect(screen.queryByTestId("receipt-email")).toBeNull();
    expect(browser.calls.filter((c) => c.includes("/api/v1/billing/email"))).toEqual([]);
  });
});
