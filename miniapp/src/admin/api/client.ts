// The admin view's typed API client: the same Hono RPC client as the Mini App (hc<AppType>), with
// a fetch that carries the in-memory access token and, when the API answers 401, renews the
// session once and sends the request again. Problems keep their field errors and extras, so forms
// can put each message beside its field.
import type { AppType } from "@maxl/api";
import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import { ApiError } from "../../api/client.ts";

export { ApiError };

export interface FieldError {
  path: string;
  message: string;
  /** the kind of mistake, for the message in the user's language (i18n/field-texts.ts) */
  messageKey?: string;
  messageVars?: Record<string, string | number>;
}

/** An RFC 9457 problem with what forms and the sign-in page need from it. */
export class ProblemError extends ApiError {
  constructor(
    status: number,
    message: string,
    messageKey: string | null,
    code: string | null,
    /** errors[] of a 422: one message per invalid field, by its dotted path */
    readonly fields: FieldError[] = [],
    /** the problem's other members, e.g. `tenants` of an ambiguous sign-in */
    readonly extensions: Record<string, unknown> = {},
    /** from Retry-After, for a 429 */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(status, message, messageKey, code);
    this.name = "ProblemError";
  }
}

type Success<R> =
  R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

async function problemOf(response: Response): Promise<ProblemError> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : null);
  const fields = Array.isArray(body.errors)
    ? (body.errors as unknown[]).filter(
        (e): e is FieldError =>
          typeof e === "object" && e !== null && typeof (e as FieldError).path === "string" && "message" in e,
      )
    : [];
  const retryAfter = Number(response.headers.get("Retry-After") ?? Number.NaN);
  return new ProblemError(
    response.status,
    text("detail") ?? response.statusText,
    text("messageKey"),
    text("code"),
    fields,
    body,
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

/** The body of a 2xx answer (null for 204); a ProblemError for anything else. */
export async function call<R extends ClientResponse<unknown, number, string>>(
  request: Promise<R>,
): Promise<Success<R>> {
  let response: R;
  try {
    response = await request;
  } catch (error) {
    throw new ProblemError(0, error instanceof Error ? error.message : "network error", null, null);
  }
  if (!response.ok) throw await problemOf(response as unknown as Response);
  if (response.status === 204) return null as Success<R>;
  return (await response.json()) as Success<R>;
}

export interface TokenSource {
  /** the current access token, if signed in */
  accessToken(): string | null;
  /** a fresh access token after a 401; null when the session is over */
  renew(): Promise<string | null>;
}

/** fetch with the Bearer token, renewing the session once when the API says it has lapsed. */
export function authenticatedFetch(base: typeof fetch, tokens: TokenSource): typeof fetch {
  return async (input, init) => {
    const send = (token: string | null) => {
      const headers = new Headers(init?.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      return base(input, { ...init, headers });
    };
    const first = await send(tokens.accessToken());
    if (first.status !== 401) return first;
    const renewed = await tokens.renew();
    return renewed ? send(renewed) : first;
  };
}

export function createAdminClient(baseUrl: string, fetchImpl: typeof fetch) {
  return hc<AppType>(baseUrl, { fetch: fetchImpl });
}

export type AdminClient = ReturnType<typeof createAdminClient>;
