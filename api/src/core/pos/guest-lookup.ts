// Who a POS check belongs to. Phone and Telegram id are looked up in the database and work at
// any time; a 6-digit code or QR token lives a few minutes in Redis, so the intake resolves it
// at once while it is still valid and stores the guest with the event.
import { normalizePhone, type PosGuestRef } from "@maxl/shared";
import type pg from "pg";
import type { EngineDeps } from "../context.ts";
import { peekGuestCode, peekQrToken } from "../identification/tokens.ts";

export type GuestLookup = { guestId: string } | { guestId: null; reason: string };

/** Resolves a code or QR token if Redis answers quickly; null when there is none or it is away. */
export async function resolveShortLivedRef(
  deps: EngineDeps,
  tenantId: string,
  ref: PosGuestRef | undefined,
  timeoutMs = 200,
): Promise<string | null> {
  if (!ref || (!ref.code && !ref.qrToken)) return null;
  const lookup = ref.qrToken ? peekQrToken(deps, tenantId, ref.qrToken) : peekGuestCode(deps, tenantId, ref.code ?? "");
  // Intake must not wait on Redis: if it is away the event is stored anyway and the worker tries.
  const timeout = new Promise<null>((resolve) => setTimeout(resolve, timeoutMs, null).unref());
  try {
    return await Promise.race([lookup, timeout]);
  } catch {
    return null;
  }
}

/** Finds the guest a check names, inside the tenant's unit of work. */
export async function findPosGuest(
  deps: EngineDeps,
  client: pg.PoolClient,
  tenantId: string,
  ref: PosGuestRef | undefined,
): Promise<GuestLookup> {
  const [lookup] = await findPosGuests(deps, client, tenantId, [ref]);
  return lookup ?? { guestId: null, reason: "The POS did not say who the guest is." };
}

/**
 * The guests a batch of checks names, in order: phones and Telegram ids in one query each, codes
 * and QR tokens (rare at a POS) one by one from Redis.
 */
export async function findPosGuests(
  deps: EngineDeps,
  client: pg.PoolClient,
  tenantId: string,
  refs: readonly (PosGuestRef | undefined)[],
): Promise<GuestLookup[]> {
  const phones = refs.map((ref) => (ref?.phone ? normalizePhone(ref.phone) : null));
  const telegramIds = refs.map((ref) => ref?.telegramId ?? null);
  const wantedPhones = [...new Set(phones.filter((phone): phone is string => phone !== null))];
  const wantedTelegram = [...new Set(telegramIds.filter((id): id is string => id !== null))];
  const byPhone = new Map<string, string>();
  const byTelegram = new Map<string, string>();
  if (wantedPhones.length > 0) {
    const { rows } = await client.query<{ id: string; phone: string }>(
      "SELECT id, phone FROM guests WHERE tenant_id = app_current_tenant() AND phone = ANY($1::text[])",
      [wantedPhones],
    );
    for (const row of rows) byPhone.set(row.phone, row.id);
  }
  if (wantedTelegram.length > 0) {
    const { rows } = await client.query<{ id: string; telegram: string }>(
      `SELECT id, telegram_user_id::text AS telegram FROM guests
        WHERE tenant_id = app_current_tenant() AND telegram_user_id = ANY($1::bigint[])`,
      [wantedTelegram],
    );
    for (const row of rows) byTelegram.set(row.telegram, row.id);
  }
  const lookups: GuestLookup[] = [];
  for (const [index, ref] of refs.entries()) {
    if (!ref || Object.keys(ref).length === 0) {
      lookups.push({ guestId: null, reason: "The POS did not say who the guest is." });
      continue;
    }
    const phone = phones[index];
    const telegramId = telegramIds[index];
    let guestId = (phone && byPhone.get(phone)) || (telegramId && byTelegram.get(telegramId)) || null;
    if (!guestId && (ref.code || ref.qrToken)) {
      guestId = ref.qrToken
        ? await peekQrToken(deps, tenantId, ref.qrToken)
        : await peekGuestCode(deps, tenantId, ref.code ?? "");
    }
    lookups.push(
      guestId ? { guestId } : { guestId: null, reason: `No guest of the program matches ${describeRef(ref)}.` },
    );
  }
  return lookups;
}

function describeRef(ref: PosGuestRef): string {
  const parts: string[] = [];
  if (ref.phone) parts.push(`phone ${ref.phone}`);
  if (ref.telegramId) parts.push(`Telegram id ${ref.telegramId}`);
  if (ref.code) parts.push("the code (it may have expired)");
  if (ref.qrToken) parts.push("the QR token (it may have expired)");
  return parts.join(", ");
}
