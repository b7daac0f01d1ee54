import type { ErrorCode } from "@maxl/shared";

/** What each problem type means and what the caller can do about it. */
export const problemDescriptions: Record<ErrorCode, string> = {
  VALIDATION:
    "Some values in the request are missing or wrong. The <code>errors</code> member lists each field with its message; correct them and send the request again.",
  UNAUTHORIZED:
    "The request carries no valid credentials. Staff sign in again; guests reopen the Mini App from the bot; POS integrations check their signature and clock.",
  FORBIDDEN: "The credentials are valid but do not allow this action (role, restaurant or tenant).",
  NOT_FOUND: "The thing the request names does not exist, or is not visible to this caller.",
  CONFLICT:
    "The request clashes with the current state: for example a guest's balance changed meanwhile, or an Idempotency-Key was reused for a different request. Reload and retry.",
  LIMIT_EXCEEDED:
    "The tenant's plan does not allow more of this. An owner can upgrade the plan in the admin view. Members: <code>resource</code> (restaurants, staff, guests or broadcasts), <code>limit</code>, <code>used</code>, <code>planId</code>, <code>upgrade: true</code>, and <code>messageKey</code> <code>plan-limit</code>; an accrual refused because a restricted plan's guest limit is passed has <code>messageKey</code> <code>error-plan-guest-limit</code>.",
  RATE_LIMITED:
    "Too many requests from this caller in the last minute. Wait the number of seconds in the <code>Retry-After</code> header.",
  PAYLOAD_TOO_LARGE: "The request body is larger than this API accepts.",
  UNAVAILABLE: "A service the API depends on is not answering. The request can be retried later.",
};
