// Broadcasts end to end: the production build of the admin view in headless Chromium, on one origin
// with the real API on the test database, and the workers' own jobs on the test Redis sending
// through the tenant's bot to the fake Telegram Bot API. The owner opens Broadcasts, composes a
// message with a little HTML and a button, sees Telegram's preview and the live count of a small
// audience (three guests who can be written to; one with notifications off, who does not count),
// confirms with the month's allowance named, and watches it reach "sent" with the delivered count
// while Telegram receives exactly one message per guest. With the plan's month used up, the
// confirmation offers the upgrade instead, and nothing goes out. Screenshots at desktop
// (1280×800) and phone (390×844) width land in e2e/artifacts/; on a phone nothing may stick out
// sideways, in English or in Russian, and the preview must read in dark mode too.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngineDeps, createLogger } from "@maxl/api";
import { createI18n, createNotifier } from "@maxl/bot";
import { type FakeTelegram, startFakeTelegram } from "@maxl/bot/testing";
import { createPlatformDb, createSecretBox, type PlatformDb } from "@maxl/db";
import { testServices } from "@maxl/db/testing";
import { buildMiniApp, launchChromium, type ServedApp, serveMiniApp } from "@maxl/miniapp/testing";
import {
  BROADCAST_SEND_JOB,
  broadcastJobs,
  broadcastStarter,
  createWorkerRuntime,
  dispatchEvents,
  eventJobId,
  queueNames,
  type WorkerRuntime,
} from "@maxl/workers";
import type { Browser, Page } from "playwright-core";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putOnPlan } from "../api/test/http/plans.ts";
import { buildWorld, type World } from "../api/test/http/world.ts";
import { createTestApp, TEST_ENCRYPTION_KEY, type TestApp } from "../api/test/support.ts";

const artifacts = fileURLToPath(new URL("./artifacts/", import.meta.url));
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const logger = createLogger({ service: "e2e-workers", level: "silent" });

let telegram: FakeTelegram;
let test: TestApp;
let world: World;
let platformDb: PlatformDb;
let workers: WorkerRuntime;
let served: ServedApp;
let browser: Browser;
let distDir: string;
let owner: Page;
/** the guests the broadcast must reach, by Telegram chat id */
const reachable: number[] = [];
let muted = 0;

const typed =
  '<b>Wine evening</b> on Friday: fish & chips, <i>live jazz</i> and <a href="https://cafe.test/wine">the list</a> 🎷';
/** what Telegram is sent: the same markup, the stray "&" escaped */
const sentHtml =
  '<b>Wine evening</b> on Friday: fish &amp; chips, <i>live jazz</i> and <a href="https://cafe.test/wine">the list</a> 🎷';
const shown = "Wine evening on Friday: fish & chips, live jazz and the list 🎷";
const button = { text: "Book a table", url: "https://cafe.test/book" };

let chatSerial = 0;
async function addGuest(notifications: boolean): Promise<number> {
  chatSerial += 1;
  const chatId = 7_300_000_000 + (Date.now() % 100_000) * 100 + chatSerial;
  await test.db.withTenant(world.tenantId, async (tx) => {
    const level = await tx.level.findFirstOrThrow({ where: { name: "Bronze" } });
    await tx.guest.create({
      data: {
        tenantId: world.tenantId,
        id: uuidv7(),
        firstName: `Guest ${chatSerial}`,
        telegramUserId: BigInt(chatId),
        consentAt: new Date(),
        registeredAt: new Date(),
        levelId: level.id,
        notificationsEnabled: notifications,
      },
    });
  });
  return chatId;
}

/**
 * What the workers' outbox relay does with the send's outbox row: puts it on the events queue,
 * where the running workers hand it to the broadcast starter, which queues the sending job.
 */
