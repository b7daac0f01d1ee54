// What staff type into the door's box: the guest's 6-digit code, a phone number, or part of a
// name to find them in the list. Codes and phones go to the API as the till sends them; a name
// checks in only when it picks out exactly one registered guest not yet checked in.
import type { CheckInBody, Registration } from "./event-api.ts";

const digitsOf = (text: string) => text.replace(/\D/g, "");

/** Whether a registration matches what was typed (name, or the phone's digits). */
export function registrationMatches(registration: Registration, typed: string): boolean {
  const query = typed.trim().toLowerCase();
  if (!query) return true;
  if (registration.guest.name.toLowerCase().includes(query)) return true;
  const digits = digitsOf(query);
  return digits.length >= 3 && digitsOf(registration.guest.phone ?? "").includes(digits);
}

/** The check-in request for what was typed; null when it names nobody in particular. */
export function checkInBodyFor(typed: string, registrations: readonly Registration[]): CheckInBody | null {
  const text = typed.trim();
  if (/^\d{6}$/.test(text)) return { code: text };
  if (/^\+?[\d\s()-]{5,40}$/.test(text) && digitsOf(text).length >= 7) return { phone: text };
  const candidates = registrations.filter(
    (one) => one.status === "registered" && one.checkedInAt === null && registrationMatches(one, text),
  );
  const only = candidates[0];
  return text && only && candidates.length === 1 ? { guestId: only.guest.id } : null;
}
