// Pieces every route description shares.
import { z } from "@hono/zod-openapi";
import { idempotencyKeySchema, problemSchema } from "@maxl/shared";

export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The usual error answers of a route that takes input and credentials. */
export const errorResponses = {
  401: problemResponse(
    "No valid credentials. For staff, `messageKey` says why: `sign-in-required`, `session-expired`, `session-access-changed` (the member's role, restaurants or password changed, or their sessions were ended, since the token was issued: renew it) or `account-deactivated`",
  ),
  403: problemResponse("The caller's role may not do this"),
  422: problemResponse("Invalid input; `errors` names each field"),
  429: problemResponse("Too many requests; see Retry-After"),
};

// Documented with this package's `z` (which carries .openapi), checked by the shared rule.
export const idempotencyHeaders = z.object({
  "idempotency-key": z
    .string({ error: "is required: a new random value per operation, the same on a retry" })
    .openapi({
      description: "A new random value (e.g. a UUID) per operation; the same value on a retry",
      example: "0b5f4c36-4f1e-4d35-9a55-5f2c5f0e8a11",
    })
    .pipe(idempotencyKeySchema),
});

export const tenantHeaders = z.object({
  "x-tenant": z
    .string()
    .openapi({ description: "The restaurant business's slug, as in its bot's links", example: "demo" }),
});

export const staffSecurity = [{ bearerAuth: [] }];
export const guestSecurity = [{ telegramInitData: [] }];
