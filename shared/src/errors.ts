// One error type for every domain verb. Transports map the code in exactly one place each:
// HTTP problem+json (api/src/http/problem.ts), bot replies, job failures. The message is written
// for the person who will read it (a cashier, an owner, an integrator) and is safe to show;
// anything that is not a ServiceError is an internal error and its message is never shown.

export const errorCodes = [
  "VALIDATION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "LIMIT_EXCEEDED",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "UNAVAILABLE",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** A problem with one input field; `path` is dotted (`guest.phone`, `items.0.price`). */
export interface FieldError {
  path: string;
  message: string;
  /** a stable key for the message in the user's language, where one fits (see api/src/http/field-keys.ts) */
  messageKey?: string;
  messageVars?: Record<string, string | number>;
}

export interface ServiceErrorOptions {
  fields?: FieldError[];
  /** Extra members safe to show to the caller (e.g. `{ available: 120 }`). */
  details?: Record<string, unknown>;
  /**
   * A message key for interfaces that speak the user's language (the bot, the web apps); the
   * English `message` stays what the HTTP API returns as `detail`.
   */
  key?: string;
  /** Values for the key's placeholders. */
  vars?: Record<string, string | number>;
  cause?: unknown;
}

export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly key: string | undefined;
  readonly vars: Record<string, string | number> | undefined;

  constructor(code: ErrorCode, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options.fields;
    this.details = options.details;
    this.key = options.key;
    this.vars = options.vars;
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}
