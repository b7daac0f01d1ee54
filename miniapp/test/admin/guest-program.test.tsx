// The admin view's changes with consequences, in a DOM against the real API: adjusting a guest's
// points (a reason is required; a retry after a lost answer reuses the dialog's Idempotency-Key,
// so the points move once) and the program settings (a preview comes before any save; the API's
// 422 paths such as levels.1.thresholdMinor land beside that level's field).
import "./dom.ts";
import { randomUUID } from "node:crypto";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

let test: TestApp;
let world: World;

/** Signs the owner in and opens the page; `around` may step between the page and the API. */
const open = async (
  hash: string,
  around?: (request: Request, send: (r: Request) => Promise<Response>) => Promise<Response>,
) => {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff.owner.email, password: world.staff.owner.password }),
  });
  expect(response.status).toBe(200);
  const fetch: typeof globalThis.fetch = around
    ? (input, init) => around(new Request(input, init), (request) => browser.fetch(request))
    : browser.fetch;
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={fetch} readCsrf={browser.csrf} />);
  return browser;
};

const typeIn = (scope: HTMLElement, label: string, value: string) =>
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } });

let phones = 0;

async function addGuest(firstName: string): Promise<string> {
  const id = randomUUID();
  phones += 1;
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id,
        firstName,
        phone: `+7999000112${phones}`,
        levelId: level.id,
        registeredAt: new Date(),
      },
    });
  });
  return id;
}

const balanceOf = async (guestId: string) =>
  test.db.withTenant(
    world.tenantId,
    async (tx) =>
      (await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId: world.tenantId, id: guestId } } })).balance,
  );

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
});

beforeEach(() => localeStore.getState().setLocale("en"));
afterEach(cleanup);
afterAll(() => test.close());

describe("adjusting a guest's points", () => {
  it("asks for a reason and a number before it asks to confirm", async () => {
    const guestId = await addGuest("Reasonless");
    await open(`#/guests/${guestId}`);
    fireEvent.click(await screen.findByRole("button", { name: "Adjust points" }));
    const dialog = screen.getByRole("dialog", { name: "Adjust points" });
    typeIn(dialog, "Points", "0");
    typeIn(dialog, "Reason", " x ");
    fireEvent.click(within(dialog).getByRole("button", { name: "Continue" }));

    expect(within(dialog).getByText("A whole number other than 0, please")).toBeTruthy();
    expect(within(dialog).getByText("Say why, in at least 3 characters")).toBeTruthy();
    expect(within(dialog).getByLabelText("Reason").getAttribute("aria-invalid")).toBe("true");
    expect(within(dialog).queryByTestId("adjust-confirm")).toBeNull();

    typeIn(dialog, "Points", "150");
    typeIn(dialog, "Reason", "Birthday dinner, the bonus was missed");
    fireEvent.click(within(dialog).getByRole("button", { name: "Continue" }));
    expect(within(dialog).getByTestId("adjust-confirm").textContent).toBe(
      "+150 points for Reasonless: the balance goes from 0 to 150.",
    );
    expect(await balanceOf(guestId)).toBe(0);
    expect(await screen.findByText("No points movements yet.")).toBeTruthy();
    expect(await screen.findByText("No checks yet.")).toBeTruthy();
  });

  it("sends one Idempotency-Key across a retry, so a lost answer does not credit twice", async () => {
    const guestId = await addGuest("Retried");
    const keys: string[] = [];
    let dropNextAnswer = true;
    await open(`#/guests/${guestId}`, async (request, send) => {
      if (request.method === "POST" && request.url.endsWith(`/guests/${guestId}/adjustments`)) {
        keys.push(request.headers.get("Idempotency-Key") ?? "");
        const response = await send(request);
        // The API did the work; the answer is lost on the way back, as on a flaky connection.
        if (dropNextAnswer) {
          dropNextAnswer = false;
          throw new TypeError("Failed to fetch");
        }
        return response;
      }
      return send(request);
    });
    fireEvent.click(await screen.findByRole("button", { name: "Adjust points" }));
    const dialog = screen.getByRole("dialog", { name: "Adjust points" });
    typeIn(dialog, "Points", "200");
    typeIn(dialog, "Reason", "Compensation for a long wait");
    fireEvent.click(within(dialog).getByRole("button", { name: "Continue" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Confirm" }));

    expect((await within(dialog).findByRole("alert")).textContent).toBe(
      "No connection to the server. Check the internet and try again.",
    );
    expect(await balanceOf(guestId)).toBe(200);
    fireEvent.click(within(dialog).getByRole("button", { name: "Confirm" }));

    expect(await screen.findByText("+200 points done; the balance is 200")).toBeTruthy();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await balanceOf(guestId)).toBe(200);
    await waitFor(() => expect(screen.getByTestId("guest-balance").textContent).toBe("200"));
    const history = await screen.findByRole("table", { name: "Points history" });
    expect(within(history).getAllByText("Compensation for a long wait")).toHaveLength(1);
  });
});

describe("a level by hand", () => {
  it("sets a guest's level until a date, with a reason, and shows it on the page", async () => {
    const guestId = await addGuest("Promoted");
    await open(`#/guests/${guestId}`);
    expect((await screen.findByTestId("guest-level")).textContent).toContain("Bronze");
    fireEvent.click(screen.getByRole("button", { name: "Set level" }));
    const dialog = screen.getByRole("dialog", { name: "Set the level by hand" });
    await within(dialog).findByRole("option", { name: "Silver" });
    typeIn(dialog, "Level", (within(dialog).getByRole("option", { name: "Silver" }) as HTMLOptionElement).value);
    typeIn(dialog, "Until", "2099-12-31");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    // The reason is the API's rule; its message lands beside the field.
    expect(await within(dialog).findByText("say why, in at least 3 characters")).toBeTruthy();
    typeIn(dialog, "Reason", "Regular since the opening");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await screen.findByText("The level is set")).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByTestId("guest-level").textContent).toMatch(/^Silver.*Set by hand: Silver until/),
    );
  });
});

