// Cashier mode: identify the guest (6-digit code, phone, or the Mini App's QR scanner), enter the
// check amount, see the quote, choose to accrue or redeem, confirm. Each operation's idempotency
// key is drawn once, before the confirm button is shown, and kept in the conversation's state:
// a double tap, a retried update or a replay after a restart all reach the engine with the same
// key, so a check is never credited twice.
//
// If the POS sent checks that came without a guest, the amount question also lists them: a guest
// who shows their code after paying at the POS gets that check's points instead of a new check.
//
// Everything is booked at the cashier's restaurant (till-restaurant.ts): asked once a shift when
// they work at several, changeable with the "Change restaurant" button or /restaurant.
import { randomUUID } from "node:crypto";
import type { Conversation } from "@grammyjs/conversations";
import {
  accruePoints,
  attachPosCheck,
  type GuestSummary,
  type IdentifyInput,
  identifyGuest,
  quoteRedemption,
  redeemPoints,
  type UnidentifiedCheck,
  unidentifiedChecks,
} from "@maxl/api";
import type { OperationResult, QuoteResult } from "@maxl/shared";
import { parseMinorInput } from "@maxl/shared";
import { InlineKeyboard, Keyboard } from "grammy";
import type { BotContext, TalkContext } from "../context.ts";
import { attempt, refusal } from "../errors.ts";
import { dayAndTime, escapeHtml, money } from "../format.ts";
import { type Locale, translator } from "../i18n.ts";
import { miniAppUrl } from "../keyboards/menu.ts";
import { type TillPlace, tillPlace } from "./till-restaurant.ts";

export interface TillArgs {
  locale: Locale;
  staffId: string;
  role: "owner" | "admin" | "manager" | "cashier";
  /** ask which restaurant even if one is remembered (/restaurant) */
  changeRestaurant?: boolean;
}

type Talk = Conversation<BotContext, TalkContext>;

const noKeyboard = { reply_markup: { remove_keyboard: true } } as const;

