// The Mini App end to end: the production build in headless Chromium, against the real API on
// the test database, opened the way Telegram opens it (launch data in the URL's hash). Only
// Telegram itself is absent. Screenshots land in e2e/artifacts/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildMiniApp,
  launchChromium,
  miniAppUrl,
  type ServedApp,
  serveMiniApp,
  telegramLaunchHash,
} from "@maxl/miniapp/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, json, key, type World } from "../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../api/test/support.ts";

const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url));
const guestUser = { id: 710_000_001, first_name: "Анна", last_name: "Гостева", language_code: "ru" };
const cashierUser = { id: 710_000_002, first_name: "Касса", language_code: "ru" };

let test: TestApp;
let world: World;
let served: ServedApp;
let browser: Browser;
let distDir: string;

const open = async (path: string, user: typeof guestUser | typeof cashierUser, theme: "light" | "dark" = "light") => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(
    miniAppUrl(served.url, path, world.slug, telegramLaunchHash({ botToken: world.botToken, user, theme })),
  );
  return page;
};

const balanceOf = async (page: Page) => (await page.getByTestId("balance").textContent())?.replace(/\D/g, "");

beforeAll(async () => {
  // A short QR lifetime, so the test sees the card rotate it without waiting a minute.
  test = await createTestApp({ env: { QR_TOKEN_TTL_SECONDS: "20", RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
  await test.db.withTenant(world.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: world.tenantId, id: world.staff.cashier.id } },
      data: { telegramUserId: BigInt(cashierUser.id) },
    }),
  );
  // The guest has been here before: 100 points from a 2 000 ₽ check.
  const headers = { Authorization: `tma ${world.initData(guestUser)}`, "X-Tenant": world.slug };
  const card = (await (await test.app.request("/api/v1/me/card", { headers })).json()) as { guest: { id: string } };
  const cashier = { Authorization: `Bearer ${await world.tokenFor("cashier")}`, ...key() };
  const accrual = await test.app.request(
    "/api/v1/till/accruals",
    json({ guestId: card.guest.id, amountMinor: 200_000, currency: "RUB" }, cashier),
  );
  expect(accrual.status).toBe(201);

  distDir = mkdtempSync(join(tmpdir(), "maxl-miniapp-"));
  mkdirSync(artifacts, { recursive: true });
  await buildMiniApp(distDir);
  served = await serveMiniApp({ distDir, api: (request) => test.app.fetch(request) });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await test?.close();
  if (distDir) rmSync(distDir, { recursive: true, force: true });
});

describe("the guest's card in Chromium", () => {
  it("shows the balance, the level, the QR token and the 6-digit code", async () => {
    const page = await open("/", guestUser);
    await expect.poll(() => balanceOf(page), { timeout: 15_000 }).toBe("100");
    await expect.poll(() => page.locator("svg.qr").getAttribute("data-value")).toMatch(/^mlq_/);
    expect(await page.getByTestId("guest-code").textContent()).toMatch(/^\d{3} \d{3}$/);
    expect(await page.getByText("Bronze").count()).toBeGreaterThan(0);
    expect(await page.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("20");
    await page.screenshot({ path: join(artifacts, "card-light.png"), fullPage: true });
    await page.context().close();
  });

  it("follows Telegram's dark theme", async () => {
    const page = await open("/", guestUser, "dark");
    await expect.poll(() => balanceOf(page), { timeout: 15_000 }).toBe("100");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(15, 15, 15)");
    await page.screenshot({ path: join(artifacts, "card-dark.png"), fullPage: true });
    await page.context().close();
  });

  it("rotates the QR token on its own before it lapses", async () => {
    const page = await open("/", guestUser);
    const qr = page.locator("svg.qr");
    await expect.poll(() => qr.getAttribute("data-value"), { timeout: 15_000 }).toMatch(/^mlq_/);
    const first = await qr.getAttribute("data-value");
    await expect.poll(() => qr.getAttribute("data-value"), { timeout: 25_000, interval: 500 }).not.toBe(first);
    await page.context().close();
  });

  it("shows a cashier's accrual on the open card", async () => {
    const guest = await open("/", guestUser);
    await expect.poll(() => balanceOf(guest), { timeout: 15_000 }).toBe("100");
    const code = (await guest.getByTestId("guest-code").textContent())?.replace(/\D/g, "") ?? "";

    const till = await open("/till", cashierUser);
    await till.getByPlaceholder("123456 или +7…").fill(code);
    await till.getByRole("button", { name: "Найти гостя" }).click();
    await till.getByTestId("till-guest").waitFor();
    await till.locator("input[name=amount]").fill("1500");
    await till.getByRole("button", { name: "Далее" }).click();
    await till.getByRole("button", { name: /Начислить 75 баллов/ }).click();
    await till.getByRole("button", { name: "Подтвердить" }).click();
    await expect.poll(() => till.getByTestId("till-new-balance").textContent(), { timeout: 10_000 }).toContain("175");
    await till.screenshot({ path: join(artifacts, "till-done.png"), fullPage: true });

    await expect.poll(() => balanceOf(guest), { timeout: 20_000, interval: 500 }).toBe("175");
    expect(await guest.getByRole("status").filter({ hasText: "+75" }).count()).toBe(1);
    await guest.context().close();
    await till.context().close();
  });
});

describe("launch data the API refuses", () => {
  it("a forged signature gets the reopen screen", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const forged = telegramLaunchHash({ botToken: "123:not-this-tenants-bot", user: guestUser, theme: "light" });
    await page.goto(miniAppUrl(served.url, "/", world.slug, forged));
    await page.getByTestId("reopen").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("reopen").textContent()).toContain("Не удалось подтвердить");
    expect(await page.getByTestId("balance").count()).toBe(0);
    await context.close();
  });

  it("outside Telegram the page says to open it from the bot", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${served.url}/?tenant=${world.slug}`);
    await page.getByTestId("reopen").waitFor({ timeout: 15_000 });
    await context.close();
  });
});
