// Billing news is told to the business's owners in Telegram, from the business's own bot, to each
// owner who tied their Telegram to it (staff_users.telegram_user_id): a declined renewal, the
// trial about to end, and the business becoming restricted (grace over, or a cancelled
// subscription ended). The admin view shows the same states as a banner (GET /api/v1/billing:
// notice, renewal, graceUntil). The guest
// notifier (@maxl/bot) is built around guests and their texts, so this sends one plain message
// through the Bot API itself. At most once per owner and event: a mark in Redis after each send
// (the events queue may hand the same event over again).
import { secretContext } from "@maxl/db";
import type { EventConsumer } from "../events/consumers.ts";

const BILLING_RENEWAL_FAILED = "billing.renewal_failed";
const BILLING_TRIAL_ENDING = "billing.trial_ending";
const BILLING_RESTRICTED = "billing.restricted";
const WEEK_SECONDS = 7 * 24 * 3600;

interface RenewalFailed {
  attempt?: number;
  nextAttemptAt?: string | null;
  periodEnd?: string;
}

interface TrialEnding {
  endsAt?: string;
}

interface Restricted {
  reason?: "unpaid" | "canceled";
}

function dateIn(iso: string, locale: "ru" | "en", timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

export function renewalFailedText(payload: RenewalFailed, locale: "ru" | "en", timeZone: string): string {
  const next = payload.nextAttemptAt ? dateIn(payload.nextAttemptAt, locale, timeZone) : null;
  if (locale === "ru") {
    return [
      "Не удалось оплатить подписку MAX Loyalty сохранённой картой.",
      next
        ? `Следующая попытка: ${next}.`
        : "Автоматических попыток больше не будет: оплатите подписку в разделе «Оплата» панели управления.",
      "Проверьте карту в разделе «Оплата»; баллы гостей в сохранности.",
    ].join("\n");
  }
  return [
    "The MAX Loyalty subscription could not be charged to the saved card.",
    next ? `Next try: ${next}.` : "There will be no more automatic tries: pay in Billing in the admin view.",
    "Check the card in Billing; your guests' points are safe.",
  ].join("\n");
}

export function trialEndingText(payload: TrialEnding, locale: "ru" | "en", timeZone: string): string {
  const end = payload.endsAt ? dateIn(payload.endsAt, locale, timeZone) : null;
  if (locale === "ru") {
    return [
      end ? `Пробный период MAX Loyalty заканчивается ${end}.` : "Пробный период MAX Loyalty скоро закончится.",
      "Выберите тариф в разделе «Оплата» панели управления, чтобы всё продолжало работать.",
      "Баллы гостей в сохранности при любом исходе.",
    ].join("\n");
  }
  return [
    end ? `Your MAX Loyalty trial ends on ${end}.` : "Your MAX Loyalty trial ends soon.",
    "Choose a plan in Billing in the admin view to keep everything working.",
    "Your guests' points are safe either way.",
  ].join("\n");
}

export function restrictedText(payload: Restricted, locale: "ru" | "en"): string {
  if (locale === "ru") {
    return [
      payload.reason === "canceled"
        ? "Подписка MAX Loyalty закончилась."
        : "Подписка MAX Loyalty не оплачена, и льготный период закончился.",
      "Баллы гостей сохранены и видны им, но гостям сверх лимитов тарифа новые баллы не начисляются.",
      "Оплатите или выберите тариф в разделе «Оплата» панели управления — всё заработает сразу.",
    ].join("\n");
  }
  return [
    payload.reason === "canceled"
      ? "Your MAX Loyalty subscription has ended."
      : "Your MAX Loyalty subscription is unpaid and the grace period is over.",
    "Guests keep and see their points, but guests beyond the plan's limits earn no new ones.",
    "Pay or choose a plan in Billing in the admin view: everything works again at once.",
  ].join("\n");
}

function textFor(type: string, payload: unknown, locale: "ru" | "en", timeZone: string): string {
  if (type === BILLING_TRIAL_ENDING) return trialEndingText((payload ?? {}) as TrialEnding, locale, timeZone);
  if (type === BILLING_RESTRICTED) return restrictedText((payload ?? {}) as Restricted, locale);
  return renewalFailedText((payload ?? {}) as RenewalFailed, locale, timeZone);
}

export function billingOwnerNotifications(options: { telegramApiRoot: string }): EventConsumer {
  return {
    name: "billing-owner-notifications",
    types: [BILLING_RENEWAL_FAILED, BILLING_TRIAL_ENDING, BILLING_RESTRICTED],
    async handle(event, deps) {
      const { tenantId } = event;
      const found = await deps.engine.db.withTenant(tenantId, async (tx) => {
        const bot = await tx.botConnection.findUnique({
          where: { tenantId },
          select: { tokenCiphertext: true, isActive: true },
        });
        const tenant = await tx.tenant.findUniqueOrThrow({
          where: { id: tenantId },
          select: { timeZone: true, defaultLocale: true },
        });
        const owners = await tx.staffUser.findMany({
          where: { tenantId, role: "owner", isActive: true, telegramUserId: { not: null } },
          select: { id: true, telegramUserId: true, locale: true },
        });
        return { bot, tenant, owners };
      });
      if (!found.bot?.isActive || found.owners.length === 0) return;
      const token = deps.secrets.decrypt(found.bot.tokenCiphertext, secretContext.botToken(tenantId));
      const { redis, settings } = deps.engine;
      for (const owner of found.owners) {
        const mark = `${settings.redisPrefix}:billing:told:${tenantId}:${event.eventId}:${owner.id}`;
        if (await redis.exists(mark)) continue;
        const locale = owner.locale ?? found.tenant.defaultLocale;
        const response = await fetch(`${options.telegramApiRoot}/bot${token}/sendMessage`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            chat_id: Number(owner.telegramUserId),
            text: textFor(event.type, event.payload, locale, found.tenant.timeZone),
          }),
          signal: AbortSignal.timeout(30_000),
        });
        // 403: the owner blocked the bot; nothing to retry. Anything else failing is retried by the job.
        if (!response.ok && response.status !== 403) {
          throw new Error(`Telegram answered ${response.status} to the ${event.type} notice`);
        }
        await redis.set(mark, "1", "EX", WEEK_SECONDS);
      }
    },
  };
}
