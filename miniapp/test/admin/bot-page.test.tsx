// The bot page in Russian against the real API and a fake Bot API: the webhook as Telegram
// reports it (another address, updates waiting, its last error), set again with one press and
// named in Russian in the audit log; and
// the API's refusals in the owner's language rather than the API's English detail.
import "./dom.ts";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeTelegram, startFakeTelegram } from "../../../api/test/http/fake-telegram.ts";
import { buildWorld, type World } from "../../../api/test/http/world.ts";
import { createTestApp, type TestApp } from "../../../api/test/support.ts";
import { AdminApp } from "../../src/admin/app/App.tsx";
import { errorTexts } from "../../src/admin/i18n/error-texts.ts";
import { localeStore } from "../../src/admin/i18n/locale.ts";
import { messages } from "../../src/admin/i18n/messages.ts";
import { baseUrl, browserFetch } from "./browser-fetch.ts";

const ru = messages.ru;
let telegram: FakeTelegram;
let test: TestApp;

beforeAll(async () => {
  telegram = await startFakeTelegram();
  test = await createTestApp({
    env: {
      TELEGRAM_API_ROOT: telegram.url,
      BOT_WEBHOOK_BASE_URL: "https://bots.example.test",
      RATE_LIMIT_PER_MINUTE: "1000",
    },
  });
});
beforeEach(() => localeStore.getState().setLocale("ru"));
afterEach(cleanup);
afterAll(async () => {
  await test.close();
  await telegram.close();
});

async function open(world: World, hash: string) {
  const browser = browserFetch(() => test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: world.staff.owner.email, password: world.staff.owner.password }),
  });
  expect(response.status).toBe(200);
  window.location.hash = hash;
  render(<AdminApp baseUrl={baseUrl} fetch={browser.fetch} readCsrf={browser.csrf} />);
}

let nextBotId = 7_000_000_000 + Math.floor(Math.random() * 100_000_000) * 10;

describe("the bot page's webhook, in Russian", () => {
  it("shows another address, the waiting updates and Telegram's error, and sets ours again", async () => {
    const world = await buildWorld(test, undefined, { bot: false });
    nextBotId += 1;
    const token = telegram.addBot({ id: nextBotId, username: `page_${nextBotId}_bot`, firstName: "Page café" });
    const connected = await test.app.request("/api/v1/bot", {
      method: "PUT",
      headers: { Authorization: `Bearer ${await world.tokenFor("owner")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(connected.status).toBe(200);
    telegram.webhookTrouble(token, {
      url: "https://someone.ngrok.example/hook",
      pendingUpdateCount: 1234,
      lastErrorDate: Math.floor(Date.UTC(2026, 10, 20, 9, 30) / 1000),
      lastErrorMessage: "Wrong response from the webhook: 502 Bad Gateway",
    });

    await open(world, "#/bot");
    const panel = await screen.findByRole("region", { name: ru.bot.webhook.title });
    expect(within(panel).getByText(ru.bot.webhook.statuses.other)).toBeTruthy();
    expect(within(panel).getByText("https://someone.ngrok.example/hook")).toBeTruthy();
    expect(within(panel).getByText(`https://bots.example.test/telegram/${nextBotId}`)).toBeTruthy();
    expect(within(panel).getByText("1 234")).toBeTruthy();
    expect(
      within(panel).getByText(/20 нояб\. 2026 г\..*: Wrong response from the webhook: 502 Bad Gateway$/),
    ).toBeTruthy();

    fireEvent.click(within(panel).getByRole("button", { name: ru.bot.webhook.setAgain }));
    expect(await within(panel).findByText(ru.bot.webhook.statuses.set)).toBeTruthy();
    expect(telegram.webhookOf(token).url).toBe(`https://bots.example.test/telegram/${nextBotId}`);

    // The audit log names the action in Russian, the dotted name beside it.
    cleanup();
    await open(world, "#/audit");
    const log = await screen.findByRole("table", { name: ru.audit.title });
    expect(await within(log).findByText("Вебхук бота установлен заново")).toBeTruthy();
    expect(within(log).getByText("bot.webhook_reset")).toBeTruthy();
  });

  it("says in Russian that Telegram no longer accepts the bot's token", async () => {
    // The world's bot is stored with a token the fake Bot API has never heard of: 401.
    const world = await buildWorld(test);
    await open(world, "#/bot");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(errorTexts.ru["bot-token-revoked"] as string);
    expect(alert.textContent).not.toContain("Telegram no longer accepts");
  });
});

describe("a refusal in a form, in Russian", () => {
  it("inviting someone already on the staff says so in Russian", async () => {
    const world = await buildWorld(test, undefined, { bot: false });
    await open(world, "#/staff");
    fireEvent.click(await screen.findByRole("button", { name: ru.staff.invite }));
    const dialog = screen.getByRole("dialog", { name: ru.staff.inviteTitle });
    fireEvent.change(within(dialog).getByLabelText(ru.staff.email), { target: { value: world.staff.cashier.email } });
    fireEvent.change(within(dialog).getByLabelText(ru.staff.name), { target: { value: "Второй кассир" } });
    fireEvent.click(within(dialog).getByRole("button", { name: ru.staff.invite }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toBe("Сотрудник с таким e-mail уже работает в заведении.");
  });
});
