// Who may do what: the permission matrix, in one place. Routes name a permission; this says
// which roles hold it. (The admin view reads the same matrix to show what a role can do.)
import type { StaffRole } from "../context.ts";

const everyone: readonly StaffRole[] = ["owner", "admin", "manager", "cashier"];
const managers: readonly StaffRole[] = ["owner", "admin", "manager"];
const admins: readonly StaffRole[] = ["owner", "admin"];

export const permissionMatrix = {
  /** find a guest by QR token, 6-digit code or phone */
  "guests.identify": everyone,
  "guests.read": everyone,
  "points.quote": everyone,
  "points.accrue": everyone,
  "points.redeem": everyone,
  /** cashiers only their own checks, shortly after (checked by the refund verb) */
  "points.refund": everyone,
  "points.adjust": managers,
  "levels.setManual": managers,
  /** connect, replace or disconnect the tenant's Telegram bot (its token speaks for the business) */
  "bot.manage": admins,
  /** one-time links tying a staff member's Telegram to the bot; a manager only for their team (see the verb) */
  "staff.invite": managers,
  /** see POS integrations, their status and events */
  "integrations.read": managers,
  /** create POS integrations, rotate their secrets, replay dead events */
  "integrations.manage": admins,
  /** attach a POS check no guest was found for to the guest who shows their code */
  "pos.attach": everyone,
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof permissionMatrix;

export function roleMay(role: StaffRole, permission: Permission): boolean {
  return (permissionMatrix[permission] as readonly StaffRole[]).includes(role);
}

/**
 * What a till-scoped session (a token minted from Telegram launch data) may do. A Telegram
 * account is a weaker credential than the e-mail and password, so it works the till and nothing
 * else, whatever the staff member's role.
 */
export const tillPermissions: ReadonlySet<Permission> = new Set<Permission>([
  "guests.identify",
  "points.quote",
  "points.accrue",
  "points.redeem",
  "points.refund",
  "pos.attach",
]);

export function scopeMay(scope: "till" | undefined, permission: Permission): boolean {
  return scope === undefined || tillPermissions.has(permission);
}
