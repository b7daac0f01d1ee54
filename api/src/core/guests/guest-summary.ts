// What a cashier sees once a guest is identified: who it is, what they can spend, their level.
import { ServiceError } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";

export const guestSummarySchema = z.object({
  id: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  /** the last four digits only, e.g. "•••• 45 67" */
  phoneHint: z.string().nullable(),
  balance: z.number().int(),
  available: z.number().int(),
  level: z
    .object({ id: z.string(), name: z.string(), rank: z.number().int(), earnRateBps: z.number().int() })
    .nullable(),
  currency: z.string(),
});
export type GuestSummary = z.infer<typeof guestSummarySchema>;

export async function guestSummary(deps: EngineDeps, tenantId: string, guestId: string): Promise<GuestSummary> {
  const at = deps.clock();
  return deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUnique({
      where: { tenantId_id: { tenantId, id: guestId } },
      include: { level: true, tenant: { select: { currency: true } } },
    });
    if (!guest)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    const held = await tx.redemptionHold.aggregate({
      where: { guestId, status: "held", expiresAt: { gt: at } },
      _sum: { maxPoints: true },
    });
    return {
      id: guest.id,
      firstName: guest.firstName,
      lastName: guest.lastName,
      phoneHint: guest.phone ? `•••• ${guest.phone.slice(-4, -2)} ${guest.phone.slice(-2)}` : null,
      balance: guest.balance,
      available: Math.max(0, guest.balance - (held._sum.maxPoints ?? 0)),
      level: guest.level
        ? { id: guest.level.id, name: guest.level.name, rank: guest.level.rank, earnRateBps: guest.level.earnRateBps }
        : null,
      currency: guest.tenant.currency,
    };
  });
}