export async function till(conversation: Talk, ctx: TalkContext, args: TillArgs): Promise<void> {
  const t = translator(ctx.deps.i18n, args.locale);
  const { engine, settings } = ctx.deps;
  const tenant = ctx.tenant;
  const actor = { source: "cashier" as const, channel: "bot" as const, staffId: args.staffId, role: args.role };
  const run = <T>(work: () => Promise<T>) => conversation.external(() => attempt(work));
  const cancelled = async () => {
    await ctx.reply(t("till-cancelled"), noKeyboard);
  };

  // 0. Where is the cashier working?
  const placed = await tillPlace(conversation, ctx, t, args, { ask: args.changeRestaurant === true });
  if (placed === "cancel") return cancelled();
  let place: TillPlace = placed;

  // 1. Who is the guest?
  const scanner = miniAppUrl(settings.miniAppUrl, tenant, "scan");
  const askGuest = async () => {
    const guestKeyboard = new Keyboard();
    if (scanner) guestKeyboard.webApp(t("till-scan"), scanner).row();
    if (place.several) guestKeyboard.text(t("till-change-restaurant")).row();
    const at = place.several && place.restaurant ? `${t("till-at-restaurant", { name: place.restaurant.name })}\n` : "";
    await ctx.reply(`${at}${t("till-ask-guest")}`, { reply_markup: guestKeyboard.text(t("till-cancel")).resized() });
  };
  await askGuest();
  let guest: GuestSummary | null = null;
  while (!guest) {
    const input = await conversation.waitUntil(
      (c) => c.message?.text !== undefined || c.message?.web_app_data !== undefined,
      {
        otherwise: (other) => other.reply(t("till-unknown-input")),
      },
    );
    const text = input.message?.text?.trim() ?? "";
    if (text === t("till-cancel")) return cancelled();
    if (place.several && text === t("till-change-restaurant")) {
      const changed = await tillPlace(conversation, ctx, t, args, { ask: true });
      if (changed === "cancel") return cancelled();
      place = changed;
      await askGuest();
      continue;
    }
    const query = identifyQuery(text, input.message?.web_app_data?.data);
    if (!query) {
      await ctx.reply(t("till-unknown-input"));
      continue;
    }
    const found = await run(() => identifyGuest(engine, tenant.id, query));
    if (found.ok) guest = found.value;
    else await ctx.reply(refusal(t, found));
  }
  const guestName = [guest.firstName, guest.lastName].filter(Boolean).join(" ") || "—";
  await ctx.reply(
    t("till-guest", {
      name: escapeHtml(guestName),
      count: guest.balance,
      available: guest.available,
      level: guest.level?.name ?? "—",
    }),
    { parse_mode: "HTML", ...noKeyboard },
  );
  const guestId = guest.id;
  const restaurantId = place.restaurant?.id;
  const at = restaurantId ? { restaurantId } : {};
  const cancelButton = new InlineKeyboard().text(t("till-cancel"), "till:cancel");

  /** Attaches a POS check that came without a guest to this guest, once confirmed. */
  const attachPicked = async (check: UnidentifiedCheck): Promise<void> => {
    await ctx.reply(t("till-pos-confirm", posCheckText(check)), {
      reply_markup: new InlineKeyboard().text(t("till-confirm"), "till:confirm").text(t("till-cancel"), "till:cancel"),
    });
    const confirmed = await conversation.waitForCallbackQuery(["till:confirm", "till:cancel"], {
      otherwise: (other) => other.reply(t("till-use-buttons")),
    });
    await confirmed.answerCallbackQuery();
    await confirmed.editMessageReplyMarkup();
    if (confirmed.callbackQuery.data === "till:cancel") return cancelled();
    const attached = await run(() =>
      attachPosCheck(engine, { tenantId: tenant.id, actor, eventId: check.id, guestId }),
    );
    if (!attached.ok) {
      await ctx.reply(refusal(t, attached));
      return;
    }
    const outcome = attached.value;
    await ctx.reply(
      outcome.status === "processed"
        ? t("till-pos-attached", { count: outcome.pointsDelta })
        : t("till-pos-not-credited", { reason: "reason" in outcome ? outcome.reason : outcome.status }),
    );
  };
  /** Waits for typed text, or the Cancel button under the prompt (null). */
  const textOrCancel = async (invalid: string): Promise<string | null> => {
    const answer = await conversation.waitUntil(
      (c) => c.message?.text !== undefined || c.callbackQuery?.data === "till:cancel",
      {
        otherwise: (other) => other.reply(invalid),
      },
    );
    if (answer.callbackQuery) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup();
      return null;
    }
    return answer.message?.text?.trim() ?? "";
  };

  // 2. How much is the check? (Or is it one the POS already sent without a guest?)
  // Checks of every restaurant the cashier works at (and, for staff of all of them, those the POS
  // could not place): a check attached keeps the restaurant the POS gave it.
  const waiting = await run(() => unidentifiedChecks(engine, tenant.id, { limit: 5 }, actor));
  const posChecks = waiting.ok ? waiting.value : [];
  const posCheckText = (check: UnidentifiedCheck) => ({
    amount: money(check.amountMinor ?? "0", tenant, args.locale),
    time: dayAndTime(check.closedAt ?? check.receivedAt, tenant, args.locale),
  });
  const amountKeyboard = new InlineKeyboard();
  for (const [index, check] of posChecks.entries()) {
    amountKeyboard.text(t("till-pos-check", posCheckText(check)), `till:pos:${index}`).row();
  }
  amountKeyboard.text(t("till-cancel"), "till:cancel");
  const amountQuestion = posChecks.length > 0 ? `${t("till-ask-amount")}\n${t("till-ask-pos")}` : t("till-ask-amount");
  let amountMinor: bigint | null = null;
  while (amountMinor === null) {
    await ctx.reply(amountQuestion, { reply_markup: amountKeyboard });
    const answer = await conversation.waitUntil(
      (c) => c.message?.text !== undefined || /^till:(cancel|pos:\d)$/.test(c.callbackQuery?.data ?? ""),
      { otherwise: (other) => other.reply(t("till-amount-invalid")) },
    );
    if (answer.callbackQuery) {
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup();
      const picked = posChecks[Number(answer.callbackQuery.data?.slice("till:pos:".length))];
      if (!picked) return cancelled();
      return attachPicked(picked);
    }
    const text = answer.message?.text?.trim() ?? "";
    amountMinor = parseMinorInput(text);
    if (amountMinor === null || amountMinor <= 0n) {
      amountMinor = null;
      await ctx.reply(t("till-amount-invalid"));
    }
  }
  const amount = amountMinor;

  // 3. The quote, and the choice.
  const quoteKey = await conversation.external(() => randomUUID());
  const quoted = await run(() =>
    quoteRedemption(engine, {
      tenantId: tenant.id,
      actor,
      idempotencyKey: `bot-quote:${quoteKey}`,
      input: { guestId, amountMinor: amount, currency: tenant.currency, ...at },
    }),
  );
  if (!quoted.ok) {
    await ctx.reply(refusal(t, quoted));
    return;
  }
  const quote: QuoteResult = quoted.value.result;
  const choices = new InlineKeyboard().text(t("till-accrue", { count: quote.earnIfAccrued }), "till:accrue");
  if (quote.maxRedeemablePoints > 0) {
    choices
      .row()
      .text(t("till-redeem-max", { count: quote.maxRedeemablePoints }), "till:redeem-max")
      .row()
      .text(t("till-redeem-other"), "till:redeem-other");
  }
  choices.row().text(t("till-cancel"), "till:cancel");
  await ctx.reply(
    t("till-quote", {
      amount: money(amount, tenant, args.locale),
      max: quote.maxRedeemablePoints,
      maxMoney: money(quote.maxRedeemableMinor, tenant, args.locale),
      count: quote.earnIfAccrued,
    }),
    { parse_mode: "HTML", reply_markup: choices },
  );
  const choice = await conversation.waitForCallbackQuery(/^till:(accrue|redeem-max|redeem-other|cancel)$/, {
    otherwise: (other) => other.reply(t("till-use-buttons")),
  });
  await choice.answerCallbackQuery();
  await choice.editMessageReplyMarkup();
  if (choice.callbackQuery.data === "till:cancel") return cancelled();

  let points = 0;
  if (choice.callbackQuery.data === "till:redeem-max") points = quote.maxRedeemablePoints;
  if (choice.callbackQuery.data === "till:redeem-other") {
    while (points === 0) {
      await ctx.reply(t("till-ask-points", { max: quote.maxRedeemablePoints }), { reply_markup: cancelButton });
      const text = await textOrCancel(t("till-points-invalid", { max: quote.maxRedeemablePoints }));
      if (text === null) return cancelled();
      const wanted = Number(text);
      if (Number.isInteger(wanted) && wanted >= 1 && wanted <= quote.maxRedeemablePoints) points = wanted;
      else await ctx.reply(t("till-points-invalid", { max: quote.maxRedeemablePoints }));
    }
  }

  // 4. Confirm, then do it once.
  const operationKey = await conversation.external(() => randomUUID());
  const amountText = money(amount, tenant, args.locale);
  await ctx.reply(
    points > 0
      ? t("till-confirm-redeem", { count: points, amount: amountText })
      : t("till-confirm-accrue", { count: quote.earnIfAccrued, amount: amountText }),
    {
      reply_markup: new InlineKeyboard().text(t("till-confirm"), "till:confirm").text(t("till-cancel"), "till:cancel"),
    },
  );
  const confirmation = await conversation.waitForCallbackQuery(["till:confirm", "till:cancel"], {
    otherwise: (other) => other.reply(t("till-use-buttons")),
  });
  await confirmation.answerCallbackQuery();
  await confirmation.editMessageReplyMarkup();
  if (confirmation.callbackQuery.data === "till:cancel") return cancelled();

  const done = await run(async () => {
    const call = { tenantId: tenant.id, actor, idempotencyKey: `bot:${operationKey}` };
    const outcome =
      points > 0
        ? await redeemPoints(engine, {
            ...call,
            input: { guestId, amountMinor: amount, currency: tenant.currency, points, holdId: quote.holdId, ...at },
          })
        : await accruePoints(engine, {
            ...call,
            input: { guestId, amountMinor: amount, currency: tenant.currency, ...at },
          });
    return outcome.result;
  });
  if (!done.ok) {
    await ctx.reply(refusal(t, done));
    return;
  }
  const result: OperationResult = done.value;
  await ctx.reply(
    result.kind === "redemption"
      ? t("till-done-redeem", {
          redeemed: result.redeemed,
          earned: result.earned,
          paid: money(result.paidMinor ?? "0", tenant, args.locale),
          balance: result.balance,
        })
      : t("till-done-accrue", { count: result.earned, balance: result.balance }),
    result.checkId ? { reply_markup: new InlineKeyboard().text(t("till-undo"), `undo:${result.checkId}`) } : {},
  );
}

/** What the guest showed: a scanned QR (the scanner sends JSON), 6 digits, or a phone. */
export function identifyQuery(text: string, webAppData: string | undefined): IdentifyInput | null {
  if (webAppData) {
    try {
      const data = JSON.parse(webAppData) as { qrToken?: unknown };
      return typeof data.qrToken === "string" ? { qrToken: data.qrToken } : null;
    } catch {
      return null;
    }
  }
  if (/^\d{6}$/.test(text.replace(/\s/g, ""))) return { code: text.replace(/\s/g, "") };
  if (text.replace(/\D/g, "").length >= 10) return { phone: text };
  return null;
}
