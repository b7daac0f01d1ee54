// The one internal shape of a check that arrives from a POS, whichever way it came in (the
// generic signed webhook, iiko, r_keeper). The generic webhook's body is exactly this (see
// ARCHITECTURE.md section 5); the vendor adapters map their own formats onto it.
import { z } from "zod";
import { checkAmountSchema, currencySchema } from "./loyalty-contracts.ts";

const externalIdSchema = z
  .string()
  .trim()
  .min(1, { message: "must not be empty" })
  .max(200, { message: "must be at most 200 characters" });

/** How the POS says who the guest is. Any one is enough; none leaves the check unidentified. */
export const posGuestRefSchema = z
  .object({
    phone: z.string().trim().min(5).max(40).optional(),
    /** the 6-digit code the guest shows in the bot or the Mini App */
    code: z
      .string()
      .regex(/^\d{6}$/, { message: "must be the guest's 6 digits" })
      .optional(),
    /** the guest's Telegram user id */
    telegramId: z
      .union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)])
      .transform((value) => String(value))
      .optional(),
    /** the guest's QR token (`mlq_...`), as a scanner at the POS reads it */
    qrToken: z
      .string()
      .regex(/^mlq_[A-Za-z0-9_-]{10,100}$/, { message: "must be a QR token as the card shows it" })
      .optional(),
  })
  .strict();
export type PosGuestRef = z.infer<typeof posGuestRefSchema>;

export const posCheckItemSchema = z
  .object({
    name: z.string().trim().min(1).max(300),
    sku: z.string().max(100).optional(),
    quantity: z.number().positive().max(100_000),
    /** the line's total in minor units, after the POS's own discounts */
    amountMinor: z.number().int().min(0).max(100_000_000_00),
  })
  .strict();
export type PosCheckItem = z.infer<typeof posCheckItemSchema>;

export const posCheckSchema = z
  .object({
    /** the POS's own id for this check (for a refund: for the refund document) */
    externalId: externalIdSchema,
    type: z.enum(["sale", "refund"]),
    /** for a refund: the externalId of the sale it refunds */
    refundOf: externalIdSchema.optional(),
    /** the check total (for a refund: the refunded part), minor units */
    amountMinor: checkAmountSchema,
    currency: currencySchema,
    closedAt: z.iso.datetime({ offset: true, message: "must be an ISO 8601 instant, e.g. 2026-11-21T12:30:00Z" }),
    /** the POS's id of the restaurant, mapped to one of ours in the integration's settings */
    restaurantExternalId: z.string().trim().min(1).max(200).optional(),
    guest: posGuestRefSchema.optional(),
    items: z.array(posCheckItemSchema).max(500, { message: "must have at most 500 lines" }).optional(),
  })
  .strict()
  .superRefine((check, context) => {
    if (check.type === "refund" && !check.refundOf) {
      context.addIssue({
        code: "custom",
        path: ["refundOf"],
        message: "is required for a refund: the sale's externalId",
      });
    }
    if (check.type === "refund" && check.refundOf === check.externalId) {
      context.addIssue({
        code: "custom",
        path: ["externalId"],
        message: "must be the refund document's own id, not the sale's",
      });
    }
    if (check.type === "sale" && check.refundOf) {
      context.addIssue({ code: "custom", path: ["refundOf"], message: "is only for refunds" });
    }
  });
/** A check as the adapters produce it (amount already a bigint of minor units). */
export type PosCheck = z.infer<typeof posCheckSchema>;
/** A check as a POS sends it (amount as a number or a string of minor units). */
export type PosCheckInput = z.input<typeof posCheckSchema>;

/** A check as stored in the inbox: JSON-safe, the amount as a string of minor units. */
export function posCheckToJson(check: PosCheck): Record<string, unknown> {
  return { ...check, amountMinor: check.amountMinor.toString() };
}
