// Linking a staff member's Telegram account to the tenant's bot, for cashier mode: a manager
// creates a one-time link (t.me/<bot>?start=inv_<token>), the staff member opens it. Only the
// token's hash is stored; a link works once, for a few days, in this tenant's bot only.
import { createHash, randomBytes } from "node:crypto";
import { isUniqueViolation } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { Actor, EngineDeps, StaffRole } from "../context.ts";

const INVITE_TTL_HOURS = 72;

// A link ties a Telegram account to the staff member's role, so a manager may hand out links
// for their own team only: an invite for an owner or admin would let them act as one.
const invitableBy: Record<StaffRole, readonly StaffRole[]> = {
  owner: ["owner", "admin", "manager", "cashier"],
  admin: ["owner", "admin", "manager", "cashier"],
  manager: ["manager", "cashier"],
  cashier: [],
};

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The deep link the bot's /start understands (bot/src/features/start.ts). */
export function staffInviteLink(botUsername: string, token: string): string {
  return `https://t.me/${botUsername}?start=inv_${token}`;
}

export interface StaffInvite {
  token: string;
  expiresAt: Date;
  /** the tenant's bot, the only one the link works in */
  botUsername: string;
}

export async function createStaffTelegramInvite(
  deps: EngineDeps,
  request: { tenantId: string; actor: Actor; staffId: string },
): Promise<StaffInvite> {
  const at = deps.clock();
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(at.getTime() + INVITE_TTL_HOURS * 3_600_000);
  const botUsername = await deps.db.withTenant(request.tenantId, async (tx) => {
    const bot = await tx.botConnection.findUnique({ where: { tenantId: request.tenantId } });
    if (!bot) {
      throw new ServiceError("CONFLICT", "Connect the tenant's Telegram bot first: the invite link opens that bot.", {
        key: "staff-invite-no-bot",
      });
    }
    const staff = await tx.staffUser.findUnique({
      where: { tenantId_id: { tenantId: request.tenantId, id: request.staffId } },
    });
    if (!staff) throw new ServiceError("NOT_FOUND", "There is no such staff member.", { key: "staff-unknown" });
    const actorRole = request.actor.role;
    if (!actorRole || !invitableBy[actorRole].includes(staff.role)) {
      throw new ServiceError(
        "FORBIDDEN",
        `Your role (${actorRole ?? "none"}) may not create invites for the ${staff.role} role.`,
        { key: "staff-role-forbidden" },
      );
    }
    if (!staff.isActive)
      throw new ServiceError("VALIDATION", "This staff member is deactivated.", { key: "staff-inactive" });
    await tx.staffTelegramInvite.create({
      data: {
        tenantId: request.tenantId,
        staffId: staff.id,
        tokenHash: hashToken(token),
        expiresAt,
        createdByStaffId: request.actor.staffId ?? null,
        createdAt: at,
      },
    });
    await tx.auditLogEntry.create({
      data: {
        tenantId: request.tenantId,
        createdAt: at,
        actorKind: "staff",
        actorStaffId: request.actor.staffId ?? null,
        action: "staff.telegram_invite",
        entityType: "staff",
        entityId: staff.id,
        ip: request.actor.ip ?? null,
        userAgent: request.actor.userAgent ?? null,
      },
    });
    return bot.botUsername;
  });
  return { token, expiresAt, botUsername };
}

export interface LinkedStaff {
  staffId: string;
  name: string;
  role: StaffRole;
  locale: "ru" | "en" | null;
}

/** Uses an invite: the Telegram account becomes the staff member's in this tenant's bot. */
export async function redeemStaffTelegramInvite(
  deps: EngineDeps,
  tenantId: string,
  token: string,
  telegramUserId: number,
): Promise<LinkedStaff> {
  const at = deps.clock();
  try {
    return await deps.db.withTenant(tenantId, async (tx) => {
      const invite = await tx.staffTelegramInvite.findUnique({
        where: { tenantId_tokenHash: { tenantId, tokenHash: hashToken(token) } },
        include: { staff: true },
      });
      if (!invite) {
        throw new ServiceError("NOT_FOUND", "This invite link is not valid for this bot.", {
          key: "error-invite-invalid",
        });
      }
      if (invite.usedAt) {
        throw new ServiceError("CONFLICT", "This invite link has already been used. Ask your manager for a new one.", {
          key: "error-invite-used",
        });
      }
      if (invite.expiresAt <= at) {
        throw new ServiceError("CONFLICT", "This invite link has expired. Ask your manager for a new one.", {
          key: "error-invite-expired",
        });
      }
      if (!invite.staff.isActive) {
        throw new ServiceError("FORBIDDEN", "This staff account is deactivated.", { key: "error-invite-inactive" });
      }
      // Conditional on still being unused: of two simultaneous uses, one wins.
      const claimed = await tx.staffTelegramInvite.updateMany({
        where: { id: invite.id, usedAt: null },
        data: { usedAt: at, usedByTelegramUserId: BigInt(telegramUserId) },
      });
      if (claimed.count === 0) {
        throw new ServiceError("CONFLICT", "This invite link has already been used. Ask your manager for a new one.", {
          key: "error-invite-used",
        });
      }
      // Another Telegram account replacing the linked one: the old one's till tokens end now.
      const relinked = invite.staff.telegramUserId !== null && invite.staff.telegramUserId !== BigInt(telegramUserId);
      const staff = await tx.staffUser.update({
        where: { tenantId_id: { tenantId, id: invite.staffId } },
        data: {
          telegramUserId: BigInt(telegramUserId),
          ...(relinked ? { accessGeneration: { increment: 1 } } : {}),
        },
      });
      await tx.auditLogEntry.create({
        data: {
          tenantId,
          createdAt: at,
          actorKind: "staff",
          actorStaffId: staff.id,
          action: "staff.telegram_linked",
          entityType: "staff",
          entityId: staff.id,
          changes: { telegramUserId: String(telegramUserId) },
        },
      });
      return { staffId: staff.id, name: staff.name, role: staff.role, locale: staff.locale };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ServiceError("CONFLICT", "This Telegram account is already linked to another staff member here.", {
        key: "error-telegram-linked",
      });
    }
    throw error;
  }
}

/** The active staff member using this Telegram account in this tenant's bot, if any. */
export async function staffByTelegramUser(
  deps: EngineDeps,
  tenantId: string,
  telegramUserId: number,
): Promise<LinkedStaff | null> {
  const staff = await deps.db.withTenant(tenantId, (tx) =>
    tx.staffUser.findUnique({
      where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(telegramUserId) } },
    }),
  );
  if (!staff?.isActive) return null;
  return { staffId: staff.id, name: staff.name, role: staff.role, locale: staff.locale };
}
