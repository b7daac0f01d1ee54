// Who may do what: the permission matrix, in one place. Routes name a permission; this says
// which roles hold it. (The admin view reads the same matrix to show what a role can do.)
import type { StaffRole } from "../context.ts";

const everyone: readonly StaffRole[] = ["owner", "admin", "manager", "cashier"];
const managers: readonly StaffRole[] = ["owner", "admin", "manager"];
const admins: readonly StaffRole[] = ["owner", "admin"];

export const permissionMatrix = {
  /** read one's own profile, permissions and restaurants (the admin view's start) */
  "profile.read": everyone,
  /** find a guest by QR token, 6-digit code or phone */
  "guests.identify": everyone,
  "guests.read": everyone,
  /**
   * search and page through the whole guest base, with whole phone numbers. Not a cashier's: at
   * the till they find one guest by code or phone, and the base a page at a time is as much as
   * an export. (Not in tillPermissions either, like guests.read.)
   */
  "guests.list": managers,
  /** download the guest base as CSV (audited) */
  "guests.export": managers,
  /** upload a CSV of existing guests with opening balances, and follow its progress */
  "guests.import": admins,
  "points.quote": everyone,
  "points.accrue": everyone,
  "points.redeem": everyone,
  /** cashiers only their own checks, shortly after (checked by the refund verb) */
  "points.refund": everyone,
  "points.adjust": managers,
  "levels.setManual": managers,
  /** connect, replace or disconnect the tenant's Telegram bot (its token speaks for the business) */
  "bot.manage": admins,
  /** the staff list: roles, restaurants, who has signed in */
  "staff.read": managers,
  /** invite staff, change their role or restaurants, deactivate them, issue password links (within role limits) */
  "staff.manage": admins,
  /** one-time links tying a staff member's Telegram to the bot; a manager only for their team (see the verb) */
  "staff.invite": managers,
  /** see POS integrations, their status and events */
  "integrations.read": managers,
  /** create POS integrations, rotate their secrets, replay dead events */
  "integrations.manage": admins,
  /** attach a POS check no guest was found for to the guest who shows their code */
  "pos.attach": everyone,
  /** the dashboard's figures (guests, revenue, points); a manager limited to restaurants sees only theirs */
  "dashboard.read": managers,
  /** see the program settings: earn rates, levels, expiry, bonuses */
  "program.read": managers,
  /** change the program settings and levels, and preview what a change would do */
  "program.manage": admins,
  /** the restaurants (locations); a manager or cashier limited to some sees only those */
  "restaurants.read": everyone,
  /** add restaurants, rename them, change their address, time zone, or close them */
  "restaurants.manage": admins,
  /** search and export the audit log */
  "audit.read": admins,
  /** the subscription, plans, usage against the plan's limits, and the payment history */
  "billing.read": admins,
  /** restaurant events, their registrations and covers, drafts' too (a cashier checks guests in from the list) */
  "events.read": everyone,
  /** create, change, publish, cancel and finish events, upload covers */
  "events.manage": managers,
  /** check a registered guest in at the door */
  "events.checkIn": everyone,
  /** broadcasts (campaigns) and their delivery counts; a manager limited to restaurants sees theirs */
  "broadcasts.read": managers,
  /**
   * compose, send, schedule and cancel broadcasts to guests through the bot, and send oneself a
   * test; a manager limited to restaurants reaches only those restaurants' guests
   */
  "broadcasts.manage": managers,
  /**
   * buy or change the plan, cancel or resume, refund a payment, see and change the billing e-mail
   * the receipts go to. The owner's alone: it spends the business's money (and the e-mail is
   * where its fiscal receipts land). Refunds sit here too (there is no platform-operator console
   * yet); in practice platform support agrees a refund with the owner, and every one is audited.
   */
  "billing.manage": ["owner"],
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
  "events.read",
  "events.checkIn",
]);

export function scopeMay(scope: "till" | undefined, permission: Permission): boolean {
  return scope === undefined || tillPermissions.has(permission);
}
