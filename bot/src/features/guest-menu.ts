// The guest's menu: card with balance, level and progress; a QR image with the 6-digit code;
// history; levels; settings (language, notifications); a link to invite friends. Reached by
// commands, the reply keyboard and the buttons under the card.
import { hears } from "@grammyjs/i18n";
import {
  currentGuestTokens,
  guestCard,
  guestHistory,
  guestLevels,
  guestProfile,
  setGuestLocale,
  setGuestNotifications,
} from "@maxl/api";
import { Composer, InlineKeyboard, InputFile, InputMediaBuilder } from "grammy";
import type { BotContext } from "../context.ts";
import { day, dayAndTime, escapeHtml, money, progressBar, signed, time } from "../format.ts";
import { type Locale, translator } from "../i18n.ts";
import { cardActions, mainMenu, miniAppUrl } from "../keyboards/menu.ts";
import { qrPng } from "../qr.ts";

export const guestMenuFeature = new Composer<BotContext>();

/** The sender's registered card, or a pointer to /start. */
async function registeredGuest(ctx: BotContext): Promise<string | null> {
  const guest = ctx.member.guest;
  if (guest?.registered) return guest.id;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("not-registered"));
  return null;
}

export async function showCard(ctx: BotContext, guestId: string): Promise<void> {
  const { engine, settings } = ctx.deps;
  const card = await guestCard(engine, ctx.tenant.id, guestId);
  const locale = ctx.member.locale;
  const lines = [ctx.t("card", { tenant: escapeHtml(card.tenant.name), count: card.balance })];
  if (card.available !== card.balance) lines.push(ctx.t("card-available", { count: card.available }));
  if (card.level)
    lines.push(ctx.t("card-level", { level: escapeHtml(card.level.name), rate: card.level.earnRateBps / 100 }));
  if (card.nextLevel) {
    lines.push(
      ctx.t("card-next", {
        next: escapeHtml(card.nextLevel.name),
        remaining: money(card.nextLevel.remainingMinor, ctx.tenant, locale),
      }),
      progressBar(card.progress),
    );
  } else if (card.level) {
    lines.push(ctx.t("card-top"));
  }
  if (card.expiringSoonest) {
    lines.push(
      ctx.t("card-expiring", {
        count: card.expiringSoonest.points,
        date: day(card.expiringSoonest.expiresAt, ctx.tenant, locale),
      }),
    );
  }
  await ctx.reply(lines.join("\n"), {
    parse_mode: "HTML",
    reply_markup: cardActions(ctx.t, miniAppUrl(settings.miniAppUrl, ctx.tenant)),
  });
}

async function showQr(ctx: BotContext, guestId: string, refresh: boolean): Promise<void> {
  const tokens = await currentGuestTokens(ctx.deps.engine, ctx.tenant.id, guestId, { rotate: refresh });
  const caption = ctx.t("qr-caption", {
    code: tokens.code.code,
    qrUntil: time(tokens.qr.expiresAt, ctx.tenant),
    codeUntil: time(tokens.code.expiresAt, ctx.tenant),
  });
  const image = new InputFile(await qrPng(tokens.qr.token), "qr.png");
  const refreshButton = new InlineKeyboard().text(ctx.t("qr-refresh"), "qr:refresh");
  if (refresh && ctx.callbackQuery?.message) {
    await ctx.editMessageMedia(InputMediaBuilder.photo(image, { caption, parse_mode: "HTML" }), {
      reply_markup: refreshButton,
    });
    return;
  }
  await ctx.replyWithPhoto(image, { caption, parse_mode: "HTML", reply_markup: refreshButton });
}

const historyKinds: Record<string, string> = {
  earn: "history-earn",
  redeem: "history-redeem",
  expire: "history-expire",
  adjust: "history-adjust",
  bonus: "history-bonus",
  reversal: "history-reversal",
};

// History cursors travel in callback data (at most 64 bytes), so the API's cursor is carried
// in a compact form: "<ms base36>.<entry id base36>".
function compactCursor(cursor: string): string {
  const [at = "", id = "0"] = Buffer.from(cursor, "base64url").toString().split("|");
  return `${new Date(at).getTime().toString(36)}.${BigInt(id).toString(36)}`;
}

function expandCursor(compact: string): string | null {
  const match = /^([0-9a-z]{1,12})\.([0-9a-z]{1,14})$/.exec(compact);
  if (!match?.[1] || !match[2]) return null;
  const id = [...match[2]].reduce((value, digit) => value * 36n + BigInt(Number.parseInt(digit, 36)), 0n);
  return Buffer.from(`${new Date(Number.parseInt(match[1], 36)).toISOString()}|${id}`).toString("base64url");
}

async function showHistory(ctx: BotContext, guestId: string, compact?: string): Promise<void> {
  const cursor = compact ? expandCursor(compact) : null;
  const page = await guestHistory(ctx.deps.engine, ctx.tenant.id, guestId, {
    limit: 10,
    ...(cursor ? { cursor } : {}),
  });
  const locale = ctx.member.locale;
  const lines =
    page.items.length === 0
      ? [ctx.t("history-empty")]
      : page.items.map((item) =>
          ctx.t("history-line", {
            date: dayAndTime(item.at, ctx.tenant, locale),
            points: signed(item.points),
            what: [
              ctx.t(historyKinds[item.kind] ?? "history-adjust"),
              item.restaurant ? escapeHtml(item.restaurant) : null,
            ]
              .filter(Boolean)
              .join(", "),
          }),
        );
  const more = page.nextCursor
    ? new InlineKeyboard().text(ctx.t("history-more"), `history:${compactCursor(page.nextCursor)}`)
    : undefined;
  await ctx.reply([ctx.t("history-title"), ...lines].join("\n"), {
    parse_mode: "HTML",
    ...(more ? { reply_markup: more } : {}),
  });
}

