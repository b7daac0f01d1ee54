import type { RequestIdVariables } from "hono/request-id";
import type { StaffClaims } from "../auth/staff-token.ts";
import type { TelegramUser } from "../core/guests/telegram-guest.ts";
import type { Logger } from "../runtime/logger.ts";

export interface AppVariables extends RequestIdVariables {
  /** the request's logger, carrying its request id */
  log: Logger;
  /**
   * Who is calling, once credentials have been verified ("staff:<id>", "guest:<tenant>:<id>",
   * "pos:<integration>"); unset for anonymous calls, which are keyed by client IP instead.
   */
  principal?: string;
  /** a staff member whose access token checked out */
  staff?: StaffClaims;
  /** a Telegram user whose Mini App launch data checked out, and the tenant it was for */
  telegram?: { tenantId: string; user: TelegramUser };
  /** why credentials that were sent did not check out, for the 401 a guarded route answers */
  authProblem?: string;
  /** the same reason as a message key the web apps translate ("init-data-expired", ...) */
  authProblemKey?: string;
  /** the guest behind `telegram`, set by requireGuest */
  guestId?: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
