// The guest behind a Telegram user of a tenant's bot: found by Telegram id, or created on the
// user's first visit (ARCHITECTURE.md section 5) at the program's entry level.
import { isUniqueViolation, type TenantTx } from "@maxl/db";
import { levelForSpend } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import type { EngineDeps } from "../context.ts";

export interface TelegramUser {
  id: number;
  first_name?: string;
  last_name?: string;
  language_code?: string;
}

const RUSSIAN_SPEAKING = ["ru", "uk", "be", "kk"];

export function localeFor(languageCode: string | undefined): "ru" | "en" {
  const language = (languageCode ?? "").slice(0, 2).toLowerCase();
  return RUSSIAN_SPEAKING.includes(language) || language === "" ? "ru" : "en";
}

export async function guestForTelegramUser(deps: EngineDeps, tenantId: string, user: TelegramUser): Promise<string> {
  const telegramUserId = BigInt(user.id);
  const find = (tx: TenantTx) =>
    tx.guest.findUnique({ where: { tenantId_telegramUserId: { tenantId, telegramUserId } }, select: { id: true } });
  try {
    return await deps.db.withTenant(tenantId, async (tx) => {
      const existing = await find(tx);
      if (existing) return existing.id;
      const levels = await tx.level.findMany();
      const id = uuidv7();
      await tx.guest.create({
        data: {
          tenantId,
          id,
          telegramUserId,
          firstName: user.first_name?.slice(0, 100) ?? null,
          lastName: user.last_name?.slice(0, 100) ?? null,
          locale: localeFor(user.language_code),
          levelId: levelForSpend(levels, 0n)?.id ?? null,
        },
      });
      return id;
    });
  } catch (error) {
    // Two first requests at once: the other one created the guest.
    if (!isUniqueViolation(error)) throw error;
    const existing = await deps.db.withTenant(tenantId, find);
    if (!existing) throw error;
    return existing.id;
  }
}
