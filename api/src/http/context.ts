import type { RequestIdVariables } from "hono/request-id";
import type { Logger } from "../runtime/logger.ts";

export interface AppVariables extends RequestIdVariables {
  /** the request's logger, carrying its request id */
  log: Logger;
  /**
   * Who is calling, once credentials have been verified ("staff:<id>", "guest:<tenant>:<id>",
   * "pos:<integration>"); unset for anonymous calls, which are keyed by client IP instead.
   */
  principal?: string;
}

export interface AppEnv {
  Variables: AppVariables;
}
