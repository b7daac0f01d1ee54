// A guest's page in the admin view: who they are, their level (and an admin's level, if one is
// set), balance and the points about to expire. A superset of the till's guest summary, so the
// till's callers of GET /guests/{id} keep working.
import { ServiceError } from "@maxl/shared";
import { z } from "zod";
import type { EngineDeps } from "../context.ts";
import { guestSummarySchema } from "./guest-summary.ts";

/** How far ahead "expiring soon" looks. */
export const EXPIRING_SOON_DAYS = 30;

export const guestPageSchema = guestSummarySchema.extend({
  /** E.164; null for a viewer whose role may not see whole phone numbers (see guests.list) */
  phone: z.string().nullable(),
  /** YYYY-MM-DD */
  birthday: z.string().nullable(),
  locale: z.string().nullable(),
  telegramLinked: z.boolean(),
  notificationsEnabled: z.boolean(),
  consentAt: z.string().nullable(),
  registeredAt: z.string().nullable(),
  lastVisitAt: z.string().nullable(),
  createdAt: z.string(),
  /** an admin's level and until when it holds; null when none is in force */
  manualLevel: z.object({ id: z.string(), name: z.string(), until: z.string() }).nullable(),
  /** points expiring in the next EXPIRING_SOON_DAYS days, by expiry instant, soonest first */
  expiringSoon: z.array(z.object({ expiresAt: z.string(), points: z.number().int() })),
});
export type GuestPage = z.infer<typeof guestPageSchema>;

export async function guestPage(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  viewer: { seesPhone: boolean },
): Promise<GuestPage> {
  const at = deps.clock();
  const until = new Date(at.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
  return deps.db.withTenant(tenantId, async (tx) => {
    const guest = await tx.guest.findUnique({
      where: { tenantId_id: { tenantId, id: guestId } },
      include: { level: true, manualLevel: true, tenant: { select: { currency: true } } },
    });
    if (!guest)
      throw new ServiceError("NOT_FOUND", "There is no such guest in this program.", { key: "error-guest-unknown" });
    const held = await tx.redemptionHold.aggregate({
      where: { guestId, status: "held", expiresAt: { gt: at } },
      _sum: { maxPoints: true },
    });
    const expiring = await tx.pointLot.groupBy({
      by: ["expiresAt"],
      where: { guestId, remainingPoints: { gt: 0 }, expiresAt: { gt: at, lte: until } },
      _sum: { remainingPoints: true },
      orderBy: { expiresAt: "asc" },
    });
    // Always set with an end date; past it the spend decides again (a lapsed row may linger).
    const manualLevel =
      guest.manualLevel && guest.manualLevelUntil && guest.manualLevelUntil > at
        ? { id: guest.manualLevel.id, name: guest.manualLevel.name, until: guest.manualLevelUntil.toISOString() }
        : null;
    return {
      id: guest.id,
      firstName: guest.firstName,
      lastName: guest.lastName,
      phoneHint: guest.phone ? `•••• ${guest.phone.slice(-4, -2)} ${guest.phone.slice(-2)}` : null,
      phone: viewer.seesPhone ? guest.phone : null,
      birthday: guest.birthday ? guest.birthday.toISOString().slice(0, 10) : null,
      locale: guest.locale,
      telegramLinked: guest.telegramUserId !== null,
      notificationsEnabled: guest.notificationsEnabled,
      consentAt: guest.consentAt?.toISOString() ?? null,
      registeredAt: guest.registeredAt?.toISOString() ?? null,
      lastVisitAt: guest.lastVisitAt?.toISOString() ?? null,
      createdAt: guest.createdAt.toISOString(),
      balance: guest.balance,
      available: Math.max(0, guest.balance - (held._sum.maxPoints ?? 0)),
      level: guest.level
        ? { id: guest.level.id, name: guest.level.name, rank: guest.level.rank, earnRateBps: guest.level.earnRateBps }
        : null,
      manualLevel,
      expiringSoon: expiring.flatMap((group) =>
        group.expiresAt ? [{ expiresAt: group.expiresAt.toISOString(), points: group._sum.remainingPoints ?? 0 }] : [],
      ),
      currency: guest.tenant.currency,
    };
  });
}
