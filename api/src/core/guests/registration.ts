// Guest onboarding, step by step, each answer saved as it is given: consent to the personal data
// policy, name, phone (the guest's own, from Telegram's contact button), an optional birthday,
// then registration with the welcome bonus. Because every step is saved, onboarding resumes
// where the guest left it, whatever happened to the chat in between.
import { randomInt } from "node:crypto";
import type { Guest } from "@maxl/db";
import { isUniqueViolation, type TenantTx } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import { grantBonus, isPlanGuestLimit } from "../loyalty/grant-bonus.ts";
import { guestForTelegramUser, type TelegramUser } from "./telegram-guest.ts";

export const CONSENT_VERSION = "2026-01";

export interface GuestProfile {
  guestId: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  /** YYYY-MM-DD */
  birthday: string | null;
  locale: "ru" | "en" | null;
  consented: boolean;
  registered: boolean;
  notificationsEnabled: boolean;
  referralCode: string | null;
}

export type OnboardingStep = "consent" | "name" | "phone" | "birthday";

/** What onboarding still has to ask; null once the guest is registered. */
export function nextOnboardingStep(profile: GuestProfile): OnboardingStep | null {
  if (profile.registered) return null;
  if (!profile.consented) return "consent";
  if (!profile.firstName) return "name";
  if (!profile.phone) return "phone";
  return "birthday";
}

export function toProfile(guest: Guest): GuestProfile {
  return {
    guestId: guest.id,
    firstName: guest.firstName,
    lastName: guest.lastName,
    phone: guest.phone,
    birthday: guest.birthday ? guest.birthday.toISOString().slice(0, 10) : null,
    locale: guest.locale,
    consented: guest.consentAt !== null,
    registered: guest.registeredAt !== null,
    notificationsEnabled: guest.notificationsEnabled,
    referralCode: guest.referralCode,
  };
}

async function update(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  data: Partial<Guest>,
): Promise<GuestProfile> {
  const guest = await deps.db.withTenant(tenantId, (tx) =>
    tx.guest.update({ where: { tenantId_id: { tenantId, id: guestId } }, data }),
  );
  return toProfile(guest);
}

export async function guestProfile(deps: EngineDeps, tenantId: string, guestId: string): Promise<GuestProfile> {
  const guest = await deps.db.withTenant(tenantId, (tx) =>
    tx.guest.findUnique({ where: { tenantId_id: { tenantId, id: guestId } } }),
  );
  if (!guest)
    throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
  return toProfile(guest);
}

export interface Attribution {
  /** the restaurant whose link or QR brought the guest */
  restaurantId?: string;
  /** the referral code of the guest who invited them */
  referralCode?: string;
}

/**
 * The guest behind a Telegram user, created on first contact. A guest who is talking to the bot
 * again is no longer "blocked"; a link they came through is remembered until they register.
 */
export async function openGuestForTelegram(
  deps: EngineDeps,
  tenantId: string,
  user: TelegramUser,
  attribution: Attribution = {},
): Promise<GuestProfile> {
  const guestId = await guestForTelegramUser(deps, tenantId, user);
  return deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } });
    const data: Partial<Guest> = {};
    if (guest.botBlockedAt) data.botBlockedAt = null;
    if (!guest.registeredAt) {
      if (attribution.restaurantId && !guest.signupRestaurantId) {
        const restaurant = await tx.restaurant.findUnique({
          where: { tenantId_id: { tenantId, id: attribution.restaurantId } },
          select: { id: true },
        });
        if (restaurant) data.signupRestaurantId = restaurant.id;
      }
      if (attribution.referralCode && !guest.referredById) {
        const referrer = await tx.guest.findUnique({
          where: { tenantId_referralCode: { tenantId, referralCode: attribution.referralCode } },
          select: { id: true },
        });
        if (referrer && referrer.id !== guest.id) data.referredById = referrer.id;
      }
    }
    if (Object.keys(data).length === 0) return toProfile(guest);
    return toProfile(await tx.guest.update({ where: { tenantId_id: { tenantId, id: guestId } }, data }));
  });
}

export function recordConsent(deps: EngineDeps, tenantId: string, guestId: string): Promise<GuestProfile> {
  return update(deps, tenantId, guestId, { consentAt: deps.clock(), consentVersion: CONSENT_VERSION });
}

/**
 * "Анна" or "Анна Иванова": first word the first name, the rest the last name. Whatever is not
 * plausibly a name (no letters, markup, a link, an e-mail) is refused.
 */
export function parseGuestName(name: string): { firstName: string; lastName: string | null } {
  const clean = name.replace(/\s+/g, " ").trim();
  if (clean.length < 1 || clean.length > 100 || !/\p{L}/u.test(clean) || /[<>@/\\]|https?:/i.test(clean)) {
    throw new ServiceError("VALIDATION", "That does not look like a name.", {
      key: "error-name-invalid",
      fields: [{ path: "name", message: "does not look like a name" }],
    });
  }
  const [firstName = clean, ...rest] = clean.split(" ");
  return { firstName, lastName: rest.length > 0 ? rest.join(" ") : null };
}

export function setGuestName(deps: EngineDeps, tenantId: string, guestId: string, name: string): Promise<GuestProfile> {
  return update(deps, tenantId, guestId, parseGuestName(name));
}

export interface PhoneOutcome {
  profile: GuestProfile;
  /** true when the phone belonged to an existing card, which this Telegram account now uses */
  linked: boolean;
}