async function publishBroadcastStarted(): Promise<void> {
  const rows = await test.db.withTenantClient(world.tenantId, async (client) => {
    const { rows } = await client.query<{ id: string; type: string; payload: unknown; created_at: Date }>(
      "SELECT id::text AS id, type, payload, created_at FROM outbox_events WHERE type = 'broadcast.started'",
    );
    return rows;
  });
  expect(rows).toHaveLength(1);
  await workers.enqueueMany(
    queueNames.events,
    rows.map((row) => ({
      name: row.type,
      data: {
        tenantId: world.tenantId,
        eventId: row.id,
        type: row.type,
        payload: row.payload,
        createdAt: row.created_at.toISOString(),
      },
      options: { jobId: eventJobId(world.tenantId, row.id) },
    })),
  );
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
/** Waits out the toasts of earlier steps, so a screenshot shows the page alone. */
const settled = (page: Page) => expect.poll(() => page.locator(".toast").count(), { timeout: 8_000 }).toBe(0);

/** Whatever sticks out past the right edge of the screen, or scrolls sideways inside a dialog. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || getComputedStyle(element).visibility === "hidden") continue;
      if (box.right > width + 1) {
        found.push(`${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)}`);
      }
    }
    if (document.documentElement.scrollWidth > width)
      found.push(`page scrollWidth=${document.documentElement.scrollWidth}`);
    return found;
  });
}

/** WCAG's contrast ratio between an element's text and its Telegram bubble. */
function contrastInBubble(page: Page, selector: string): Promise<number> {
  return page.evaluate((css) => {
    const element = document.querySelector(css);
    const bubble = element?.closest(".tg-bubble");
    if (!element || !bubble) throw new Error(`no ${css} in a bubble`);
    const luminance = (color: string) => {
      const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
      const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((value) => {
        const s = value / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const text = luminance(getComputedStyle(element).color);
    const background = luminance(getComputedStyle(bubble).backgroundColor);
    return (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05);
  }, selector);
}

/** A phone's view of the page as it is now: no sideways scrolling, and a screenshot. */
async function onPhone(page: Page, name: string, more?: () => Promise<void>) {
  await page.setViewportSize(phone);
  expect(await overflowing(page)).toEqual([]);
  await shoot(page, `${name}-phone`);
  await more?.();
  await page.setViewportSize(desktop);
}

beforeAll(async () => {
  telegram = await startFakeTelegram();
  test = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "1000", TELEGRAM_API_ROOT: telegram.apiRoot } });
  world = await buildWorld(test);
  telegram.addBot({ token: world.botToken });
  await putOnPlan(test, world.tenantId, "start");
  for (let n = 0; n < 3; n += 1) reachable.push(await addGuest(true));
  muted = await addGuest(false);

  // The workers' part, on the same database and Redis: the events dispatcher with the broadcast
  // starter, and the sending job over the notifier's throttled client for the tenant's bot.
  const secrets = createSecretBox(Buffer.from(TEST_ENCRYPTION_KEY, "base64"));
  const notifier = createNotifier({
    apiRoot: telegram.apiRoot,
    secrets,
    i18n: createI18n(),
    redis: test.redis,
    redisPrefix: test.redisPrefix,
    logger,
  });
  const sending = broadcastJobs({ sender: { send: (target, message) => notifier.sendBroadcast(target, message) } });
  platformDb = createPlatformDb({ url: testServices().platformUrl });
  workers = createWorkerRuntime({
    redisUrl: test.config.redis.url,
    // the minute's sweep is left out: it looks across every tenant of the shared test database
    jobs: [dispatchEvents([broadcastStarter()]), ...sending.filter((job) => job.name === BROADCAST_SEND_JOB)],
    deps: {
      platformDb,
      engine: createEngineDeps({ db: test.db, redis: test.redis, settings: { redisPrefix: test.redisPrefix } }),
      secrets,
      logger,
    },
    prefix: `test:${uuidv7()}`,
    logger,
  });
  await workers.start();

  distDir = mkdtempSync(join(tmpdir(), "maxl-broadcasts-"));
  mkdirSync(artifacts, { recursive: true });
  await buildMiniApp(distDir);
  served = await serveMiniApp({ distDir, api: (request) => test.app.fetch(request) });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await workers?.close();
  await platformDb?.close();
  await test?.close();
  await telegram?.close();
  if (distDir) rmSync(distDir, { recursive: true, force: true });
});

describe("broadcasts in Chromium", () => {
  it("the owner opens Broadcasts: the month's allowance on the plan, nothing sent yet", async () => {
    const context = await browser.newContext({ viewport: desktop, locale: "en-GB" });
    owner = await context.newPage();
    await owner.goto(`${served.url}/admin/`);
    await owner.getByLabel("E-mail").fill(world.staff.owner.email);
    await owner.getByLabel("Password").fill(world.staff.owner.password);
    await owner.getByRole("button", { name: "Sign in" }).click();
    await owner.getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 15_000 });

    await owner.getByRole("navigation").getByRole("link", { name: "Broadcasts" }).click();
    await owner.getByRole("heading", { name: "Broadcasts" }).waitFor({ timeout: 15_000 });
    expect(new URL(owner.url()).hash).toBe("#/broadcasts");
    await expect
      .poll(() => owner.getByTestId("allowance-line").textContent(), { timeout: 10_000 })
      .toBe("0 of 4 this month on the Start plan");
    expect(await owner.getByText("No broadcasts yet").count()).toBe(1);
    await settled(owner);
    await shoot(owner, "broadcasts-empty-desktop");
    await onPhone(owner, "broadcasts-empty");
  });

  it("composes with Telegram's preview, the length and the live count of who will get it", async () => {
    await owner.getByRole("button", { name: "New broadcast" }).click();
    const dialog = owner.getByRole("dialog", { name: "New broadcast" });
    const preview = dialog.getByTestId("broadcast-preview");

    // the preview says what Telegram would refuse, and where
    await dialog.getByLabel("Text", { exact: true }).fill("<b>Wine evening");
    await expect.poll(() => preview.textContent()).toBe("<b> is never closed");
    // a long line of code and a long address wrap inside the bubble on a phone
    await dialog
      .getByLabel("Text", { exact: true })
      .fill(
        `<pre>${"SELECT dish FROM menu WHERE price &lt; 500; ".repeat(3)}</pre>https://cafe.test/${"wine-list-".repeat(8)}`,
      );
    await expect.poll(() => preview.locator("pre").count()).toBe(1);
    await onPhone(owner, "broadcasts-editor-code");

    await dialog.getByLabel("Text", { exact: true }).fill(typed);
    await expect.poll(() => preview.textContent()).toBe(shown);
    expect(await preview.locator("strong").textContent()).toBe("Wine evening");
    expect(await preview.locator("em").textContent()).toBe("live jazz");
    expect(await preview.locator("a").getAttribute("href")).toBe("https://cafe.test/wine");
    // 🎷 is two UTF-16 code units, as Telegram counts
    expect(await dialog.getByTestId("length").textContent()).toBe(`${shown.length} / 4096`);
    expect(shown.length).toBe([...shown].length + 1);

    await dialog.getByLabel("Button text").fill(button.text);
    await dialog.getByLabel("Button link (https://)").fill(button.url);
    expect(await dialog.locator(".tg-button").textContent()).toBe(button.text);
    // three guests with notifications on; the fourth turned them off and does not count
    await expect
      .poll(() => dialog.getByTestId("recipients").textContent(), { timeout: 10_000 })
      .toBe("Recipients now: 3");
    await shoot(owner, "broadcasts-editor-desktop");
    await onPhone(owner, "broadcasts-editor", async () => {
      await dialog.locator(".modal-body").evaluate((body) => body.scrollTo(0, body.scrollHeight));
      await shoot(owner, "broadcasts-editor-audience-phone");
    });
  });

  it("confirms with the count and the month's allowance, then sends", async () => {
    await owner.getByRole("dialog", { name: "New broadcast" }).getByRole("button", { name: "Send…" }).click();
    const confirm = owner.getByRole("dialog", { name: "Send the broadcast?" });
    await confirm.waitFor({ timeout: 10_000 });
    expect(await confirm.getByTestId("confirm-count").textContent()).toBe("It goes to 3 guests now.");
    await expect
      .poll(() => confirm.getByTestId("allowance").textContent(), { timeout: 10_000 })
      .toBe("This will be broadcast 1 of 4 this month.");
    await shoot(owner, "broadcasts-confirm-desktop");
    await onPhone(owner, "broadcasts-confirm");

    await confirm.getByRole("button", { name: "Send" }).click();
    await owner.getByText("Sending has started").waitFor({ timeout: 10_000 });
    const table = owner.getByRole("table", { name: "Broadcasts" });
    await table.waitFor({ timeout: 10_000 });
    expect(await table.getByRole("row").nth(1).textContent()).toContain("Sending");
    expect(await owner.getByTestId("allowance-line").textContent()).toBe("1 of 4 this month on the Start plan");
  });

  it("the workers send it: the list reaches Sent with the delivered count, one message per guest", async () => {
    await publishBroadcastStarted();
    const row = owner.getByRole("table", { name: "Broadcasts" }).getByRole("row").nth(1);
    // the list refreshes itself while the broadcast is sending
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("Sent");
    expect(await row.getByTestId("delivery").textContent()).toBe("delivered 3 · blocked 0 · failed 0");
    expect(await row.textContent()).toContain("Wine evening on Friday: fish & chips");

    const calls = telegram.callsTo("sendMessage", world.botToken);
    expect(calls.map((call) => call.params.chat_id).sort()).toEqual([...reachable].sort());
    expect(calls.some((call) => call.params.chat_id === muted)).toBe(false);
    for (const call of calls) {
      expect(call.response?.ok).toBe(true);
      expect(call.params).toMatchObject({
        text: sentHtml,
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: [[button]] },
      });
    }
    const [stored] = await test.db.withTenant(world.tenantId, (tx) => tx.broadcast.findMany());
    expect(stored).toMatchObject({ status: "sent", recipientsTotal: 3, sentCount: 3, blockedCount: 0, failedCount: 0 });

    await settled(owner);
    await shoot(owner, "broadcasts-sent-desktop");
    await onPhone(owner, "broadcasts-sent");
  });

  it("with the month's broadcasts used up, the confirmation offers the upgrade and nothing is sent", async () => {
    // three more this month: four of the Start plan's four
    const month = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Moscow", year: "numeric", month: "2-digit" })
      .format(new Date())
      .slice(0, 7);
    await test.db.withTenant(world.tenantId, async (tx) => {
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
    await owner.reload();
    await expect
      .poll(() => owner.getByTestId("allowance-line").textContent(), { timeout: 15_000 })
      .toBe("4 of 4 this month on the Start plan");

    await owner.getByRole("button", { name: "New broadcast" }).click();
    const dialog = owner.getByRole("dialog", { name: "New broadcast" });
    await dialog.getByLabel("Text", { exact: true }).fill("One more: <b>dessert</b> night");
    await dialog.getByRole("button", { name: "Send…" }).click();
    const confirm = owner.getByRole("dialog", { name: "Send the broadcast?" });
    await expect
      .poll(() => confirm.getByTestId("allowance").textContent(), { timeout: 10_000 })
      .toBe("Your plan allows 4 broadcasts a month, and they are used up. Choose a larger plan");
    const upgrade = confirm.getByTestId("allowance").getByRole("link", { name: "Choose a larger plan" });
    expect(await upgrade.getAttribute("href")).toBe("#/billing");
    await shoot(owner, "broadcasts-limit-desktop");
    await onPhone(owner, "broadcasts-limit");

    // sending anyway is refused by the API, with the same way to the billing page
    await confirm.getByRole("button", { name: "Send" }).click();
    const refusal = confirm.getByRole("alert");
    await refusal.waitFor({ timeout: 10_000 });
    expect(await refusal.textContent()).toContain("Your plan's limit is reached.");
    expect(await refusal.getByRole("link", { name: "Choose a larger plan" }).getAttribute("href")).toBe("#/billing");

    const drafts = await test.db.withTenant(world.tenantId, (tx) =>
      tx.broadcast.findMany({ where: { text: { startsWith: "One more" } } }),
    );
    expect(drafts.map((one) => one.status)).toEqual(["draft"]);
    expect(telegram.callsTo("sendMessage", world.botToken)).toHaveLength(3);

    // the upgrade link leads to the plans
    await upgrade.click();
    await owner.getByRole("heading", { name: "Billing" }).waitFor({ timeout: 15_000 });
    expect(new URL(owner.url()).hash).toBe("#/billing");
  });

  it("in Russian, on a phone in dark mode, the page and the editor fit the screen and the preview reads", async () => {
    await owner.getByLabel("Language").selectOption("ru");
    await owner.emulateMedia({ colorScheme: "dark" });
    await owner.setViewportSize(phone);
    await owner.goto(`${served.url}/admin/#/broadcasts`);
    await owner.getByRole("heading", { name: "Рассылки" }).waitFor({ timeout: 15_000 });
    await owner.getByRole("table", { name: "Рассылки" }).waitFor({ timeout: 15_000 });
    expect(await overflowing(owner)).toEqual([]);
    await settled(owner);
    await shoot(owner, "broadcasts-ru-dark-phone");

    await owner.getByRole("button", { name: "Новая рассылка" }).click();
    const dialog = owner.getByRole("dialog", { name: "Новая рассылка" });
    await dialog.getByLabel("Текст", { exact: true }).fill(typed);
    await expect.poll(() => dialog.getByTestId("broadcast-preview").textContent()).toBe(shown);
    // the bubble is Telegram's light green whatever the page's scheme: its text and link stay dark
    expect(await contrastInBubble(owner, "[data-testid=broadcast-preview] strong")).toBeGreaterThanOrEqual(4.5);
    expect(await contrastInBubble(owner, "[data-testid=broadcast-preview] a")).toBeGreaterThanOrEqual(4.5);
    expect(await overflowing(owner)).toEqual([]);
    await shoot(owner, "broadcasts-editor-ru-dark-phone");
  });
});
