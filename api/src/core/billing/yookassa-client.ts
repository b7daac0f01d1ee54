// The YooKassa API as billing uses it: create and read payments, create and read refunds.
//
// Through yookassa-sdk 0.0.13, but not through its friendly methods: `payments.create()` sends a
// fresh random Idempotence-Key on every call, so a retried charge (a timeout, a crashed worker)
// would be a second charge. Its lower-level `request({ ..., requestId })` sends the key we give
// it, so every POST here passes OUR key. Three more quirks of that SDK, handled below:
// - `YooKassa()` returns a process-wide singleton (the first shop id and endpoint win), so we
//   construct the connector class ourselves, one per client;
// - `request` is protected, hence the small subclass that exposes it;
// - it sets no timeout, and a network error is axios's, whose `config.auth` carries the secret
//   key: such an error is replaced by one that says only what failed, so the key cannot reach a
//   log through an error serializer.
import { Connector } from "yookassa-sdk/dist/client/connector.js";
import { z } from "zod";
import type { Receipt } from "./receipts.ts";
import type { YooKassaCredentials } from "./settings.ts";

const amountSchema = z.object({ value: z.string(), currency: z.string() });

/** A payment as YooKassa returns it; only what billing reads, the rest passes through. */
export const yookassaPaymentSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(["pending", "waiting_for_capture", "succeeded", "canceled"]),
  amount: amountSchema,
  paid: z.boolean().optional(),
  created_at: z.string().optional(),
  captured_at: z.string().optional(),
  confirmation: z.looseObject({ type: z.string(), confirmation_url: z.string().optional() }).optional(),
  payment_method: z
    .looseObject({
      id: z.string(),
      type: z.string().optional(),
      saved: z.boolean().optional(),
      title: z.string().optional(),
    })
    .optional(),
  cancellation_details: z.looseObject({ party: z.string().optional(), reason: z.string().optional() }).optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type YooKassaPayment = z.infer<typeof yookassaPaymentSchema>;

export const yookassaRefundSchema = z.looseObject({
  id: z.string().min(1),
  payment_id: z.string().min(1),
  status: z.enum(["pending", "succeeded", "canceled"]),
  amount: amountSchema,
  created_at: z.string().optional(),
});
export type YooKassaRefund = z.infer<typeof yookassaRefundSchema>;

export interface CreatePaymentRequest {
  amount: { value: string; currency: string };
  capture: true;
  description: string;
  metadata: Record<string, string>;
  confirmation?: { type: "redirect"; return_url: string };
  save_payment_method?: boolean;
  payment_method_id?: string;
  receipt: Receipt;
}

export interface CreateRefundRequest {
  payment_id: string;
  amount: { value: string; currency: string };
  description?: string;
  receipt: Receipt;
}

/** YooKassa refused or could not be reached; `code` is YooKassa's (invalid_request, not_found, ...) or "network". */
export class YooKassaError extends Error {
  override readonly name = "YooKassaError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** worth trying again with the same key: YooKassa was away or busy, not refusing */
  get retryable(): boolean {
    return this.code === "network" || this.code === "internal_server_error" || this.code === "too_many_requests";
  }
}

export interface YooKassaClient {
  createPayment(body: CreatePaymentRequest, idempotenceKey: string): Promise<YooKassaPayment>;
  getPayment(id: string): Promise<YooKassaPayment>;
  createRefund(body: CreateRefundRequest, idempotenceKey: string): Promise<YooKassaRefund>;
  getRefund(id: string): Promise<YooKassaRefund>;
}

type Answer = { success: "OK"; data: unknown } | { success: "NO_OK"; errorData: unknown };

class ExposedConnector extends Connector {
  constructor(credentials: YooKassaCredentials, timeoutMs: number) {
    super({
      shop_id: credentials.shopId,
      secret_key: credentials.secretKey,
      endpoint: credentials.apiUrl,
      debug: false,
    });
    this.axiosConfig.timeout = timeoutMs;
  }

  call(
    options:
      | { method: "GET"; endpoint: string }
      | { method: "POST"; endpoint: string; data: object; requestId: string },
  ): Promise<Answer> {
    return this.request(options as Parameters<Connector["request"]>[0]) as Promise<Answer>;
  }
}

const errorBodySchema = z.looseObject({ code: z.string().optional(), description: z.string().optional() });

export function createYooKassaClient(
  credentials: YooKassaCredentials,
  options: { timeoutMs?: number } = {},
): YooKassaClient {
  const connector = new ExposedConnector(credentials, options.timeoutMs ?? 15_000);

  const send = async <T>(
    schema: z.ZodType<T>,
    what: string,
    request: Parameters<ExposedConnector["call"]>[0],
  ): Promise<T> => {
    let answer: Answer;
    try {
      answer = await connector.call(request);
    } catch (error) {
      const reason = error instanceof Error && "code" in error ? String(error.code) : "no answer";
      throw new YooKassaError("network", `YooKassa ${what}: ${reason}`);
    }
    if (answer.success !== "OK") {
      const body = errorBodySchema.safeParse(answer.errorData);
      const code = body.success ? (body.data.code ?? "error") : "error";
      const description = body.success ? (body.data.description ?? "") : "";
      throw new YooKassaError(code, `YooKassa ${what}: ${code}${description ? ` (${description})` : ""}`);
    }
    const parsed = schema.safeParse(answer.data);
    if (!parsed.success)
      throw new YooKassaError("unexpected_answer", `YooKassa ${what}: an answer billing cannot read`);
    return parsed.data;
  };

  return {
    createPayment: (body, key) =>
      send(yookassaPaymentSchema, "create payment", {
        method: "POST",
        endpoint: "/payments",
        data: body,
        requestId: key,
      }),
    getPayment: (id) =>
      send(yookassaPaymentSchema, "get payment", { method: "GET", endpoint: `/payments/${encodeURIComponent(id)}` }),
    createRefund: (body, key) =>
      send(yookassaRefundSchema, "create refund", { method: "POST", endpoint: "/refunds", data: body, requestId: key }),
    getRefund: (id) =>
      send(yookassaRefundSchema, "get refund", { method: "GET", endpoint: `/refunds/${encodeURIComponent(id)}` }),
  };
}

/** Kopecks as YooKassa's decimal string: 149000 → "1490.00". */
export function yookassaAmount(minor: bigint): string {
  const sign = minor < 0n ? "-" : "";
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** YooKassa's decimal string as kopecks: "1490.00" → 149000n. */
export function minorFromYookassa(value: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new YooKassaError("unexpected_answer", `YooKassa amount "${value}" is not a decimal`);
  return BigInt(match[1] ?? "0") * 100n + BigInt((match[2] ?? "0").padEnd(2, "0"));
}
