// The fake Telegram is only worth having if grammY cannot tell it from the real one: these tests
// drive it with grammY's own Api and Bot, and with the plugins the bot uses.
import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Api, Bot, GrammyError, InlineKeyboard, InputFile } from "grammy";
import type { User } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callbackQuery, command, type FakeTelegram, startFakeTelegram, textMessage } from "../src/testing/index.ts";

const TOKEN = "7001234567:AAFakeTokenForTests_abcdefghijklmnop";
const guest: User = { id: 5001, is_bot: false, first_name: "Anna", language_code: "ru" };

async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`Expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("fake Telegram", () => {
  let telegram: FakeTelegram;
  let api: Api;

  beforeEach(async () => {
    telegram = await startFakeTelegram();
    telegram.addBot({ token: TOKEN, username: "cafe_loyalty_bot", firstName: "Cafe" });
    api = new Api(TOKEN, { apiRoot: telegram.apiRoot });
  });

  afterEach(async () => {
    await telegram.close();
  });

  it("answers getMe for a registered token and 401 Unauthorized for any other, as Telegram does", async () => {
    expect(await api.getMe()).toMatchObject({ id: 7001234567, is_bot: true, username: "cafe_loyalty_bot" });

    const error = await refusal(new Api("42:unknown", { apiRoot: telegram.apiRoot }).getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe("Unauthorized");
    expect(telegram.callsTo("getMe").map((call) => call.token)).toEqual([TOKEN, "42:unknown"]);
  });

  it("records sendMessage and answers with the Message Telegram would return", async () => {
    const keyboard = new InlineKeyboard().text("Balance", "balance");
    const first = await api.sendMessage(guest.id, "<b>Welcome</b> &amp; hello", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
    const second = await api.sendMessage(guest.id, "Again");

    expect(first).toMatchObject({
      message_id: 1,
      chat: { id: guest.id, type: "private" },
      from: { id: 7001234567, is_bot: true },
      text: "Welcome & hello",
      reply_markup: { inline_keyboard: [[{ text: "Balance", callback_data: "balance" }]] },
    });
    expect(second.message_id).toBe(2);
    expect(telegram.lastCall("sendMessage")?.params).toMatchObject({ chat_id: guest.id, text: "Again" });

    // Telegram's refusals for edits that change nothing or address nothing.
    const unchanged = await refusal(api.editMessageText(guest.id, second.message_id, "Again"));
    expect(unchanged.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await refusal(api.editMessageText(guest.id, 99, "Hello"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
    expect(await api.editMessageText(guest.id, second.message_id, "Edited")).toMatchObject({ text: "Edited" });
  });

  it("feeds pushed updates to a long-polling Bot and records its replies", async () => {
    const fakeBot = telegram.addBot({ token: "7009999999:AAAnotherBot" });
    const bot = new Bot(fakeBot.token, { botInfo: fakeBot.info, client: { apiRoot: telegram.apiRoot } });
    bot.command("start", (ctx) =>
      ctx.reply(`Hello, ${ctx.from?.first_name}! Code ${ctx.match}`, {
        reply_markup: new InlineKeyboard().text("Card", "card"),
      }),
    );
    bot.callbackQuery("card", async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageText("Your card");
    });
    bot.on("message:text", (ctx) => ctx.reply(`You said ${ctx.message.text}`));

    const polling = bot.start({ timeout: 30 });
    try {
      fakeBot.pushUpdate(command(guest, "/start", "TABLE7"));
      const welcome = await telegram.waitForCall("sendMessage");
      expect(welcome.token).toBe(fakeBot.token);
      expect(welcome.params).toMatchObject({ chat_id: guest.id, text: "Hello, Anna! Code TABLE7" });

      // The guest presses the button on that message; the bot answers and edits it in place.
      const withButton = fakeBot.lastMessage(guest.id);
      expect(withButton?.reply_markup).toBeDefined();
      fakeBot.pushUpdate(callbackQuery(guest, "card", withButton));
      expect((await telegram.waitForCall("answerCallbackQuery")).response).toEqual({ ok: true, result: true });
      const edit = await telegram.waitForCall("editMessageText");
      expect(edit.params).toMatchObject({ chat_id: guest.id, message_id: withButton?.message_id, text: "Your card" });
      expect(edit.response).toMatchObject({ ok: true, result: { text: "Your card" } });

      fakeBot.pushUpdate(textMessage(guest, "hi"));
      expect((await telegram.waitForCall("sendMessage")).params.text).toBe("You said hi");
    } finally {
      await bot.stop();
      await polling;
    }
    // bot.stop() confirmed everything it handled.
    expect(await new Api(fakeBot.token, { apiRoot: telegram.apiRoot }).getWebhookInfo()).toMatchObject({
      url: "",
      pending_update_count: 0,
    });
  });

  it("accepts a photo upload as multipart/form-data and records the file", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const message = await api.sendPhoto(guest.id, new InputFile(png, "qr.png"), {
      caption: "Your QR code",
      reply_markup: new InlineKeyboard().text("Refresh", "qr:refresh"),
    });

    const call = telegram.lastCall("sendPhoto");
    expect(call?.params).toMatchObject({
      chat_id: guest.id,
      caption: "Your QR code",
      photo: { filename: "qr.png", size: png.length },
      reply_markup: { inline_keyboard: [[{ text: "Refresh", callback_data: "qr:refresh" }]] },
    });
    expect(message.caption).toBe("Your QR code");
    expect(message.photo[0]?.file_size).toBe(png.length);

    // The file_id Telegram assigned can be sent again without uploading.
    const fileId = message.photo[0]?.file_id ?? "";
    expect(fileId).not.toBe("");
    expect((await api.sendPhoto(guest.id, fileId)).photo[0]?.file_id).toBe(fileId);
  });

  it("reads parameters from a query string and from an urlencoded body too", async () => {
    const method = `${telegram.apiRoot}/bot${TOKEN}/sendMessage`;
    const viaQuery = await fetch(`${method}?chat_id=${guest.id}&text=Hi`);
    expect(await viaQuery.json()).toMatchObject({ ok: true, result: { chat: { id: guest.id }, text: "Hi" } });

    const keyboard = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const body = new URLSearchParams({ chat_id: String(guest.id), text: "42", reply_markup: JSON.stringify(keyboard) });
    const viaForm = await fetch(method, { method: "POST", body });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { text: "42", reply_markup: keyboard } });
    expect(telegram.lastCall("sendMessage")?.params).toEqual({ chat_id: guest.id, text: "42", reply_markup: keyboard });
  });

  it("answers 429 with retry_after, which auto-retry waits out before succeeding", async () => {
    api.config.use(autoRetry());
    telegram.rateLimit(TOKEN, guest.id, { retryAfter: 1, times: 1 });

    const started = Date.now();
    const message = await api.sendMessage(guest.id, "Points added");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(message.text).toBe("Points added");
    expect(telegram.callsTo("sendMessage")).toHaveLength(2);
  });

  it("answers 429 in Telegram's format when nothing retries", async () => {
    telegram.rateLimit(TOKEN, guest.id, { retryAfter: 3, times: 1 });
    const error = await refusal(api.sendMessage(guest.id, "Points added"));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 3");
    expect(error.parameters).toEqual({ retry_after: 3 });
    // Other chats are not limited, and the next send to this one goes through.
    await api.sendMessage(guest.id + 1, "Hello");
    await api.sendMessage(guest.id, "Points added");
  });

  it("works behind the throttler", async () => {
    api.config.use(apiThrottler());
    const chats = [guest.id, guest.id + 1, guest.id + 2];
    const sent = await Promise.all(chats.map((chatId) => api.sendMessage(chatId, "Your balance: 120 points")));
    expect(sent.map((message) => message.chat.id)).toEqual(chats);
  });

  it("refuses every send to a chat whose user blocked the bot with 403", async () => {
    telegram.block(TOKEN, guest.id);
    const error = await refusal(api.sendMessage(guest.id, "Your points expire soon"));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe("Forbidden: bot was blocked by the user");

    telegram.unblock(TOKEN, guest.id);
    await api.sendMessage(guest.id, "Your points expire soon");
  });

  it("answers getUpdates with 409 Conflict while a webhook is set", async () => {
    await api.setWebhook("https://bots.example.com/telegram/abc", { secret_token: "s3cret-token" });
    expect(telegram.webhookOf(TOKEN)).toEqual({
      url: "https://bots.example.com/telegram/abc",
      secret_token: "s3cret-token",
    });

    const error = await refusal(api.getUpdates());
    expect(error.error_code).toBe(409);
    expect(error.description).toMatch(/^Conflict: can't use getUpdates method while webhook is active/);

    await api.deleteWebhook();
    expect(telegram.webhookOf(TOKEN)).toBeUndefined();
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
  });
});
