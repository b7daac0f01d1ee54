// The shapes staff send to create and change an event. Times are ISO 8601 with an offset (the
// admin view sends the tenant's local time with its offset); they are stored as instants.
import { z } from "zod";

const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date and time with an offset" });

const eventFields = {
  restaurantId: z.uuid().nullable(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  startsAt: instant,
  endsAt: instant,
  capacity: z.number().int().min(1).max(100_000),
  minLevelId: z.uuid().nullable(),
  pricePoints: z.number().int().min(0).max(10_000_000),
  attendanceBonusPoints: z.number().int().min(0).max(10_000_000),
  registrationDeadline: instant.nullable(),
};

export const createEventInputSchema = z
  .object({
    ...eventFields,
    restaurantId: eventFields.restaurantId.default(null),
    description: eventFields.description.default(""),
    minLevelId: eventFields.minLevelId.default(null),
    pricePoints: eventFields.pricePoints.default(0),
    attendanceBonusPoints: eventFields.attendanceBonusPoints.default(0),
    registrationDeadline: eventFields.registrationDeadline.default(null),
  })
  .strict();
export type CreateEventInput = z.infer<typeof createEventInputSchema>;

export const updateEventInputSchema = z
  .object(eventFields)
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, { message: "send at least one field to change" });
export type UpdateEventInput = z.infer<typeof updateEventInputSchema>;

export const cancelEventInputSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const checkInInputSchema = z.union([
  z.object({ qrToken: z.string().min(1).max(100) }).strict(),
  z.object({ code: z.string().regex(/^\d{6}$/, { message: "must be the 6 digits the guest shows" }) }).strict(),
  z.object({ phone: z.string().min(5).max(40) }).strict(),
  z.object({ guestId: z.uuid() }).strict(),
]);
export type CheckInInput = z.infer<typeof checkInInputSchema>;
