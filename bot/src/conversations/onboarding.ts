// Onboarding: consent, name, phone (the guest's own, through Telegram's contact button), an
// optional birthday, then the card and the welcome bonus. Every answer is saved by a verb as it
// is given, and the next question comes from what is saved, so a guest who leaves halfway (or
// whose chat state is lost) continues where they stopped with /start.
import type { Conversation } from "@grammyjs/conversations";
import {
  completeRegistration,
  type GuestProfile,
  guestProfile,
  nextOnboardingStep,
  recordConsent,
  setGuestBirthday,
  setGuestName,
  setGuestPhone,
} from "@maxl/api";
import { normalizePhone } from "@maxl/shared";
import { InlineKeyboard, Keyboard } from "grammy";
import type { BotContext, TalkContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";
import { escapeHtml } from "../format.ts";
import { type Locale, translator } from "../i18n.ts";
import { mainMenu } from "../keyboards/menu.ts";

export interface OnboardingArgs {
  locale: Locale;
  guestId: string;
}

type Talk = Conversation<BotContext, TalkContext>;

export async function onboarding(conversation: Talk, ctx: TalkContext, args: OnboardingArgs): Promise<void> {
  const t = translator(ctx.deps.i18n, args.locale);
  const { engine } = ctx.deps;
  const tenantId = ctx.tenant.id;
  const save = <T>(work: () => Promise<T>) => conversation.external(() => attempt(work));

  let profile = await conversation.external(() => guestProfile(engine, tenantId, args.guestId));
  let nameConfirmed = false;
  for (;;) {
    const saved = nextOnboardingStep(profile);
    // The card starts with the name from Telegram, which may be a nickname: the guest confirms it
    // (one tap) or types another before giving their phone.
    const step = saved === "phone" && !nameConfirmed ? "name" : saved;
    if (step === "consent") {
      await ctx.reply(
        `${t("consent-ask", { tenant: ctx.tenant.name })}\n\n${t("consent-policy", { url: ctx.deps.settings.privacyPolicyUrl })}`,
        {
          reply_markup: new InlineKeyboard().text(t("consent-yes"), "consent:yes").text(t("consent-no"), "consent:no"),
          link_preview_options: { is_disabled: true },
        },
      );
      const answer = await conversation.waitForCallbackQuery(["consent:yes", "consent:no"], {
        otherwise: (other) => other.reply(t("consent-use-buttons")),
      });
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup();
      if (answer.callbackQuery.data === "consent:no") {
        await ctx.reply(t("consent-declined"));
        return;
      }
      profile = await updated(await save(() => recordConsent(engine, tenantId, args.guestId)));
    } else if (step === "name") {
      const telegramName = ctx.from?.first_name?.trim();
      const suggestion = telegramName
        ? new InlineKeyboard().text(t("name-use-telegram", { name: telegramName }), "name:telegram")
        : undefined;
      await ctx.reply(t("name-ask"), suggestion ? { reply_markup: suggestion } : {});
      const answer = await conversation.waitUntil(
        (c) => c.callbackQuery?.data === "name:telegram" || typedText(c) !== null,
        { otherwise: (other) => other.reply(t("name-use-text")) },
      );
      if (answer.callbackQuery) await answer.answerCallbackQuery();
      const name = answer.callbackQuery ? (telegramName ?? "") : (answer.message?.text ?? "");
      const saved = await save(() => setGuestName(engine, tenantId, args.guestId, name));
      if (!saved.ok) {
        await ctx.reply(refusal(t, saved));
        continue;
      }
      profile = saved.value;
      nameConfirmed = true;
    } else if (step === "phone") {
      await ctx.reply(t("phone-ask"), {
        reply_markup: new Keyboard().requestContact(t("phone-button")).resized().oneTime(),
      });
      const answer = await conversation.waitFor("message:contact", {
        otherwise: (other) => other.reply(t("phone-use-button")),
      });
      const contact = answer.message.contact;
      // Only the sender's own number: a forwarded contact card carries someone else's user_id.
      if (contact.user_id !== ctx.from?.id) {
        await ctx.reply(t("phone-not-own"));
        continue;
      }
      const phone = normalizePhone(
        contact.phone_number.startsWith("+") ? contact.phone_number : `+${contact.phone_number}`,
      );
      if (!phone) {
        await ctx.reply(t("error-phone-invalid"));
        continue;
      }
      const saved = await save(() => setGuestPhone(engine, tenantId, args.guestId, phone));
      if (!saved.ok) {
        await ctx.reply(refusal(t, saved), { reply_markup: { remove_keyboard: true } });
        return;
      }
      if (saved.value.linked) {
        await ctx.reply(t("phone-linked"), { reply_markup: { remove_keyboard: true } });
        // The account now uses the existing card; onboarding continues (or ends) on that card.
        args = { ...args, guestId: saved.value.profile.guestId };
      }
      profile = saved.value.profile;
    } else if (step === "birthday") {
      await ctx.reply(t("birthday-ask"), {
        reply_markup: new InlineKeyboard().text(t("birthday-skip"), "birthday:skip"),
      });
      const answer = await conversation.waitUntil(
        (c) => c.callbackQuery?.data === "birthday:skip" || typedText(c) !== null,
        { otherwise: (other) => other.reply(t("birthday-invalid")) },
      );
      if (answer.callbackQuery) {
        await answer.answerCallbackQuery();
      } else {
        const birthday = parseBirthday(answer.message?.text ?? "");
        const saved = birthday ? await save(() => setGuestBirthday(engine, tenantId, args.guestId, birthday)) : null;
        if (!saved?.ok) {
          await ctx.reply(saved ? refusal(t, saved) : t("birthday-invalid"));
          continue;
        }
      }
      const registration = await save(() => completeRegistration(engine, tenantId, args.guestId));
      if (!registration.ok) {
        await ctx.reply(refusal(t, registration));
        return;
      }
      profile = registration.value.profile;
      const bonus = registration.value.welcomeBonus;
      const name = escapeHtml(profile.firstName ?? "");
      await ctx.reply(
        [t("registered", { name }), bonus > 0 ? t("registered-bonus", { count: bonus }) : null]
          .filter(Boolean)
          .join("\n"),
        { parse_mode: "HTML", reply_markup: mainMenu(t, { staff: false }) },
      );
      await ctx.reply(t("menu-hint"));
      return;
    } else {
      // The phone led to a card that was already registered: nothing left to ask.
      await ctx.reply(t("menu-hint"), { reply_markup: mainMenu(t, { staff: false }) });
      return;
    }
  }

  async function updated(result: Awaited<ReturnType<typeof save<GuestProfile>>>): Promise<GuestProfile> {
    if (result.ok) return result.value;
    await ctx.reply(refusal(t, result));
    return profile;
  }
}

/** What the user typed, unless it is a command (a menu tap like /card is not an answer). */
function typedText(ctx: TalkContext): string | null {
  const text = ctx.message?.text;
  return text === undefined || text.startsWith("/") ? null : text;
}

/** 15.07.1990, 15/07/1990, 15-07-1990 or 1990-07-15, as a UTC date; null if it is not a date. */
export function parseBirthday(text: string): Date | null {
  const trimmed = text.trim();
  const dayFirst = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(trimmed);
  const yearFirst = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const [day, month, year] = dayFirst
    ? [Number(dayFirst[1]), Number(dayFirst[2]), Number(dayFirst[3])]
    : yearFirst
      ? [Number(yearFirst[3]), Number(yearFirst[2]), Number(yearFirst[1])]
      : [0, 0, 0];
  if (!year) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Rejects 31.02 and the like, which Date would roll over into March.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}