describe("the program settings", () => {
  it("shows what a change does before saving it, and saves only on Save", async () => {
    const browser = await open("#/program");
    const silver = await screen.findByTestId("level-1");
    expect((within(silver).getByLabelText("Name") as HTMLInputElement).value).toBe("Silver");
    typeIn(silver, "From spend of, ₽", "8000");
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    const preview = await screen.findByTestId("program-preview");
    expect(
      within(preview)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      "Silver: From spend of: ₽10,000.00 → ₽8,000.00",
      "a guest with ₽8,000.00 spent would move from Bronze to Silver",
      "a guest with ₽9,999.00 spent would move from Bronze to Silver",
    ]);
    expect(within(preview).getByText("No guest changes level.")).toBeTruthy();
    expect(browser.calls).toContain("POST /api/v1/program/preview");
    expect(browser.calls).not.toContain("PUT /api/v1/program");

    fireEvent.click(within(preview).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("The program is saved")).toBeTruthy();
    expect(browser.calls).toContain("PUT /api/v1/program");
    const saved = await test.db.withTenant(world.tenantId, (tx) =>
      tx.level.findFirstOrThrow({ where: { name: "Silver" } }),
    );
    expect(saved.thresholdMinor).toBe(800_000n);
  });

  it("puts the API's messages beside the fields its paths name (levels.1.thresholdMinor)", async () => {
    // A page whose own checks are out of step with the API's (say, loaded before the rules
    // changed) sends what the API refuses: here Silver's threshold becomes 0, like Bronze's.
    await open("#/program", async (request, send) => {
      if (request.method === "POST" && request.url.endsWith("/program/preview")) {
        const body = (await request.json()) as { levels: { thresholdMinor: string }[] };
        (body.levels[1] as { thresholdMinor: string }).thresholdMinor = "0";
        return send(new Request(request.url, { method: "POST", headers: request.headers, body: JSON.stringify(body) }));
      }
      return send(request);
    });
    const silver = await screen.findByTestId("level-1");
    typeIn(silver, "Earn rate, %", "8");
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    expect(await within(silver).findByText(/^must be more than the level below it/)).toBeTruthy();
    expect(within(silver).getByLabelText("From spend of, ₽").getAttribute("aria-invalid")).toBe("true");
    expect(within(silver).getByLabelText("Name").getAttribute("aria-invalid")).toBe("false");
    expect(screen.queryByTestId("program-preview")).toBeNull();
    expect(screen.getByRole("alert").textContent).toBe("Check the highlighted fields.");
  });

  it("checks the form as the API does before sending anything", async () => {
    const browser = await open("#/program");
    const bronze = await screen.findByTestId("level-0");
    typeIn(bronze, "From spend of, ₽", "100");
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));
    // Sorted by threshold, Silver (10 000) stays second; Bronze must start at 0.
    expect(await within(screen.getByTestId("level-0")).findByText("The entry level must start at 0")).toBeTruthy();
    expect(browser.calls.filter((call) => call.includes("/program/preview"))).toEqual([]);
  });

  it("refuses a save over a version someone saved meanwhile, and offers to reload", async () => {
    await open("#/program");
    const silver = await screen.findByTestId("level-1");
    typeIn(silver, "Earn rate, %", "9");
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));
    const preview = await screen.findByTestId("program-preview");
    // Another admin saves while this one reads the preview.
    await test.db.withTenant(world.tenantId, (tx) =>
      tx.loyaltyProgram.update({ where: { tenantId: world.tenantId }, data: { version: { increment: 1 } } }),
    );
    fireEvent.click(within(preview).getByRole("button", { name: "Save" }));

    const stale = await screen.findByText(/Someone changed the program after you opened it/);
    fireEvent.click(within(stale.parentElement as HTMLElement).getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(screen.queryByText(/Someone changed the program/)).toBeNull());
    const reloaded = await screen.findByTestId("level-1");
    expect((within(reloaded).getByLabelText("Earn rate, %") as HTMLInputElement).value).toBe("7");
  });
});
