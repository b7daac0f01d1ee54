// The shapes staff send to compose, target and send a broadcast. The text is checked against
// Telegram's HTML subset and its 4096-character limit by validate-broadcast.ts, which needs more
// than a schema can say; times are ISO 8601 with an offset, stored as instants.
import { z } from "zod";

const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date and time with an offset" });

export const broadcastFormats = ["html", "plain"] as const;

export const audienceSchema = z
  .object({
    /** guests at one of these levels (empty: any level) */
    levelIds: z.array(z.uuid()).max(50).default([]),
    /** guests who signed up at, or last visited, one of these restaurants (empty: anywhere) */
    restaurantIds: z.array(z.uuid()).max(200).default([]),
    /** guests whose last visit was at or after this instant */
    lastVisitAfter: instant.nullable().default(null),
    /** guests whose last visit was before this instant (guests who never visited are not included) */
    lastVisitBefore: instant.nullable().default(null),
    /** guests with at least this many points */
    minBalance: z.number().int().min(0).max(1_000_000_000).nullable().default(null),
  })
  .strict();
export type Audience = z.infer<typeof audienceSchema>;
export const everyone: Audience = {
  levelIds: [],
  restaurantIds: [],
  lastVisitAfter: null,
  lastVisitBefore: null,
  minBalance: null,
};

const buttonSchema = z
  .object({
    label: z.string().trim().min(1).max(64),
    url: z
      .string()
      .trim()
      .max(2048)
      .refine((url) => URL.canParse(url) && new URL(url).protocol === "https:", {
        message: "must be an https:// address",
      }),
  })
  .strict();

export const contentSchema = z
  .object({
    /** Telegram's HTML subset (format html) or text sent as it is (format plain) */
    text: z.string().max(20_000),
    format: z.enum(broadcastFormats).default("html"),
    button: buttonSchema.nullable().default(null),
  })
  .strict();
export type BroadcastContent = z.infer<typeof contentSchema>;

export const createBroadcastInputSchema = contentSchema.extend({ audience: audienceSchema.default(everyone) }).strict();
export type CreateBroadcastInput = z.infer<typeof createBroadcastInputSchema>;

export const updateBroadcastInputSchema = z
  .object({
    text: z.string().max(20_000),
    format: z.enum(broadcastFormats),
    button: buttonSchema.nullable(),
    audience: audienceSchema,
  })
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "send at least one field to change" });
export type UpdateBroadcastInput = z.infer<typeof updateBroadcastInputSchema>;

export const sendBroadcastInputSchema = z
  .object({
    /** absent or null: now; otherwise when the workers start sending (in the future, within 90 days) */
    scheduledAt: instant.nullable().default(null),
  })
  .strict();
export type SendBroadcastInput = z.infer<typeof sendBroadcastInputSchema>;

export const audienceCountInputSchema = z.object({ audience: audienceSchema.default(everyone) }).strict();
