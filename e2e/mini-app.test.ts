// The Mini App end to end: the production build in headless Chromium, against the real API on
// the test database, opened the way Telegram opens it (launch data in the URL's hash). Only
// Telegram itself is absent. Screenshots land in e2e/artifacts/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildMiniApp,
  initialScriptBytes,
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
const eventsGuest = { id: 710_000_003, first_name: "Ольга", language_code: "ru" };
const eventsRival = { id: 710_000_004, first_name: "Борис", language_code: "ru" };

let test: TestApp;
let world: World;
let served: ServedApp;
let browser: Browser;
let distDir: string;

type TelegramUser = { id: number; first_name: string; last_name?: string; language_code: string };

const open = async (path: string, user: TelegramUser, theme: "light" | "dark" = "light") => {
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

  it("asks for the card and the profile once each, while the app's script is still loading", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const asked: string[] = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith("/api/v1/me/")) asked.push(path);
    });
    await page.goto(
      miniAppUrl(
        served.url,
        "/",
        world.slug,
        telegramLaunchHash({ botToken: world.botToken, user: guestUser, theme: "light" }),
      ),
    );
    await expect.poll(() => balanceOf(page), { timeout: 15_000 }).toBe("100");
    // index.html started both; the app took each answer (and so asked nothing twice).
    const left = await page.evaluate(() =>
      Object.keys((window as { __maxlEarly?: object }).__maxlEarly ?? { none: 1 }),
    );
    expect(left.sort()).toEqual(["initData", "tenant"]);
    expect(asked.filter((path) => path === "/api/v1/me/card")).toHaveLength(1);
    expect(asked.filter((path) => path === "/api/v1/me/profile")).toHaveLength(1);
    await context.close();
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