/**
 * Saves the guest's phone. If another card of this program already has that phone (an older
 * Telegram account, or a guest imported from the POS), this Telegram account is moved onto that
 * card, so its points and history stay whole; the new card, which has no operations yet, is left
 * empty. When both cards have operations they are not merged automatically.
 */
export async function setGuestPhone(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  phone: string,
): Promise<PhoneOutcome> {
  try {
    return await deps.db.withTenant(tenantId, async (tx) => {
      const current = await tx.guest.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: guestId } } });
      const owner = await tx.guest.findUnique({ where: { tenantId_phone: { tenantId, phone } } });
      if (!owner || owner.id === guestId) {
        return {
          profile: toProfile(
            await tx.guest.update({ where: { tenantId_id: { tenantId, id: guestId } }, data: { phone } }),
          ),
          linked: false,
        };
      }
      if ((await tx.loyaltyOperation.count({ where: { guestId } })) > 0) {
        throw new ServiceError(
          "CONFLICT",
          "This phone number belongs to another card in this program. Ask the staff to merge the cards.",
          { key: "error-phone-taken" },
        );
      }
      return { profile: await moveTelegramAccount(tx, tenantId, current, owner), linked: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ServiceError(
        "CONFLICT",
        "This phone number was just registered by someone else. Ask the staff for help.",
        {
          key: "error-phone-taken",
        },
      );
    }
    throw error;
  }
}

async function moveTelegramAccount(tx: TenantTx, tenantId: string, from: Guest, to: Guest): Promise<GuestProfile> {
  // The unique Telegram id must leave the empty card before the existing card can take it.
  await tx.guest.update({
    where: { tenantId_id: { tenantId, id: from.id } },
    data: { telegramUserId: null },
  });
  const moved = await tx.guest.update({
    where: { tenantId_id: { tenantId, id: to.id } },
    data: {
      telegramUserId: from.telegramUserId,
      botBlockedAt: null,
      consentAt: to.consentAt ?? from.consentAt,
      consentVersion: to.consentVersion ?? from.consentVersion,
      firstName: to.firstName ?? from.firstName,
      lastName: to.lastName ?? from.lastName,
      locale: to.locale ?? from.locale,
    },
  });
  return toProfile(moved);
}

export function setGuestBirthday(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  birthday: Date | null,
): Promise<GuestProfile> {
  if (birthday) checkBirthday(birthday, deps.clock());
  return update(deps, tenantId, guestId, { birthday });
}

/** A birthday has to make the guest 5 to 120 years old; anything else is a typo. */
export function checkBirthday(birthday: Date, now: Date): void {
  const age = (now.getTime() - birthday.getTime()) / (365.25 * 86_400_000);
  if (!(age >= 5 && age <= 120)) {
    throw new ServiceError("VALIDATION", "That date does not look like a birthday.", {
      key: "error-birthday-invalid",
      fields: [{ path: "birthday", message: "does not look like a birthday" }],
    });
  }
}

export interface Registration {
  profile: GuestProfile;
  /** points given now; 0 when the program has no welcome bonus or it was given before */
  welcomeBonus: number;
}

/** Registers a guest who has given consent, a name and a phone, with the welcome bonus once. */
export async function completeRegistration(deps: EngineDeps, tenantId: string, guestId: string): Promise<Registration> {
  const profile = await guestProfile(deps, tenantId, guestId);
  if (!profile.consented || !profile.firstName || !profile.phone) {
    throw new ServiceError("VALIDATION", "Registration needs consent, a name and a phone number first.", {
      key: "error-registration-incomplete",
    });
  }
  const program = await deps.db.withTenant(tenantId, (tx) => tx.loyaltyProgram.findUnique({ where: { tenantId } }));
  let welcomeBonus = 0;
  // The bonus first: if it fails, the guest is not registered yet and the next attempt gives it;
  // its key makes it happen once however many attempts there are. A guest beyond the plan's guest
  // limit of a restricted tenant is registered without it (the plan is the business's matter).
  if (program && program.welcomeBonusPoints > 0) {
    try {
      const outcome = await grantBonus(deps, {
        tenantId,
        guestId,
        points: program.welcomeBonusPoints,
        reason: "welcome",
        idempotencyKey: `welcome:${guestId}`,
      });
      if (!outcome.replayed) welcomeBonus = program.welcomeBonusPoints;
    } catch (error) {
      if (!isPlanGuestLimit(error)) throw error;
    }
  }
  if (profile.registered) return { profile, welcomeBonus };
  for (let attempt = 0; ; attempt++) {
    try {
      const registered = await update(deps, tenantId, guestId, {
        registeredAt: deps.clock(),
        referralCode: profile.referralCode ?? newReferralCode(),
      });
      return { profile: registered, welcomeBonus };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}

function newReferralCode(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join("");
}

export function setGuestLocale(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  locale: "ru" | "en",
): Promise<GuestProfile> {
  return update(deps, tenantId, guestId, { locale });
}

export function setGuestNotifications(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  enabled: boolean,
): Promise<GuestProfile> {
  return update(deps, tenantId, guestId, { notificationsEnabled: enabled });
}

/** Telegram refused to deliver to the guest (they blocked the bot): stop sending until they return. */
export async function markGuestBotBlocked(deps: EngineDeps, tenantId: string, guestId: string): Promise<void> {
  await update(deps, tenantId, guestId, { botBlockedAt: deps.clock() });
}
