// Request and response shapes shared by the API, the bot, the workers and the web apps.
import { z } from "zod";
import { errorCodes } from "./errors.ts";

export const uuidSchema = z.uuid();

/** A tenant's public identifier, as in the X-Tenant header and bot deep links. */
export const tenantSlugSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: "use lower-case letters, digits and dashes, not starting or ending with a dash",
  });

/** Phone numbers are stored in E.164: a plus, the country code and the number, digits only. */
export const phoneE164Schema = z
  .string()
  .regex(/^\+[1-9][0-9]{6,14}$/, { message: "use international format, e.g. +79991234567" });

/** Idempotency-Key header: any client-chosen token, e.g. a UUID per button press. */
export const idempotencyKeySchema = z
  .string({
    error: (issue) =>
      issue.input === undefined ? "is required: a new random value per operation, the same on a retry" : "must be text",
  })
  .min(8, { message: "must be at least 8 characters" })
  .max(200, { message: "must be at most 200 characters" })
  .regex(/^[\x21-\x7e]+$/, { message: "use printable ASCII without spaces" });

export const fieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
  /** a stable key for the message in the user's language (e.g. `field-too-long`), where one fits */
  messageKey: z.string().optional(),
  /** the values of that message's placeholders (`maximum`, `minimum`) */
  messageVars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** RFC 9457 problem details, with our `code`, `requestId` and field-level `errors` members. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.enum(errorCodes).optional(),
  requestId: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
  /** a stable key for the sentence in the user's language (the admin view, the bot) */
  messageKey: z.string().optional(),
  /** the values of that sentence's placeholders */
  messageVars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export const dependencyStatusSchema = z.enum(["ok", "down"]);

export const healthSchema = z.object({
  status: z.literal("ok"),
  uptimeSeconds: z.number(),
});

export const readinessSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.object({
    postgres: dependencyStatusSchema,
    redis: dependencyStatusSchema,
  }),
});
export type Readiness = z.infer<typeof readinessSchema>;
