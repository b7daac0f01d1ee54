// iikoCloud API as the poller needs it: a session token from the integration's apiLogin, and
// deliveries/by_revision. iiko's tokens live about an hour and there is no refresh flow, so the
// client takes a new one after 45 minutes, and once more if iiko answers 401 anyway (a token can
// be revoked early, e.g. when the apiLogin is re-issued in iikoWeb).

import {
  type IikoDeliveriesByRevision,
  iikoAccessTokenSchema,
  iikoDeliveriesByRevisionSchema,
  iikoErrorBodySchema,
} from "@maxl/api";
import type { z } from "zod";

const ACCESS_TOKEN_PATH = "/api/1/access_token";
const DELIVERIES_BY_REVISION_PATH = "/api/1/deliveries/by_revision";
/** iiko's tokens live an hour; a new one well before that avoids a 401 round trip. */
const TOKEN_REFRESH_AFTER_MS = 45 * 60_000;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface IikoClientOptions {
  /** e.g. https://api-ru.iiko.services */
  baseUrl: string;
  apiLogin: string;
  fetch?: typeof fetch;
  /** per request, token requests included */
  timeoutMs?: number;
  /** the clock, for tests that age the token */
  now?: () => number;
}

export interface DeliveriesByRevisionRequest {
  organizationIds: readonly string[];
  /** orders changed after this revision come back; 0 on the first poll */
  startRevision: number;
  sourceKeys?: readonly string[];
}

export interface IikoClient {
  deliveriesByRevision(request: DeliveriesByRevisionRequest): Promise<IikoDeliveriesByRevision>;
}

/**
 * iiko answered with an error, or did not answer. `status` is the HTTP status (0: no answer at
 * all); `errorDescription` is iiko's own text, with the apiLogin blanked out.
 */
export class IikoApiError extends Error {
  override readonly name = "IikoApiError";
  readonly status: number;
  readonly path: string;
  readonly errorDescription: string | undefined;
  readonly correlationId: string | undefined;

  constructor(
    details: {
      status: number;
      path: string;
      errorDescription?: string | undefined;
      correlationId?: string | undefined;
    },
    options?: { cause?: unknown },
  ) {
    const answer = details.status === 0 ? "did not answer" : `answered ${details.status}`;
    super(`iiko ${details.path} ${answer}: ${details.errorDescription ?? "no description"}`, options);
    this.status = details.status;
    this.path = details.path;
    this.errorDescription = details.errorDescription;
    this.correlationId = details.correlationId;
  }

  /** Whether trying again later can help: iiko being away or busy, not a refused login. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

interface Answer {
  status: number;
  body: unknown;
}

export function createIikoClient(options: IikoClientOptions): IikoClient {
  const fetchIiko = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  let session: { token: string; obtainedAt: number } | null = null;
  let tokenRequest: Promise<string> | null = null;

  async function post(path: string, body: unknown, token?: string): Promise<Answer> {
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      const response = await fetchIiko(`${baseUrl}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: parseJson(text) };
    } catch (error) {
      throw new IikoApiError({ status: 0, path, errorDescription: redact(errorText(error)) }, { cause: error });
    }
  }

  /** iiko's error text can quote the apiLogin ("Login ... is not authorized"), a secret. */
  function redact(text: string): string {
    return options.apiLogin ? text.split(options.apiLogin).join("***") : text;
  }

  function failure(path: string, answer: Answer): IikoApiError {
    const error = iikoErrorBodySchema.safeParse(answer.body);
    const description = error.success ? (error.data.errorDescription ?? error.data.error ?? undefined) : undefined;
    return new IikoApiError({
      status: answer.status,
      path,
      errorDescription: description === undefined ? undefined : redact(description),
      correlationId: error.success ? (error.data.correlationId ?? undefined) : undefined,
    });
  }

  function parsed<T>(path: string, answer: Answer, schema: z.ZodType<T>): T {
    const result = schema.safeParse(answer.body);
    if (!result.success) {
      throw new IikoApiError({
        status: answer.status,
        path,
        errorDescription: "the answer is not what iiko documents",
      });
    }
    return result.data;
  }

  async function requestToken(): Promise<string> {
    const answer = await post(ACCESS_TOKEN_PATH, { apiLogin: options.apiLogin });
    if (!isSuccess(answer)) throw failure(ACCESS_TOKEN_PATH, answer);
    const { token } = parsed(ACCESS_TOKEN_PATH, answer, iikoAccessTokenSchema);
    session = { token, obtainedAt: now() };
    return token;
  }

  /** The live token, or one new token shared by every call that needs it at the same moment. */
  function currentToken(): Promise<string> {
    if (session && now() - session.obtainedAt < TOKEN_REFRESH_AFTER_MS) return Promise.resolve(session.token);
    tokenRequest ??= requestToken().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  async function authorizedPost(path: string, body: unknown): Promise<Answer> {
    const token = await currentToken();
    let answer = await post(path, body, token);
    if (answer.status === 401) {
      // Forget the token only if no other call has replaced it meanwhile.
      if (session?.token === token) session = null;
      answer = await post(path, body, await currentToken());
    }
    if (!isSuccess(answer)) throw failure(path, answer);
    return answer;
  }

  return {
    async deliveriesByRevision(request) {
      const answer = await authorizedPost(DELIVERIES_BY_REVISION_PATH, {
        startRevision: request.startRevision,
        organizationIds: request.organizationIds,
        ...(request.sourceKeys ? { sourceKeys: request.sourceKeys } : {}),
      });
      return parsed(DELIVERIES_BY_REVISION_PATH, answer, iikoDeliveriesByRevisionSchema);
    },
  };
}

function isSuccess(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}
