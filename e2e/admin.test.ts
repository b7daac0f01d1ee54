// The admin view end to end: the production build in headless Chromium, served on one origin with
// the real API on the test database (as the reverse proxy does in production, which the
// SameSite session cookie needs). The owner signs in and invites a cashier; the invite link,
// opened in a fresh browser, sets the cashier's password and signs them in with a cashier's
// view; the owner deactivates them and their session ends. Then the proof (#7): the owner
// reads the dashboard of a seeded month, finds a guest by phone, adjusts their points with a
// reason and sees it in the audit log, and moves a level threshold (preview, then save). And
// events (#9): the list, an event's guests and a check-in at the door, on a desktop and a phone.
// Screenshots (desktop 1280×800 and phone 390×844) land in e2e/artifacts/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngineDeps, registerForEvent, runGuestImport } from "@maxl/api";
import { buildMiniApp, launchChromium, type ServedApp, serveMiniApp } from "@maxl/miniapp/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, json, key, type World } from "../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../api/test/support.ts";

const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url));
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

let test: TestApp;
let world: World;
let served: ServedApp;
let browser: Browser;
let distDir: string;
let owner: Page;
let cashier: Page;
let inviteUrl = "";
let annaId = "";

const annaPhone = "+79161234567";

/** Guests and their checks through the engine's own verbs, so the dashboard has a month to show. */
async function seedGuests() {
  const guests = [
    { firstName: "Анна", lastName: "Гостева", phone: annaPhone, checks: [250_000, 180_000] },
    { firstName: "Boris", lastName: "Regular", phone: "+79035550199", checks: [320_000] },
    { firstName: "Vera", lastName: "New", phone: "+79995550102", checks: [] },
  ];
  const ids: string[] = [];
  await test.db.withTenant(world.tenantId, async (tx) => {
    const bronze = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    for (const guest of guests) {
      const created = await tx.guest.create({
        data: {
          tenantId: world.tenantId,
          firstName: guest.firstName,
          lastName: guest.lastName,
          phone: guest.phone,
          levelId: bronze.id,
          registeredAt: new Date(),
        },
      });
      ids.push(created.id);
    }
  });
  const cashier = { Authorization: `Bearer ${await world.tokenFor("cashier")}` };
  for (const [index, guest] of guests.entries()) {
    for (const amountMinor of guest.checks) {
      const accrual = await test.app.request(
        "/api/v1/till/accruals",
        json(
          { guestId: ids[index], amountMinor, currency: "RUB", restaurantId: world.restaurantId },
          { ...cashier, ...key() },
        ),
      );
      expect(accrual.status).toBe(201);
    }
  }
  annaId = ids[0] ?? "";
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
/** Waits out the toasts of earlier steps, so a screenshot shows the page alone. */
const settled = (page: Page) => expect.poll(() => page.locator(".toast").count(), { timeout: 8_000 }).toBe(0);

beforeAll(async () => {
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000" } });
  world = await buildWorld(test);
  await seedGuests();
  distDir = mkdtempSync(join(tmpdir(), "maxl-admin-"));
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

describe("the admin view in Chromium", () => {
  it("the owner signs in and lands on the dashboard", async () => {
    const context = await browser.newContext({ viewport: desktop, locale: "en-GB" });
    owner = await context.newPage();
    await owner.goto(`${served.url}/admin/`);
    await owner.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });
    await shoot(owner, "admin-sign-in");
    await owner.getByLabel("E-mail").fill(world.staff.owner.email);
    await owner.getByLabel("Password").fill(world.staff.owner.password);
    await owner.getByRole("button", { name: "Sign in" }).click();

    await owner.getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 15_000 });
    expect(new URL(owner.url()).hash).toBe("#/dashboard");
    const nav = owner.getByRole("navigation");
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Dashboard",
      "Guests",
      "Events",
      "Broadcasts",
      "Loyalty program",
      "Staff",
      "Restaurants",
      "Telegram bot",
      "POS integrations",
      "Audit log",
      "Billing",
    ]);
    await nav.getByRole("link", { name: "Staff" }).click();
    await owner.getByRole("table", { name: "Staff" }).waitFor({ timeout: 15_000 });
    expect(await owner.getByRole("row").count()).toBe(5);
    // The access token stays in memory: nothing of the session in the page's storage.
    expect(await owner.evaluate(() => JSON.stringify({ ...localStorage }))).not.toMatch(/ey[A-Za-z0-9_-]{20,}/);
    expect(await owner.evaluate(() => document.cookie)).not.toContain("maxl_refresh");
    await shoot(owner, "admin-staff-desktop");
  });

  it("a page reload keeps the owner signed in (the refresh cookie)", async () => {
    await owner.reload();
    await owner.getByRole("table", { name: "Staff" }).waitFor({ timeout: 15_000 });
    expect(await owner.getByTestId("who").textContent()).toBe("owner person");
  });

  it("the owner invites a cashier and gets the link once", async () => {
    await owner.getByRole("button", { name: "Invite" }).click();
    const dialog = owner.getByRole("dialog", { name: "Invite a staff member" });
    await dialog.getByLabel("E-mail").fill("new.cashier@e2e.test");
    await dialog.getByLabel("Name").fill("Nina Cashier");
    await dialog.getByLabel("Role").selectOption("cashier");
    await dialog.getByRole("button", { name: "Invite" }).click();
    const link = owner.getByTestId("shown-link");
    await link.waitFor({ timeout: 10_000 });
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toMatch(/\/admin\/#\/link\/.+/);
    await shoot(owner, "admin-invite-link");
    await owner.getByRole("button", { name: "Close" }).first().click();
    const row = owner.getByRole("row").filter({ hasText: "Nina Cashier" });
    expect(await row.getByText("Invite pending").count()).toBe(1);
  });

  it("the invite link, in a fresh browser, sets the password and signs the cashier in", async () => {
    const context = await browser.newContext({ viewport: phone, deviceScaleFactor: 2, locale: "ru-RU" });
    cashier = await context.newPage();
    // The link names ADMIN_URL (the dev server); the same page is served here.
    await cashier.goto(`${served.url}/admin/${new URL(inviteUrl).hash}`);
    const who = cashier.getByTestId("link-who");
    await who.waitFor({ timeout: 15_000 });
    expect(await who.textContent()).toBe("Nina Cashier, вас пригласили в «HTTP tenant», роль: Кассир.");
    await cashier.getByLabel("Пароль", { exact: true }).fill("short");
    await cashier.getByLabel("Пароль ещё раз").fill("short");
    await cashier.getByRole("button", { name: "Задать пароль и войти" }).click();
    expect(await cashier.getByText("Нужно не меньше 10 символов").count()).toBe(1);
    await cashier.getByLabel("Пароль", { exact: true }).fill("nina-cashier-password");
    await cashier.getByLabel("Пароль ещё раз").fill("nina-cashier-password");
    await shoot(cashier, "admin-invite-accept-phone");
    await cashier.getByRole("button", { name: "Задать пароль и войти" }).click();

    // Signed in as the cashier: only what a cashier may see.
    await cashier.getByRole("table", { name: "Рестораны" }).waitFor({ timeout: 15_000 });
    expect(new URL(cashier.url()).hash).toBe("#/restaurants");
    await cashier.getByRole("button", { name: "Меню" }).click();
    expect(await cashier.getByRole("navigation").getByRole("link").allTextContents()).toEqual(["Рестораны"]);
    expect(await cashier.getByTestId("who").textContent()).toBe("Nina Cashier");
    expect(await cashier.getByRole("button", { name: "Добавить ресторан" }).count()).toBe(0);
    await shoot(cashier, "admin-cashier-phone");

    // A page a cashier may not open sends them to theirs.
    await cashier.goto(`${served.url}/admin/#/staff`);
    await cashier.getByRole("table", { name: "Рестораны" }).waitFor({ timeout: 15_000 });
    expect(new URL(cashier.url()).hash).toBe("#/restaurants");
  });

  it("the owner deactivates the cashier, whose session ends at once", async () => {
    await owner.reload();
    const row = owner.getByRole("row").filter({ hasText: "Nina Cashier" });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByText("Active").count()).toBe(1);
    await row.getByRole("button", { name: "Deactivate" }).click();
    const confirm = owner.getByRole("dialog", { name: "Deactivate" });
    expect(await confirm.textContent()).toContain("Deactivate Nina Cashier?");
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await expect.poll(() => row.getByText("Deactivated").count(), { timeout: 10_000 }).toBe(1);
    await shoot(owner, "admin-staff-deactivated-desktop");
    await owner.setViewportSize(phone);
    await shoot(owner, "admin-staff-phone");

    await cashier.reload();
    await cashier.getByRole("heading", { name: "Вход" }).waitFor({ timeout: 15_000 });
    // The sign-in page says why the session ended, not only that it did.
    expect(await cashier.getByRole("alert").textContent()).toBe(
      "Ваша учётная запись отключена. Если это ошибка, обратитесь к владельцу или администратору.",
    );
  });

  it("the dashboard shows the month's numbers, with charts and the levels", async () => {
    await owner.setViewportSize(desktop);
    await owner.goto(`${served.url}/admin/#/dashboard`);
    const checks = owner.getByTestId("tile-checks");
    await checks.waitFor({ timeout: 15_000 });
    // Three checks today: 2 500 + 1 800 + 3 200 ₽; all three guests are new this month.
    expect(await checks.locator(".tile-value").textContent()).toBe("3");
    expect(await owner.getByTestId("tile-revenue").locator(".tile-value").textContent()).toBe("₽7,500.00");
    expect(await owner.getByTestId("tile-newGuests").locator(".tile-value").textContent()).toBe("3");
    expect(await owner.getByTestId("tile-activeGuests").locator(".tile-value").textContent()).toBe("2");
    expect(await owner.getByTestId("tile-checks").locator(".tile-change").textContent()).toBe(
      "new since the previous period",
    );
    expect(await owner.getByRole("img", { name: "Revenue" }).count()).toBe(1);
    expect(await owner.getByRole("list", { name: "Guests by level" }).textContent()).toContain("Bronze3");
    await settled(owner);
    await shoot(owner, "admin-dashboard-desktop");
    // The numbers behind a chart, as a table.
    await owner.getByRole("figure", { name: "Checks" }).getByRole("button", { name: "Show numbers" }).click();
    expect(await owner.getByRole("table", { name: "Checks" }).getByRole("row").count()).toBeGreaterThan(1);
    await owner.setViewportSize(phone);
    await shoot(owner, "admin-dashboard-phone");
    await owner.setViewportSize(desktop);
  });

  it("the owner finds a guest by phone and adjusts their points with a reason", async () => {
    await owner.goto(`${served.url}/admin/#/guests`);
    await owner.getByRole("table", { name: "Guests" }).waitFor({ timeout: 15_000 });
    expect(await owner.getByRole("table", { name: "Guests" }).getByRole("row").count()).toBe(4);
    await owner.getByLabel("Search").fill("8 916 123-45-67");
    await expect
      .poll(() => owner.getByRole("table", { name: "Guests" }).getByRole("row").count(), { timeout: 10_000 })
      .toBe(2);
    await shoot(owner, "admin-guests-desktop");
    await owner.getByRole("link", { name: "Анна Гостева" }).click();
    await owner.getByRole("heading", { name: "Анна Гостева" }).waitFor({ timeout: 15_000 });
    expect(new URL(owner.url()).hash).toBe(`#/guests/${annaId}`);
    // 5 % of 4 300 ₽ earned at Bronze.
    expect(await owner.getByTestId("guest-balance").textContent()).toBe("215");

    await owner.getByRole("button", { name: "Adjust points" }).click();
    const dialog = owner.getByRole("dialog", { name: "Adjust points" });
    await dialog.getByLabel("Points").fill("300");
    await dialog.getByRole("button", { name: "Continue" }).click();
    expect(await dialog.getByText("Say why, in at least 3 characters").count()).toBe(1);
    await dialog.getByLabel("Reason").fill("Apology for the cold soup");
    await dialog.getByRole("button", { name: "Continue" }).click();
    expect(await dialog.getByTestId("adjust-confirm").textContent()).toBe(
      "+300 points for Анна Гостева: the balance goes from 215 to 515.",
    );
    await dialog.getByRole("button", { name: "Confirm" }).dblclick();
    await owner.getByText("+300 points done; the balance is 515").waitFor({ timeout: 10_000 });
    await expect.poll(() => owner.getByTestId("guest-balance").textContent(), { timeout: 10_000 }).toBe("515");
    const history = owner.getByRole("table", { name: "Points history" });
    await expect.poll(() => history.getByText("Apology for the cold soup").count(), { timeout: 10_000 }).toBe(1);
    await shoot(owner, "admin-guest-desktop");
    await owner.setViewportSize(phone);
    await shoot(owner, "admin-guest-phone");
    await owner.setViewportSize(desktop);
  });

  it("the adjustment is in the audit log, with who, why and the changes", async () => {
    await owner.goto(`${served.url}/admin/#/audit`);
    await owner.getByRole("table", { name: "Audit log" }).waitFor({ timeout: 15_000 });
    await owner.getByLabel("Search").fill("cold soup");
    await owner.getByRole("button", { name: "Apply" }).click();
    const rows = owner.getByRole("table", { name: "Audit log" }).getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const row = rows.nth(1);
    expect(await row.textContent()).toContain("points.adjust");
    expect(await row.textContent()).toContain("owner person");
    expect(await row.textContent()).toContain("Apology for the cold soup");
    await row.getByRole("button", { name: "Changes" }).click();
    expect(await row.locator("pre").textContent()).toContain('"points": 300');
    await settled(owner);
    await shoot(owner, "admin-audit-desktop");
    await owner.setViewportSize(phone);
    await shoot(owner, "admin-audit-phone");
    await owner.setViewportSize(desktop);
  });

  it("the owner lowers Silver's threshold: a preview first, then the save", async () => {
    await owner.goto(`${served.url}/admin/#/program`);
    const silver = owner.getByTestId("level-1");
    await silver.waitFor({ timeout: 15_000 });
    expect(await silver.getByLabel("Name").inputValue()).toBe("Silver");
    await settled(owner);
    await shoot(owner, "admin-settings-desktop");
    await owner.setViewportSize(phone);
    await shoot(owner, "admin-settings-phone");
    await owner.setViewportSize(desktop);

    await silver.getByLabel("From spend of, ₽").fill("4000");
    await owner.getByRole("button", { name: "Preview changes" }).click();
    const preview = owner.getByTestId("program-preview");
    await preview.waitFor({ timeout: 10_000 });
    // Anna has spent 4 300 ₽: she moves up as soon as it is saved.
    expect(await preview.textContent()).toContain("Silver: From spend of: ₽10,000.00 → ₽4,000.00");
    expect(await preview.textContent()).toContain("1 guest Bronze → Silver");
    expect(await preview.textContent()).toContain("a guest with ₽4,000.00 spent would move from Bronze to Silver");
    await shoot(owner, "admin-settings-preview-desktop");
    await preview.getByRole("button", { name: "Save" }).click();
    await owner.getByText("The program is saved").waitFor({ timeout: 10_000 });
    await expect.poll(() => owner.getByTestId("level-1").getByLabel("From spend of, ₽").inputValue()).toBe("4000");

    await owner.goto(`${served.url}/admin/#/audit`);
    const rows = owner.getByRole("table", { name: "Audit log" }).getByRole("row");
    await expect.poll(() => rows.filter({ hasText: "program.update" }).count(), { timeout: 10_000 }).toBe(1);
  });

  it("the owner exports the guests and imports a CSV, following it to the end", async () => {
    await owner.goto(`${served.url}/admin/#/guests`);
    await owner.getByRole("table", { name: "Guests" }).waitFor({ timeout: 15_000 });
    // The export carries the Bearer token, so it is fetched and saved as a file.
    const [exported] = await Promise.all([
      owner.waitForEvent("download"),
      owner.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(exported.suggestedFilename()).toMatch(/\.csv$/);
    const exportedText = await readFile((await exported.path()) ?? "", "utf8");
    expect(exportedText).toContain("+79161234567");

    await owner.getByLabel("CSV file").setInputFiles({
      name: "old-guests.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("phone,first_name,balance\n+79990000011,Gleb,50\nnot a phone,Bad,10\n"),
    });
    await owner.getByRole("button", { name: "Upload and import" }).click();
    const progress = owner.getByTestId("import-progress");
    await progress.waitFor({ timeout: 10_000 });
    expect(await progress.textContent()).toContain("old-guests.csv: Queued");

    // The workers' part: run the queued import as the import job does.
    const engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } });
    const imports = await test.app.request("/api/v1/guest-imports", {
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}` },
    });
    const { items } = (await imports.json()) as { items: { id: string }[] };
    await runGuestImport(engine, { tenantId: world.tenantId, importId: items[0]?.id ?? "" });

    await expect.poll(() => progress.textContent(), { timeout: 10_000 }).toContain("old-guests.csv: Done");
    expect(await progress.textContent()).toContain("2 of 2 rows");
    expect(await progress.textContent()).toContain("created 1 · updated 0 · failed 1");
    const errors = owner.getByRole("table", { name: "Rows with errors" });
    expect(await errors.getByRole("row").nth(1).textContent()).toMatch(/^3phone/);
    const [report] = await Promise.all([
      owner.waitForEvent("download"),
      progress.getByRole("button", { name: "Download errors.csv" }).click(),
    ]);
    expect(await readFile((await report.path()) ?? "", "utf8")).toContain("phone");
    await shoot(owner, "admin-guests-import-desktop");
  });

  it("the owner's events: the list, an event's guests and a check-in, on a desktop and a phone", async () => {
    // Within the check-in window (it opens 12 hours before the start).
    const starts = new Date(Date.now() + 2 * 3_600_000);
    const created = await test.app.request(
      "/api/v1/events",
      json(
        {
          title: "Вечер грузинских вин",
          restaurantId: world.restaurantId,
          startsAt: starts.toISOString(),
          endsAt: new Date(starts.getTime() + 3 * 3_600_000).toISOString(),
          capacity: 12,
        },
        { Authorization: `Bearer ${await world.tokenFor("owner")}` },
      ),
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const published = await test.app.request(`/api/v1/events/${id}/publish`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}` },
    });
    expect(published.status).toBe(200);
    const engine = createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } });
    await registerForEvent(engine, { tenantId: world.tenantId, guestId: annaId, eventId: id, idempotencyKey: "e2e" });

    await owner.goto(`${served.url}/admin/#/events`);
    const list = owner.getByRole("table", { name: "Events" });
    await list.waitFor({ timeout: 15_000 });
    expect(await list.getByRole("row").nth(1).textContent()).toContain("1 of 12");
    await settled(owner);
    await shoot(owner, "admin-events-desktop");
    await list.getByRole("link", { name: "Вечер грузинских вин" }).click();
    const guests = owner.getByRole("table", { name: "Guests" });
    await guests.waitFor({ timeout: 15_000 });
    await guests.getByRole("row", { name: /Анна/ }).getByRole("button", { name: "Check in" }).click();
    expect(await owner.getByTestId("check-in-result").textContent()).toContain("Анна Гостева is checked in.");
    await expect.poll(() => guests.getByRole("row", { name: /Анна/ }).textContent()).toContain("Attended");
    await settled(owner);
    await shoot(owner, "admin-event-desktop");
    await owner.setViewportSize(phone);
    // The phone layout: the guests as cards, nothing wider than the screen.
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await shoot(owner, "admin-event-phone");
    await owner.setViewportSize(desktop);
  });
});
