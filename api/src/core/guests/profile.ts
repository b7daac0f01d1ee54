// The guest's profile as the Mini App shows and edits it. A change arrives as one patch and is
// written whole or not at all. The birthday is the guest's to give once: birthday bonuses are
// paid on it, so changing it afterwards is the restaurant's call, not the guest's.
import type { Guest } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import { checkBirthday, type GuestProfile, parseGuestName, toProfile } from "./registration.ts";

export const guestProfileViewSchema = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  /** YYYY-MM-DD */
  birthday: z.string().nullable(),
  locale: z.enum(["ru", "en"]).nullable(),
  notificationsEnabled: z.boolean(),
  registered: z.boolean(),
  /** the active staff member this Telegram account is linked to in this business, if any */
  staff: z.object({ name: z.string(), role: z.enum(["owner", "admin", "manager", "cashier"]) }).nullable(),
});
export type GuestProfileView = z.infer<typeof guestProfileViewSchema>;

export const profilePatchSchema = z
  .strictObject({
    name: z.string().max(200, { message: "is too long for a name" }).optional(),
    birthday: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date as YYYY-MM-DD" })
      .optional(),
    locale: z.enum(["ru", "en"]).optional(),
    notificationsEnabled: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: "send at least one of name, birthday, locale, notificationsEnabled",
  });
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** The guest's profile, and the staff member behind the same Telegram account, if any. */
export async function guestProfileView(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  telegramUserId: number,
): Promise<GuestProfileView> {
  const { guest, staff } = await deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUnique({ where: { tenantId_id: { tenantId, id: guestId } } });
    const staff = await tx.staffUser.findUnique({
      where: { tenantId_telegramUserId: { tenantId, telegramUserId: BigInt(telegramUserId) } },
      select: { name: true, role: true, isActive: true },
    });
    return { guest, staff };
  });
  if (!guest)
    throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
  return viewOf(toProfile(guest), staff?.isActive ? { name: staff.name, role: staff.role } : null);
}

function viewOf(profile: GuestProfile, staff: GuestProfileView["staff"]): GuestProfileView {
  return {
    firstName: profile.firstName,
    lastName: profile.lastName,
    phone: profile.phone,
    birthday: profile.birthday,
    locale: profile.locale,
    notificationsEnabled: profile.notificationsEnabled,
    registered: profile.registered,
    staff,
  };
}

/** Applies the guest's own changes to their profile, all of them or none. */
export async function updateGuestProfile(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  patch: ProfilePatch,
): Promise<GuestProfile> {
  // Everything that can be checked without the row is checked before the transaction opens.
  const data: Partial<Guest> = {};
  if (patch.name !== undefined) Object.assign(data, parseGuestName(patch.name));
  if (patch.locale !== undefined) data.locale = patch.locale;
  if (patch.notificationsEnabled !== undefined) data.notificationsEnabled = patch.notificationsEnabled;
  const birthday = patch.birthday === undefined ? null : parseBirthday(patch.birthday, deps.clock());

  return deps.db.withTenant(tenantId, async (tx) => {
    // Locked, so that two first answers at once cannot both set the birthday.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM guests WHERE tenant_id = app_current_tenant() AND id = ${guestId}::uuid FOR UPDATE`;
    if (locked.length === 0)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    const guest = await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } });
    if (birthday && !sameDay(guest.birthday, birthday)) {
      if (guest.birthday) {
        throw new ServiceError(
          "CONFLICT",
          "The birthday is already set and only the restaurant can change it, because birthday bonuses depend on it. Ask the staff if it is wrong.",
          { key: "error-birthday-locked", fields: [{ path: "birthday", message: "is already set" }] },
        );
      }
      data.birthday = birthday;
    }
    if (Object.keys(data).length === 0) return toProfile(guest);
    return toProfile(await tx.guest.update({ where: { tenantId_id: { tenantId, id: guestId } }, data }));
  });
}

/** "1990-07-15" as that UTC day, if it is a real calendar day that makes a plausible birthday. */
function parseBirthday(text: string, now: Date): Date {
  const [year = 0, month = 0, day = 0] = text.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date rolls 1990-02-31 over into March; a real day reads back as itself.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new ServiceError("VALIDATION", "That is not a date in the calendar.", {
      key: "error-birthday-invalid",
      fields: [{ path: "birthday", message: "is not a date in the calendar" }],
    });
  }
  checkBirthday(date, now);
  return date;
}

function sameDay(stored: Date | null, day: Date): boolean {
  return stored !== null && stored.toISOString().slice(0, 10) === day.toISOString().slice(0, 10);
}
