// Who is writing, in this tenant: their guest card and staff link, and so their language. Loaded
// once per update; everything downstream (i18n, menus, cashier mode) reads ctx.member.
import { staffByTelegramUser } from "@maxl/api";
import type { Middleware } from "grammy";
import type { BotContext } from "../context.ts";
import { type Locale, localeForLanguage } from "../i18n.ts";

export function loadMember(): Middleware<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const { engine } = ctx.deps;
    const tenantId = ctx.tenant.id;
    const [guest, staff] = await Promise.all([
      engine.db.withTenant(tenantId, (tx) =>
        tx.guest.findUnique({
          where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(from.id) } },
          select: { id: true, registeredAt: true, locale: true },
        }),
      ),
      staffByTelegramUser(engine, tenantId, from.id),
    ]);
    const locale: Locale = staff?.locale ?? guest?.locale ?? localeForLanguage(from.language_code);
    ctx.member = {
      locale,
      guest: guest ? { id: guest.id, registered: guest.registeredAt !== null } : null,
      staff: staff ? { id: staff.staffId, name: staff.name, role: staff.role } : null,
    };
    await next();
  };
}
