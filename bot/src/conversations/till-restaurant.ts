// Which restaurant the cashier is working at. With one open restaurant of theirs (or a business
// of one) there is nothing to ask. With several, the bot asks once with a button per restaurant
// and remembers the answer in Redis for a shift (12 hours), so the next /till goes straight to
// the guest; "Change restaurant" (or /restaurant) asks again. The verbs refuse to guess, so
// booking without a choice is not an option here either.
import type { Conversation } from "@grammyjs/conversations";
import { type EngineDeps, tillRestaurants } from "@maxl/api";
import { InlineKeyboard } from "grammy";
import type { BotContext, TalkContext } from "../context.ts";
import type { Translate } from "../i18n.ts";

export const SHIFT_SECONDS = 12 * 3600;

export interface TillRestaurant {
  id: string;
  name: string;
}

export interface TillPlace {
  /** null: the business has no open restaurant to book at (the verbs say so if it matters) */
  restaurant: TillRestaurant | null;
  /** whether the cashier works at several, so "Change restaurant" is offered */
  several: boolean;
}

type Talk = Conversation<BotContext, TalkContext>;

export const rememberedKey = (deps: EngineDeps, tenantId: string, staffId: string) =>
  `${deps.settings.redisPrefix}:till-restaurant:${tenantId}:${staffId}`;

/** The restaurant to book at, asked for when the choice is the cashier's; "cancel" if they cancel. */
export async function tillPlace(
  conversation: Talk,
  ctx: TalkContext,
  t: Translate,
  staff: { staffId: string; role: "owner" | "admin" | "manager" | "cashier" },
  options: { ask: boolean },
): Promise<TillPlace | "cancel"> {
  const { engine } = ctx.deps;
  const tenantId = ctx.tenant.id;
  const key = rememberedKey(engine, tenantId, staff.staffId);
  const { restaurants } = await conversation.external(() =>
    tillRestaurants(engine, { tenantId, staffId: staff.staffId, role: staff.role }),
  );
  const choices = restaurants.map(({ id, name }) => ({ id, name }));
  const only = choices[0];
  if (choices.length <= 1) return { restaurant: only ?? null, several: false };
  if (!options.ask) {
    const remembered = await conversation.external(() => engine.redis.get(key));
    const known = choices.find((choice) => choice.id === remembered);
    if (known) return { restaurant: known, several: true };
  }
  const keyboard = new InlineKeyboard();
  for (const [index, choice] of choices.entries()) keyboard.text(choice.name, `till:at:${index}`).row();
  keyboard.text(t("till-cancel"), "till:cancel");
  await ctx.reply(t("till-ask-restaurant"), { reply_markup: keyboard });
  const answer = await conversation.waitForCallbackQuery(/^till:(at:\d+|cancel)$/, {
    otherwise: (other) => other.reply(t("till-use-buttons")),
  });
  await answer.answerCallbackQuery();
  await answer.editMessageReplyMarkup();
  const picked = choices[Number(answer.callbackQuery.data.slice("till:at:".length))];
  if (answer.callbackQuery.data === "till:cancel" || !picked) return "cancel";
  await conversation.external(() => engine.redis.set(key, picked.id, "EX", SHIFT_SECONDS));
  await ctx.reply(t("till-restaurant-chosen", { name: picked.name }));
  return { restaurant: picked, several: true };
}
