// What is left after every feature had its chance: /cancel, stickers, stray text, and buttons
// whose conversation is over (a double tap on "Confirm", an old message's button).
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

/** Runs before the conversations, so /cancel always gets out of one. */
export const cancelFeature = new Composer<BotContext>();

cancelFeature.command("cancel", async (ctx) => {
  const active = ctx.conversation.active();
  await ctx.conversation.exitAll();
  // Say what was left and how to come back: sign-up keeps what was answered, a check had nothing written.
  const text = active.onboarding
    ? "onboarding-cancelled"
    : active.till
      ? "till-cancelled"
      : active.checkin
        ? "checkin-finished"
        : Object.keys(active).length > 0
          ? "cancelled"
          : "nothing-to-cancel";
  await ctx.reply(ctx.t(text), { reply_markup: { remove_keyboard: true } });
});

export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("message:sticker", (ctx) => ctx.reply(ctx.t("sticker-reply")));
fallbackFeature.on("callback_query", (ctx) => ctx.answerCallbackQuery(ctx.t("button-outdated")));
fallbackFeature.on("message", (ctx) => ctx.reply(ctx.t("unknown-message")));
