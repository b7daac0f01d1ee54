// Staff sign in from the Mini App with the Telegram account a staff invite linked to them in
// this tenant's bot (core/staff/telegram-invites.ts). The launch data were checked by the
// transport; this finds the active staff member behind the account. What the session may do is
// narrowed by the transport (a till-scoped token), since a Telegram account is a weaker
// credential than the e-mail and password.
//
// The till renews its 15-minute token by signing in again, all shift long, so only a sign-in that
// starts a till session is audited: one with no audited till sign-in of this member in the last
// TILL_SESSION_HOURS at the same access generation. The server decides it from its own records,
// trusting nothing the client says; the generation makes a sign-in after anything that ended the
// member's sessions (a new role, another Telegram account, "end all sessions") a new session.
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { EngineDeps, StaffRole } from "../context.ts";
import type { SessionMeta } from "./staff-sessions.ts";

/** How long a till session counts as the same one for the audit log: a long shift. */
export const TILL_SESSION_HOURS = 12;

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
    const at = deps.clock();
    // The update locks the member's row: of two renewals at the same moment, the second looks for
    // the audit row after the first has committed, so a session start is recorded once.
    await tx.staffUser.update({
      where: { tenantId_id: { tenantId, id: staff.id } },
      data: { lastLoginAt: at },
    });
    const sessionGoing = await tx.auditLogEntry.findFirst({
      where: {
        tenantId,
        entityType: "staff",
        entityId: staff.id,
        action: "auth.signed_in",
        createdAt: { gt: new Date(at.getTime() - TILL_SESSION_HOURS * 3_600_000) },
        AND: [
          { changes: { path: ["scope"], equals: "till" } },
          { changes: { path: ["accessGeneration"], equals: staff.accessGeneration } },
        ],
      },
      select: { id: true },
    });
    if (!sessionGoing) {
      const actor = { source: "cashier" as const, staffId: staff.id, role: staff.role, ...meta };
      await recordAction(
        tx,
        tenantId,
        actor,
        "auth.signed_in",
        "staff",
        staff.id,
        { method: "telegram", scope: "till", accessGeneration: staff.accessGeneration },
        { at },
      );
    }
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
