// /start, with the deep-link payloads a bot's links carry:
//   inv_<token>  a staff member's one-time invite (cashier mode)
//   r_<id>       a restaurant's link or table QR (remembered as where the guest joined)
//   ref_<code>   a guest's invite link
// A registered guest gets their card back; anyone else starts (or resumes) onboarding.
import { type Attribution, openGuestForTelegram, redeemStaffTelegramInvite } from "@maxl/api";
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";
import { escapeHtml } from "../format.ts";
import { mainMenu } from "../keyboards/menu.ts";
import { showCard } from "./guest-menu.ts";

export function parseStartPayload(payload: string): { invite?: string; attribution: Attribution } {
  const invite = /^inv_([A-Za-z0-9_-]{20,60})$/.exec(payload)?.[1];
  if (invite) return { invite, attribution: {} };
  const restaurant = /^r_([0-9a-f]{32})$/i.exec(payload)?.[1]?.toLowerCase();
  if (restaurant) {
    const id = `${restaurant.slice(0, 8)}-${restaurant.slice(8, 12)}-${restaurant.slice(12, 16)}-${restaurant.slice(16, 20)}-${restaurant.slice(20)}`;
    return { attribution: { restaurantId: id } };
  }
  const referral = /^ref_([a-z0-9]{6,16})$/.exec(payload)?.[1];
  return { attribution: referral ? { referralCode: referral } : {} };
}

/**
 * A staff invite, ahead of the conversations: a new cashier who had started onboarding as a
 * guest would otherwise have the link swallowed as an answer to "What should we call you?".
 */
export const staffInviteFeature = new Composer<BotContext>();

staffInviteFeature.command("start", async (ctx, next) => {
  const from = ctx.from;
  const { invite } = parseStartPayload(ctx.match.trim());
  if (!from || !invite) return next();
  const linked = await attempt(() => redeemStaffTelegramInvite(ctx.deps.engine, ctx.tenant.id, invite, from.id));
  if (!linked.ok) {
    await ctx.reply(refusal(ctx.t, linked));
    return;
  }
  await ctx.conversation.exitAll();
  ctx.member.locale = linked.value.locale ?? ctx.member.locale;
  ctx.i18n.useLocale(ctx.member.locale);
  await ctx.reply(ctx.t("staff-linked", { name: escapeHtml(linked.value.name) }), {
    parse_mode: "HTML",
    reply_markup: mainMenu(ctx.t, { staff: true }),
  });
});

export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  // A cashier opening the bot at the start of a shift wants the till, not a guest's consent form;
  // their own card is one button away.
  if (ctx.member.staff && !ctx.member.guest?.registered) {
    await ctx.reply(ctx.t("staff-start", { name: escapeHtml(ctx.member.staff.name) }), {
      parse_mode: "HTML",
      reply_markup: mainMenu(ctx.t, { staff: true }),
    });
    await ctx.reply(ctx.t("staff-own-card-hint"), {
      reply_markup: new InlineKeyboard().text(ctx.t("staff-own-card"), "start:guest"),
    });
    return;
  }
  await openCardOrOnboard(ctx, parseStartPayload(ctx.match.trim()).attribution);
});

startFeature.callbackQuery("start:guest", async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup();
  await openCardOrOnboard(ctx, {});
});

async function openCardOrOnboard(ctx: BotContext, attribution: Attribution): Promise<void> {
  const from = ctx.from;
  if (!from) return;
  const profile = await openGuestForTelegram(ctx.deps.engine, ctx.tenant.id, from, attribution);
  if (profile.registered) {
    await ctx.reply(ctx.t("menu-hint"), { reply_markup: mainMenu(ctx.t, { staff: ctx.member.staff !== null }) });
    await showCard(ctx, profile.guestId);
    return;
  }
  await ctx.reply(ctx.t("welcome", { tenant: ctx.tenant.name }));
  await ctx.conversation.enter("onboarding", { locale: ctx.member.locale, guestId: profile.guestId });
}
