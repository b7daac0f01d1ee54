// At an r_keeper till the guest is whatever the cashier types or scans into the card field:
// the 6-digit code from the bot, the guest's phone, or the QR token. FarCards hands it to us as
// the "card number".
//
// FarCards declares the card as an Int64 (ExtDLL 6: "Int64 Карта"), so digits are what really
// arrives: a phone loses its "+", and a code that starts with 0 would lose that 0 too. We do not
// pad short numbers back to 6 digits: an old plastic card such as 8002 would then match whichever
// guest holds code 008002 at that moment.
import { normalizePhone, type PosGuestRef } from "@maxl/shared";

export function guestRefFromCardCode(card: string): PosGuestRef | null {
  const value = card.trim();
  if (/^\d{6}$/.test(value)) return { code: value };
  if (/^\+?\d{10,11}$/.test(value)) {
    const phone = normalizePhone(value);
    return phone ? { phone } : null;
  }
  if (/^mlq_[A-Za-z0-9_-]{10,100}$/.test(value)) return { qrToken: value };
  return null;
}
