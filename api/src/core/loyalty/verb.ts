import type { Actor } from "../context.ts";

/** What every write verb is called with, whichever transport calls it. */
export interface VerbCall<Input> {
  tenantId: string;
  actor: Actor;
  /** unique per tenant; a retry with the same key returns the first answer */
  idempotencyKey: string;
  input: Input;
}

/** Where a check came from, for checks that arrive from a POS rather than the till. */
export interface CheckOrigin {
  integrationId?: string;
  externalId?: string;
  closedAt?: Date;
  items?: unknown;
}
