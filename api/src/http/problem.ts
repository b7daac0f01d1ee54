// RFC 9457 problem details: the one place where errors become HTTP responses. A ServiceError's
// code picks the status; its message is written for the caller and shown as `detail`. Any other
// error is logged with the request id and answered with a generic 500 that leaks nothing.
import { type ErrorCode, type FieldError, isServiceError, type Problem } from "@maxl/shared";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { Logger } from "../runtime/logger.ts";
import type { AppEnv } from "./context.ts";
import { fieldKeyOf } from "./field-keys.ts";

export const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 402,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
};

export const titleByCode: Record<ErrorCode, string> = {
  VALIDATION: "The request has invalid values",
  UNAUTHORIZED: "Authentication required",
  FORBIDDEN: "Not allowed",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict with the current state",
  LIMIT_EXCEEDED: "Plan limit reached",
  RATE_LIMITED: "Too many requests",
  PAYLOAD_TOO_LARGE: "Request body too large",
  UNAVAILABLE: "Temporarily unavailable",
};

/** The `type` URI of a problem: a page under /problems/ describing it (see modules/docs). */
export function problemType(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}

export interface ProblemInit<S extends ContentfulStatusCode, X extends Record<string, unknown>> {
  code: ErrorCode;
  detail: string;
  /** defaults to the code's status; name it when a typed route declares one */
  status?: S;
  errors?: FieldError[];
  /** the sentence's key for the admin view and the bot (see ServiceError's `key`) */
  messageKey?: string;
  /** extension members, e.g. { checks } on a readiness failure */
  extensions?: X;
  headers?: Record<string, string>;
}

/** A problem+json response. Typed like c.json, so OpenAPI routes can declare it. */
export function problem<
  S extends ContentfulStatusCode = ContentfulStatusCode,
  X extends Record<string, unknown> = Record<never, never>,
>(c: Context<AppEnv>, init: ProblemInit<S, X>) {
  const status = (init.status ?? statusByCode[init.code]) as S;
  const body = {
    ...(init.extensions as X),
    type: problemType(init.code),
    title: titleByCode[init.code],
    status: status as number,
    detail: init.detail,
    instance: c.req.path,
    code: init.code,
    requestId: c.get("requestId"),
    ...(init.messageKey ? { messageKey: init.messageKey } : {}),
    ...(init.errors ? { errors: init.errors } : {}),
  } satisfies Problem;
  return c.json(body, status, { "Content-Type": "application/problem+json", ...init.headers });
}

/** Field-level messages from a zod error: `items.0.price: must be positive`, with a key where one fits. */
export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
    ...fieldKeyOf(issue),
  }));
}

/** The default hook of every validated route: 422 with one entry per invalid field. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) return undefined;
  const errors = fieldErrors(result.error);
  const where = result.target === "json" ? "body" : result.target;
  return problem(c, {
    code: "VALIDATION",
    detail: `The request ${where} has ${errors.length === 1 ? "an invalid value" : `${errors.length} invalid values`}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}.`,
    errors,
    messageKey: "fields-invalid",
  });
}

export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => handleError(error, c, c.get("log") ?? logger);
}

function handleError(error: Error, c: Context<AppEnv>, log: Logger): Response {
  if (isServiceError(error)) {
    return problem(c, {
      code: error.code,
      detail: error.message,
      ...(error.fields ? { errors: error.fields } : {}),
      // The key lets the web apps say it in the user's language; `detail` stays the English text.
      // messageVars fill the key's placeholders (a count, a level's name) the same way the bot does.
      ...(error.key ? { messageKey: error.key } : {}),
      extensions: { ...error.details, ...(error.vars ? { messageVars: error.vars } : {}) },
      ...(typeof error.details?.retryAfterSeconds === "number"
        ? { headers: { "Retry-After": String(error.details.retryAfterSeconds) } }
        : {}),
    });
  }
  if (error instanceof HTTPException) {
    // Hono's own 4xx (e.g. malformed JSON in a validated body) arrive here.
    if (error.status < 500) {
      return problem(c, {
        code: error.status === 413 ? "PAYLOAD_TOO_LARGE" : "VALIDATION",
        status: error.status as ContentfulStatusCode,
        detail: error.message || "The request could not be read.",
        messageKey: error.status === 413 ? "body-too-large" : "request-unreadable",
      });
    }
  }
  log.error({ err: error }, "unhandled error");
  return c.body(
    JSON.stringify({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      detail: "Something went wrong on our side. Quote the request id if you contact support.",
      instance: c.req.path,
      requestId: c.get("requestId"),
    }),
    500,
    { "Content-Type": "application/problem+json" },
  );
}

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problem(c, { code: "NOT_FOUND", detail: `There is no ${c.req.method} ${c.req.path} in this API.` });
