// Cashier mode's entry (/till, for staff linked to this bot) and the undo of a just-made
// operation: a full refund of its check, allowed to a cashier for their own check within the
// refund window (the refund verb decides), keyed by the check so a double tap undoes once.
import { refundCheck } from "@maxl/api";
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";

export const tillFeature = new Composer<BotContext>();

tillFeature.command("till", async (ctx) => {
  const staff = ctx.member.staff;
  if (!staff) {
    await ctx.reply(ctx.t("staff-only"));
    return;
  }
  await ctx.conversation.enter("till", { locale: ctx.member.locale, staffId: staff.id, role: staff.role });
});

// Another restaurant this shift: asks again (the till remembers the new one), then goes on to
// the till as /till does.
tillFeature.command("restaurant", async (ctx) => {
  const staff = ctx.member.staff;
  if (!staff) {
    await ctx.reply(ctx.t("staff-only"));
    return;
  }
  await ctx.conversation.enter("till", {
    locale: ctx.member.locale,
    staffId: staff.id,
    role: staff.role,
    changeRestaurant: true,
  });
});

const CHECK = "([0-9a-f-]{36})";

tillFeature.callbackQuery(new RegExp(`^undo:${CHECK}$`), async (ctx) => {
  if (!ctx.member.staff) {
    await ctx.answerCallbackQuery(ctx.t("staff-only"));
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("till-undo-confirm"), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("till-undo-yes"), `undo-yes:${ctx.match[1]}`)
      .text(ctx.t("till-cancel"), "undo-no"),
  });
});

tillFeature.callbackQuery("undo-no", async (ctx) => {
  await ctx.answerCallbackQuery(ctx.t("cancelled"));
  // Already gone after a double tap: nothing to take away.
  await ctx.editMessageReplyMarkup().catch(() => undefined);
});

tillFeature.callbackQuery(new RegExp(`^undo-yes:${CHECK}$`), async (ctx) => {
  const staff = ctx.member.staff;
  const checkId = ctx.match[1];
  if (!staff || !checkId) {
    await ctx.answerCallbackQuery(ctx.t("staff-only"));
    return;
  }
  const undone = await attempt(() =>
    refundCheck(ctx.deps.engine, {
      tenantId: ctx.tenant.id,
      actor: { source: "cashier", channel: "bot", staffId: staff.id, role: staff.role },
      idempotencyKey: `bot-undo:${checkId}`,
      input: { checkId, reason: "undone at the till" },
    }),
  );
  // A second tap replays the first undo (same key): say so under the button, not in a new message.
  if (undone.ok && undone.value.replayed) {
    await ctx.answerCallbackQuery(ctx.t("till-undo-done-already"));
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  await ctx.reply(undone.ok ? ctx.t("till-undone", { balance: undone.value.result.balance }) : refusal(ctx.t, undone));
});