async function showLevels(ctx: BotContext, guestId: string): Promise<void> {
  const table = await guestLevels(ctx.deps.engine, ctx.tenant.id, guestId);
  const locale = ctx.member.locale;
  const lines = [
    ctx.t("levels-title", { days: table.levelWindowDays ?? 0 }),
    ...table.levels.map((level) =>
      ctx.t("levels-line", {
        mark: level.current ? "★" : level.reached ? "✓" : "·",
        name: escapeHtml(level.name),
        threshold: money(level.thresholdMinor, ctx.tenant, locale),
        rate: level.earnRateBps / 100,
      }),
    ),
    ctx.t("levels-spend", { spend: money(table.spendMinor, ctx.tenant, locale) }),
  ];
  if (table.manualUntil) lines.push(ctx.t("levels-manual", { until: day(table.manualUntil, ctx.tenant, locale) }));
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
}

async function showSettings(ctx: BotContext, guestId: string, edit: boolean): Promise<void> {
  const profile = await guestProfile(ctx.deps.engine, ctx.tenant.id, guestId);
  const t = translator(ctx.deps.i18n, ctx.member.locale);
  const text = [
    t("settings-title"),
    t("settings-language"),
    t(profile.notificationsEnabled ? "settings-notifications-on" : "settings-notifications-off"),
  ].join("\n");
  const other: Locale = ctx.member.locale === "ru" ? "en" : "ru";
  const keyboard = new InlineKeyboard()
    .text(t("settings-switch-language"), `settings:lang:${other}`)
    .row()
    .text(
      t(profile.notificationsEnabled ? "settings-turn-off" : "settings-turn-on"),
      `settings:notify:${profile.notificationsEnabled ? "off" : "on"}`,
    );
  if (edit) await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard });
  else await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
}

async function showInvite(ctx: BotContext, guestId: string): Promise<void> {
  const profile = await guestProfile(ctx.deps.engine, ctx.tenant.id, guestId);
  const link = `https://t.me/${ctx.tenant.botUsername}?start=ref_${profile.referralCode ?? ""}`;
  await ctx.reply(ctx.t("invite-text", { link }), { link_preview_options: { is_disabled: true } });
}

type Show = (ctx: BotContext, guestId: string) => Promise<void>;
const screens: [string, string, Show][] = [
  ["card", "menu-card", showCard],
  ["qr", "menu-qr", (ctx, guestId) => showQr(ctx, guestId, false)],
  ["history", "menu-history", (ctx, guestId) => showHistory(ctx, guestId)],
  ["levels", "menu-levels", showLevels],
  ["settings", "menu-settings", (ctx, guestId) => showSettings(ctx, guestId, false)],
  ["invite", "menu-invite", showInvite],
];
for (const [command, label, show] of screens) {
  const open = async (ctx: BotContext) => {
    const guestId = await registeredGuest(ctx);
    if (guestId) await show(ctx, guestId);
  };
  guestMenuFeature.command(command, open);
  guestMenuFeature.filter(hears(label), open);
  guestMenuFeature.callbackQuery(`menu:${command}`, async (ctx) => {
    await ctx.answerCallbackQuery();
    await open(ctx);
  });
}

guestMenuFeature.callbackQuery("qr:refresh", async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  await showQr(ctx, guestId, true);
});

guestMenuFeature.callbackQuery(/^history:([0-9a-z.]+)$/, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await ctx.answerCallbackQuery();
  await showHistory(ctx, guestId, ctx.match[1]);
});

guestMenuFeature.callbackQuery(/^settings:lang:(ru|en)$/, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  const locale = ctx.match[1] as Locale;
  await setGuestLocale(ctx.deps.engine, ctx.tenant.id, guestId, locale);
  ctx.member.locale = locale;
  ctx.i18n.useLocale(locale);
  await ctx.answerCallbackQuery(ctx.t("settings-saved"));
  await showSettings(ctx, guestId, true);
  // The reply keyboard speaks the old language until it is sent again.
  await ctx.reply(ctx.t("menu-hint"), { reply_markup: mainMenu(ctx.t, { staff: ctx.member.staff !== null }) });
});

guestMenuFeature.callbackQuery(/^settings:notify:(on|off)$/, async (ctx) => {
  const guestId = await registeredGuest(ctx);
  if (!guestId) return;
  await setGuestNotifications(ctx.deps.engine, ctx.tenant.id, guestId, ctx.match[1] === "on");
  await ctx.answerCallbackQuery(ctx.t("settings-saved"));
  await showSettings(ctx, guestId, true);
});

guestMenuFeature.command("help", async (ctx) => {
  const staff = ctx.member.staff !== null;
  await ctx.reply(
    [ctx.t("help"), ctx.t("help-events"), staff ? ctx.t("help-staff") : null, staff ? ctx.t("help-checkin") : null]
      .filter(Boolean)
      .join("\n"),
  );
});
