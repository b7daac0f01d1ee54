// A declined renewal is told to the business's owners in Telegram, from the business's own bot,
// to each owner who tied their Telegram to it (staff_users.telegram_user_id). The admin view
// shows the same state as a banner (GET /api/v1/billing: notice, renewal, graceUntil). The guest
// notifier (@maxl/bot) is built around guests and their texts, so this sends one plain message
// through the Bot API itself. At most once per owner and event: a mark in Redis after each send
// (the events queue may hand the same event over again).
import { secretContext } from "@maxl/db";
import type { EventConsumer } from "../events/consumers.ts";

const BILLING_RENEWAL_FAILED = "billing.renewal_failed";
const WEEK_SECONDS = 7 * 24 * 3600;

interface RenewalFailed {
  attempt?: number;
  nextAttemptAt?: string | null;
  periodEnd?: string;
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

export function billingOwnerNotifications(options: { telegramApiRoot: string }): EventConsumer {
  return {
    name: "billing-owner-notifications",
    types: [BILLING_RENEWAL_FAILED],
    async handle(event, deps) {
      const { tenantId } = event;
      const payload = (event.payload ?? {}) as RenewalFailed;
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
            text: renewalFailedText(payload, locale, found.tenant.timeZone),
          }),
          signal: AbortSignal.timeout(30_000),
        });
        // 403: the owner blocked the bot; nothing to retry. Anything else failing is retried by the job.
        if (!response.ok && response.status !== 403) {
          throw new Error(`Telegram answered ${response.status} to the renewal notice`);
        }
        await redis.set(mark, "1", "EX", WEEK_SECONDS);
      }
    },
  };
}
