// Identify a guest at the till by what they show (QR token, 6-digit code) or, as a fallback,
// by the phone number they give. Tokens and codes are used up by this.
import { normalizePhone, ServiceError } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import { consumeGuestCode, consumeQrToken } from "../identification/tokens.ts";
import { type GuestSummary, guestSummary } from "./guest-summary.ts";

export const identifyInputSchema = z.union([
  z.object({ qrToken: z.string().min(1).max(100) }).strict(),
  z.object({ code: z.string().regex(/^\d{6}$/, { message: "must be the 6 digits the guest shows" }) }).strict(),
  z.object({ phone: z.string().min(5).max(40) }).strict(),
]);
export type IdentifyInput = z.infer<typeof identifyInputSchema>;

export async function identifyGuest(deps: EngineDeps, tenantId: string, input: IdentifyInput): Promise<GuestSummary> {
  if ("qrToken" in input) {
    const guestId = await consumeQrToken(deps, tenantId, input.qrToken);
    if (!guestId) {
      throw new ServiceError(
        "NOT_FOUND",
        "This QR code has expired or was already used. Ask the guest to refresh their card.",
        { key: "error-qr-expired" },
      );
    }
    return guestSummary(deps, tenantId, guestId);
  }
  if ("code" in input) {
    const guestId = await consumeGuestCode(deps, tenantId, input.code);
    if (!guestId) {
      throw new ServiceError(
        "NOT_FOUND",
        "No guest has this code now. Codes last a few minutes; ask the guest for a fresh one.",
        { key: "error-code-unknown" },
      );
    }
    return guestSummary(deps, tenantId, guestId);
  }
  const phone = normalizePhone(input.phone);
  if (!phone) {
    throw new ServiceError("VALIDATION", "This does not look like a phone number. Try +7 999 123-45-67.", {
      fields: [{ path: "phone", message: "not a phone number" }],
      key: "error-phone-invalid",
    });
  }
  const guest = await deps.db.withTenant(tenantId, (tx) =>
    tx.guest.findUnique({ where: { tenantId_phone: { tenantId, phone } }, select: { id: true } }),
  );
  if (!guest)
    throw new ServiceError("NOT_FOUND", "No guest with this phone number is in the program.", {
      key: "error-phone-unknown",
    });
  return guestSummary(deps, tenantId, guest.id);
}
