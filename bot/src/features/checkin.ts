// Check-in at the door (/checkin, or its button in cashier mode): for staff linked to this bot,
// it opens the check-in conversation (conversations/checkin.ts).
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

export const checkinFeature = new Composer<BotContext>();

checkinFeature.command("checkin", async (ctx) => {
  const staff = ctx.member.staff;
  if (!staff) {
    await ctx.reply(ctx.t("staff-only"));
    return;
  }
  await ctx.conversation.enter("checkin", { locale: ctx.member.locale, staffId: staff.id, role: staff.role });
});
