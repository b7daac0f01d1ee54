// The shapes the loyalty engine answers with, shared by the API (validation and OpenAPI), the
// bot and the web apps. Money travels as a string of minor units (it is a bigint inside), points
// as integers, instants as ISO 8601 strings.
import { z } from "zod";
import { uuidSchema } from "./contracts.ts";

/** Minor units as a decimal string, e.g. "150000" for 1 500,00 ₽. */
export const minorAmountSchema = z.string().regex(/^\d+$/, { message: "must be a whole number of minor units" });

/** A check amount in minor units: positive, and below any real restaurant bill. */
export const checkAmountSchema = z
  .union([z.number().int(), z.string().regex(/^\d+$/, { message: "must be a whole number of minor units" })])
  .transform((value) => BigInt(value))
  .refine((value) => value > 0n, { message: "must be more than 0" })
  .refine((value) => value <= 100_000_000_00n, { message: "must be at most 100 000 000.00" });

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as RUB" });

export const levelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  rank: z.number().int(),
});

export const levelChangeSchema = z.object({
  fromLevelId: z.string().nullable(),
  toLevelId: z.string().nullable(),
  reason: z.enum(["purchase", "refund", "reevaluation", "manual", "manual_ended"]),
});

export const operationKindSchema = z.enum(["accrual", "redemption", "refund", "adjustment", "bonus", "expiry"]);

/** What every points-moving verb answers, first time and on every retry with the same key. */
export const operationResultSchema = z.object({
  operationId: z.string(),
  kind: operationKindSchema,
  guestId: z.string(),
  checkId: z.string().nullable(),
  /** net change of the balance */
  pointsDelta: z.number().int(),
  earned: z.number().int(),
  redeemed: z.number().int(),
  /** points a refund gave back to the guest (what the check had spent) */
  returned: z.number().int(),
  /** points a refund took back (what the check had earned) */
  reversed: z.number().int(),
  /** points a refund could not take back because the guest had already spent them */
  unrecovered: z.number().int(),
  expired: z.number().int(),
  adjusted: z.number().int(),
  bonus: z.number().int(),
  balance: z.number().int(),
  amountMinor: minorAmountSchema.nullable(),
  paidMinor: minorAmountSchema.nullable(),
  /** when the points earned by this operation expire */
  expiresAt: z.string().nullable(),
  level: levelSummarySchema.nullable(),
  levelChange: levelChangeSchema.nullable(),
  at: z.string(),
});
export type OperationResult = z.infer<typeof operationResultSchema>;

export const quoteResultSchema = z.object({
  holdId: z.string(),
  guestId: z.string(),
  amountMinor: minorAmountSchema,
  currency: z.string(),
  balance: z.number().int(),
  /** points not reserved by other open quotes */
  available: z.number().int(),
  maxRedeemablePoints: z.number().int(),
  /** what those points are worth, minor units */
  maxRedeemableMinor: minorAmountSchema,
  /** points earned if the whole check is paid in money */
  earnIfAccrued: z.number().int(),
  /** points earned on the remainder if the maximum is redeemed */
  earnIfMaxRedeemed: z.number().int(),
  expiresAt: z.string(),
});
export type QuoteResult = z.infer<typeof quoteResultSchema>;

export const accrualInputSchema = z.object({
  guestId: uuidSchema,
  amountMinor: checkAmountSchema,
  currency: currencySchema,
  restaurantId: uuidSchema.optional(),
});
export type AccrualInput = z.infer<typeof accrualInputSchema>;

export const quoteInputSchema = accrualInputSchema;
export type QuoteInput = z.infer<typeof quoteInputSchema>;

export const redemptionInputSchema = accrualInputSchema.extend({
  points: z.number().int().positive({ message: "must be at least 1 point" }).max(10_000_000),
  /** the quote being committed; without it the check's limits are checked afresh */
  holdId: uuidSchema.optional(),
});
export type RedemptionInput = z.infer<typeof redemptionInputSchema>;

export const refundInputSchema = z.object({
  checkId: uuidSchema,
  /** part of the check refunded; the whole remaining amount when omitted */
  amountMinor: checkAmountSchema.optional(),
  reason: z.string().trim().max(500).optional(),
});
export type RefundInput = z.infer<typeof refundInputSchema>;

export const adjustmentInputSchema = z.object({
  guestId: uuidSchema,
  points: z
    .number()
    .int()
    .refine((value) => value !== 0, { message: "must not be 0" })
    .refine((value) => Math.abs(value) <= 10_000_000, { message: "must be at most 10 000 000 either way" }),
  reason: z.string().trim().min(3, { message: "say why, in at least 3 characters" }).max(500),
});
export type AdjustmentInput = z.infer<typeof adjustmentInputSchema>;

export const manualLevelInputSchema = z.object({
  /** null ends an admin's level before its end date */
  levelId: uuidSchema.nullable(),
  until: z.coerce.date().optional(),
  reason: z.string().trim().min(3, { message: "say why, in at least 3 characters" }).max(500),
});
export type ManualLevelInput = z.infer<typeof manualLevelInputSchema>;
