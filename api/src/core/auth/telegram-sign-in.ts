// Staff sign in from the Mini App with the Telegram account a staff invite linked to them in
// this tenant's bot (core/staff/telegram-invites.ts). The launch data were checked by the
// transport; this finds the active staff member behind the account. What the session may do is
// narrowed by the transport (a till-scoped token), since a Telegram account is a weaker
// credential than the e-mail and password.
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { EngineDeps, StaffRole } from "../context.ts";
import type { SessionMeta } from "./staff-sessions.ts";

export interface TelegramSignedInStaff {
  staffId: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  name: string;
  role: StaffRole;
  accessGeneration: number;
}

export async function signInStaffByTelegram(
  deps: EngineDeps,
  tenantId: string,
  telegramUserId: number,
  meta: SessionMeta,
): Promise<TelegramSignedInStaff> {
  return deps.db.withTenant(tenantId, async (tx) => {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const staff = await tx.staffUser.findUnique({
      where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(telegramUserId) } },
    });
    if (!staff?.isActive) {
      throw new ServiceError(
        "FORBIDDEN",
        `This Telegram account is not linked to a staff member of ${tenant.name}. Ask a manager for an invite link.`,
        { key: "telegram-not-staff", vars: { business: tenant.name } },
      );
    }
    await tx.staffUser.update({
      where: { tenantId_id: { tenantId, id: staff.id } },
      data: { lastLoginAt: deps.clock() },
    });
    const actor = { source: "cashier" as const, staffId: staff.id, role: staff.role, ...meta };
    await recordAction(
      tx,
      tenantId,
      actor,
      "auth.signed_in",
      "staff",
      staff.id,
      {
        method: "telegram",
        scope: "till",
      },
      { at: deps.clock() },
    );
    return {
      staffId: staff.id,
      tenantId,
      tenantSlug: tenant.slug,
      tenantName: tenant.name,
      name: staff.name,
      role: staff.role,
      accessGeneration: staff.accessGeneration,
    };
  });
}