describe("events in Chromium (issue #9)", () => {
  const paidTitle = "Винный вечер";
  const fullTitle = "Ужин от шефа";
  const guestHeaders = (user: TelegramUser) => ({
    Authorization: `tma ${world.initData(user)}`,
    "X-Tenant": world.slug,
  });
  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

  async function asManager(path: string, init: RequestInit = {}) {
    const headers = { Authorization: `Bearer ${await world.tokenFor("manager")}`, ...init.headers };
    return test.app.request(path, { ...init, headers });
  }

  /** A published event, made by a manager through the staff API as the admin view does. */
  async function publishedEvent(fields: Record<string, unknown>): Promise<string> {
    const created = await asManager(
      "/api/v1/events",
      json({ startsAt: inHours(50), endsAt: inHours(53), restaurantId: world.restaurantId, ...fields }),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await asManager(`/api/v1/events/${id}/publish`, { method: "POST" })).status).toBe(200);
    return id;
  }

  async function guestId(user: TelegramUser): Promise<string> {
    const card = await test.app.request("/api/v1/me/card", { headers: guestHeaders(user) });
    return ((await card.json()) as { guest: { id: string } }).guest.id;
  }

  beforeAll(async () => {
    const paidId = await publishedEvent({
      title: paidTitle,
      description: "Пять вин юга Франции и закуски от шефа.",
      capacity: 12,
      pricePoints: 300,
      attendanceBonusPoints: 50,
    });
    // A real image for the cover, drawn by the browser itself.
    const page = await browser.newPage();
    await page.setContent(
      '<div style="width:600px;height:300px;background:linear-gradient(135deg,#6a1b4d,#c2185b 55%,#f9a825)"></div>',
    );
    const png = await page.locator("div").screenshot();
    await page.close();
    const cover = await asManager(`/api/v1/events/${paidId}/cover`, {
      method: "PUT",
      body: new Uint8Array(png),
      headers: { "Content-Type": "image/png" },
    });
    expect(cover.status).toBe(200);

    const fullId = await publishedEvent({ title: fullTitle, startsAt: inHours(74), endsAt: inHours(77), capacity: 1 });
    const rival = await test.app.request(`/api/v1/me/events/${fullId}/registration`, {
      method: "POST",
      headers: { ...guestHeaders(eventsRival), ...key() },
    });
    expect(rival.status).toBe(200);

    const adjusted = await asManager(
      `/api/v1/guests/${await guestId(eventsGuest)}/adjustments`,
      json({ points: 1200, reason: "e2e: points for events" }, key()),
    );
    expect(adjusted.status).toBe(201);
  });

  it("a guest registers for a paid event with the confirmation, then joins a full one's waitlist", async () => {
    const page = await open("/", eventsGuest);
    await expect.poll(() => balanceOf(page), { timeout: 15_000 }).toBe("1200");

    await page.getByRole("button", { name: "События", exact: true }).click();
    const paidRow = page.getByTestId("event-row").filter({ hasText: paidTitle });
    await paidRow.waitFor({ timeout: 15_000 });
    expect(await paidRow.textContent()).toMatch(/Осталось 12 мест · 300 баллов/);
    await expect.poll(() => paidRow.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
    const fullRow = page.getByTestId("event-row").filter({ hasText: fullTitle });
    expect(await fullRow.textContent()).toContain("Мест нет · лист ожидания");
    await page.screenshot({ path: join(artifacts, "events-list.png"), fullPage: true });

    await paidRow.click();
    await page.getByRole("heading", { name: paidTitle }).waitFor();
    expect(await page.getByTestId("event-price").textContent()).toMatch(/Стоит 300 баллов/);
    await page.getByRole("button", { name: "Записаться" }).click();
    const question = page.getByRole("alertdialog");
    expect(await question.textContent()).toMatch(/Стоит 300 баллов, у вас 1\s200 баллов\. Записаться\?/);
    await page.screenshot({ path: join(artifacts, "event-confirm.png"), fullPage: true });
    // Two quick taps: one registration, paid once.
    await question.getByRole("button", { name: "Да" }).dblclick();

    const outcome = page.getByTestId("event-outcome");
    await outcome.waitFor({ timeout: 10_000 });
    expect(await outcome.textContent()).toMatch(
      /Вы записаны на «Винный вечер».*Списано 300 баллов\. Баланс: 900 баллов\./,
    );
    await page.screenshot({ path: join(artifacts, "event-registered.png"), fullPage: true });

    await page.getByRole("button", { name: "Карта", exact: true }).click();
    await expect.poll(() => balanceOf(page), { timeout: 5_000 }).toBe("900");

    await page.getByRole("button", { name: "События", exact: true }).click();
    await page.getByTestId("event-row").filter({ hasText: fullTitle }).click();
    await page.getByRole("button", { name: "В лист ожидания" }).click();
    await outcome.waitFor({ timeout: 10_000 });
    expect(await outcome.textContent()).toContain("вы в листе ожидания, 1-й в очереди");
    await page.screenshot({ path: join(artifacts, "event-waitlist.png"), fullPage: true });

    await page.getByRole("button", { name: "События", exact: true }).click();
    const badges = page.getByTestId("standing");
    await expect.poll(() => badges.allTextContents()).toEqual(["✅ Вы записаны", "⏳ Лист ожидания, №1"]);
    await page.context().close();

    // What the API holds: one payment of 300, whatever the taps.
    const history = await test.app.request("/api/v1/me/history?limit=30", { headers: guestHeaders(eventsGuest) });
    const items = ((await history.json()) as { items: { points: number }[] }).items;
    expect(items.filter((item) => item.points === -300)).toHaveLength(1);
  });
});

describe("the guest card's budget", () => {
  it("downloads at most 100 KB of gzipped script before the card shows; events load with their tab", () => {
    const weight = initialScriptBytes(distDir);
    expect(weight.gzip / 1024).toBeLessThanOrEqual(100);
    expect(weight.files.some((file) => /Event/.test(file))).toBe(false);
  });
});
