import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Outcome } from "../core/loyalty/idempotency.ts";
import type { AppEnv } from "./context.ts";

/**
 * The answer to an idempotent write: the first result, with the same status, every time; a
 * replay is marked by the Idempotent-Replayed header so a client can tell.
 */
export function respondOutcome<T extends object, S extends ContentfulStatusCode>(
  c: Context<AppEnv>,
  outcome: Outcome<T>,
  status: S,
) {
  if (outcome.replayed) c.header("Idempotent-Replayed", "true");
  return c.json(outcome.result, status);
}
