// Broadcasts in the admin view, in a DOM against the real API: the page names the month's
// allowance; the editor previews Telegram's formatting as it is typed (and the reason when it does
// not parse), counts the audience live, and the confirmation names the count and "broadcast 1 of
// 4 this month" before the broadcast goes out and shows as sending; a full month is refused with
// the upgrade link; a cashier has no broadcasts page.
import "./dom.ts";
import { randomUUID } from "node:crypto";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { putOnPlan } from "../../../api/test/http/plans.ts";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;

const open = async (hash: string, role: "owner" | "cashier" = "owner") => {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff[role].email, password: world.staff[role].password }),
  });
  expect(response.status).toBe(200);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
};

let serial = 0;
async function reachableGuest(): Promise<void> {
  serial += 1;
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id: randomUUID(),
        firstName: "Guest",
        telegramUserId: BigInt(7_500_000_000 + (Date.now() % 100_000) * 100 + serial),
        consentAt: new Date(),
        levelId: level.id,
      },
    });
  });
}

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
  await putOnPlan(test, world.tenantId, "start");
  await reachableGuest();
  await reachableGuest();
});
beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

describe("the broadcasts page", () => {
  it("composes with a live preview and count, confirms with the month's allowance, and shows the broadcast sending", async () => {
    await open("#/broadcasts");
    expect(await screen.findByText("0 of 4 this month on the Start plan")).toBeTruthy();
    expect(screen.getByText(/No broadcasts yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "New broadcast" }));
    const dialog = screen.getByRole("dialog", { name: "New broadcast" });

    const text = within(dialog).getByLabelText("Text");
    fireEvent.change(text, { target: { value: "<b>Wine" } });
    expect(within(dialog).getByTestId("broadcast-preview").textContent).toBe("<b> is never closed");
    fireEvent.change(text, { target: { value: "<b>Wine</b> evening &amp; jazz" } });
    const preview = within(dialog).getByTestId("broadcast-preview");
    expect(preview.querySelector("strong")?.textContent).toBe("Wine");
    expect(preview.textContent).toBe("Wine evening & jazz");
    expect(within(dialog).getByTestId("length").textContent).toBe("19 / 4096");
    await waitFor(() => expect(within(dialog).getByTestId("recipients").textContent).toBe("Recipients now: 2"));

    fireEvent.change(within(dialog).getByLabelText("Button text"), { target: { value: "Book" } });
    fireEvent.change(within(dialog).getByLabelText("Button link (https://)"), { target: { value: "http://x.test" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send…" }));
    expect(await within(dialog).findByText("The link must start with https://")).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText("Button link (https://)"), {
      target: { value: "https://cafe.test/book" },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send…" }));

    const confirm = await screen.findByRole("dialog", { name: "Send the broadcast?" });
    expect(within(confirm).getByTestId("confirm-count").textContent).toBe("It goes to 2 guests now.");
    await waitFor(() =>
      expect(within(confirm).getByTestId("allowance").textContent).toBe("This will be broadcast 1 of 4 this month."),
    );
    fireEvent.click(within(confirm).getByRole("button", { name: "Send" }));

    expect(await screen.findByText("Sending")).toBeTruthy();
    expect(await screen.findByText("1 of 4 this month on the Start plan")).toBeTruthy();
    const stored = await test.db.withTenant(world.tenantId, (tx) => tx.broadcast.findMany());
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: "sending", buttonUrl: "https://cafe.test/book", recipientsTotal: 2 });
  });

  it("refuses a broadcast past the plan's month with the upgrade link", async () => {
    // use up the rest of the month
    await test.db.withTenant(world.tenantId, async (tx) => {
      const month = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow", year: "numeric", month: "2-digit" })
        .format(new Date())
        .slice(0, 7);
      for (let n = 0; n < 3; n += 1) {
        await tx.broadcast.create({
          data: {
            tenantId: world.tenantId,
            text: "Earlier",
            status: "sent",
            countedMonth: month,
            startedAt: new Date(),
          },
        });
      }
    });
    await open("#/broadcasts");
    expect(await screen.findByText("4 of 4 this month on the Start plan")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "New broadcast" }));
    const dialog = screen.getByRole("dialog", { name: "New broadcast" });
    fireEvent.change(within(dialog).getByLabelText("Text"), { target: { value: "One more" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Send…" }));
    const confirm = await screen.findByRole("dialog", { name: "Send the broadcast?" });
    await waitFor(() =>
      expect(within(confirm).getByTestId("allowance").textContent).toContain(
        "Your plan allows 4 broadcasts a month, and they are used up.",
      ),
    );
    fireEvent.click(within(confirm).getByRole("button", { name: "Send" }));
    const refusal = await within(confirm).findByRole("alert");
    expect(refusal.textContent).toContain("Your plan's limit is reached.");
    expect(within(refusal).getByRole("link", { name: "Choose a larger plan" }).getAttribute("href")).toBe("#/billing");
  });

  it("is not offered to a cashier", async () => {
    await open("#/dashboard", "cashier");
    await screen.findByRole("navigation");
    expect(screen.queryByRole("link", { name: "Broadcasts" })).toBeNull();
  });
});
