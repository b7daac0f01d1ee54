// The typed API client (Hono RPC): routes, inputs and answers come from the API's own types
// (AppType), so the browser and the server cannot drift apart. Only types cross over; no
// server code reaches the bundle.
import type { AppType } from "@maxl/api";
import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";

/** An RFC 9457 problem the API answered with, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly messageKey: string | null = null,
    readonly code: string | null = null,
    /** the whole problem body, extension members included (e.g. { price, available } when points run short) */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Success<R> =
  R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/** The body of a 2xx answer; an ApiError for anything else. */
export async function expectOk<R extends ClientResponse<unknown, number, string>>(
  call: Promise<R>,
): Promise<Success<R>> {
  let response: R;
  try {
    response = await call;
  } catch (error) {
    throw new ApiError(0, error instanceof Error ? error.message : "network error");
  }
  if (response.ok) return (await response.json()) as Success<R>;
  const problem = (await response.json().catch(() => ({}))) as {
    detail?: string;
    code?: string;
    messageKey?: string;
  } & Record<string, unknown>;
  throw new ApiError(
    response.status,
    problem.detail ?? response.statusText,
    problem.messageKey ?? null,
    problem.code ?? null,
    problem,
  );
}

export interface ApiOptions {
  /** where the API is; the page's own origin by default (a reverse proxy sends /api on) */
  baseUrl: string;
  authorization: () => string;
  fetch?: typeof fetch;
}

export function createClient(options: ApiOptions) {
  return hc<AppType>(options.baseUrl, {
    headers: () => ({ Authorization: options.authorization() }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type Client = ReturnType<typeof createClient>;

export function apiBaseUrl(): string {
  return new URL(import.meta.env.VITE_API_URL || "/", window.location.origin).toString();
}
