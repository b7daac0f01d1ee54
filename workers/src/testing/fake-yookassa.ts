// YooKassa's API v3 as billing uses it, in YooKassa's own format, on 127.0.0.1 at a free port:
// POST /v3/payments, GET /v3/payments/{id}, POST /v3/refunds, GET /v3/refunds/{id}. HTTP Basic
// auth with the shop id and secret key (401 invalid_credentials otherwise). Every POST needs an
// Idempotence-Key: the same key with the same body answers with the first result and creates
// nothing; the same key with another body is refused (400 invalid_request), as the real API does.
// A payment with `confirmation` waits (pending) for the test to settle it, like an owner on
// YooKassa's page; one with `payment_method_id` (a renewal) is charged at once and succeeds or is
// declined as the test set. Error bodies are YooKassa's: {type:"error", id, code, description}.
// As the real API with receipts through YooKassa (54-FZ) it refuses an Idempotence-Key over 64
// characters, and a payment or refund without a well-formed `receipt` (a customer e-mail or
// phone; items each with a description of at most 128 characters, a quantity, an amount, a
// vat_code 1..12, a payment_subject and a payment_mode; item amount × quantity adding up to the
// amount). The same key with the same body (as JSON, whatever the order of its keys) answers
// with the first result.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, unknown>;

export interface FakeYooKassaPayment extends Json {
  id: string;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled";
  amount: { value: string; currency: string };
  description?: string;
  metadata: Record<string, string>;
  paid: boolean;
  refundable: boolean;
  created_at: string;
  test: boolean;
}

export interface FakeYooKassaRefund extends Json {
  id: string;
  payment_id: string;
  status: "pending" | "succeeded" | "canceled";
  amount: { value: string; currency: string };
  created_at: string;
}

export interface FakeYooKassaRequest {
  method: string;
  path: string;
  idempotenceKey: string | undefined;
  body: unknown;
}

export interface FakeYooKassa {
  /** the API's base URL, ending in /v3 (YOOKASSA_API_URL) */
  url: string;
  shopId: string;
  secretKey: string;
  /** what the API knows, by id */
  readonly payments: Map<string, FakeYooKassaPayment>;
  readonly refunds: Map<string, FakeYooKassaRefund>;
  /** every request received, in order */
  readonly requests: FakeYooKassaRequest[];
  /** the owner paid on YooKassa's page (and agreed to save the card if the payment asked) */
  succeed(paymentId: string): FakeYooKassaPayment;
  /** the owner gave up, or the bank declined */
  cancel(paymentId: string, reason?: string): FakeYooKassaPayment;
  /** how the next charges of a saved method end (default: succeeded) */
  setRenewalOutcome(outcome: "succeeded" | "canceled" | "pending"): void;
  /** how refunds end when created (default: succeeded, as for bank cards) */
  setRefundOutcome(outcome: "succeeded" | "pending"): void;
  /** a refund that was pending goes through */
  completeRefund(refundId: string): FakeYooKassaRefund;
  /** the body YooKassa would POST to the notification URL for this event */
  notification(event: string, objectId: string): Json;
  close(): Promise<void>;
}

export async function startFakeYooKassa(options: { shopId?: string; secretKey?: string } = {}): Promise<FakeYooKassa> {
  const shopId = options.shopId ?? "100500";
  const secretKey = options.secretKey ?? "test_fake_secret_key";
  const expectedAuth = `Basic ${Buffer.from(`${shopId}:${secretKey}`).toString("base64")}`;
  const payments = new Map<string, FakeYooKassaPayment>();
  const refunds = new Map<string, FakeYooKassaRefund>();
  /** Idempotence-Key → the request's body and the answer given */
  const byKey = new Map<string, { body: string; path: string; status: number; answer: unknown }>();
  const requests: FakeYooKassaRequest[] = [];
  /** saved payment methods, by id */
  const savedMethods = new Map<string, Json>();
  let renewalOutcome: "succeeded" | "canceled" | "pending" = "succeeded";
  let refundOutcome: "succeeded" | "pending" = "succeeded";
  let cards = 0;

  const now = () => new Date().toISOString();
  const errorBody = (code: string, description: string, parameter?: string) => ({
    type: "error",
    id: randomUUID(),
    code,
    description,
    ...(parameter ? { parameter } : {}),
  });

  const markSucceeded = (payment: FakeYooKassaPayment, method: Json) => {
    payment.status = "succeeded";
    payment.paid = true;
    payment.refundable = true;
    payment.captured_at = now();
    payment.income_amount = payment.amount;
    payment.payment_method = method;
    delete payment.confirmation;
  };

  const markCanceled = (payment: FakeYooKassaPayment, reason: string, method?: Json) => {
    payment.status = "canceled";
    payment.paid = false;
    payment.cancellation_details = {
      party: reason === "expired_on_confirmation" ? "yoo_money" : "payment_network",
      reason,
    };
    if (method) payment.payment_method = method;
    delete payment.confirmation;
  };

  const createPayment = (body: Json): [number, unknown] => {
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    if (
      typeof amount?.value !== "string" ||
      !/^\d+\.\d{2}$/.test(amount.value) ||
      typeof amount.currency !== "string"
    ) {
      return [400, errorBody("invalid_request", "Amount is invalid", "amount")];
    }
    const receiptProblem = checkReceipt(body.receipt, amount.value);
    if (receiptProblem) return [400, errorBody("invalid_request", receiptProblem, "receipt")];
    const payment: FakeYooKassaPayment = {
      id: randomUUID(),
      status: "pending",
      amount: { value: amount.value, currency: amount.currency },
      ...(typeof body.description === "string" ? { description: body.description } : {}),
      recipient: { account_id: shopId, gateway_id: "100700" },
      metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      paid: false,
      refundable: false,
      created_at: now(),
      test: true,
    };
    if (typeof body.payment_method_id === "string") {
      const method = savedMethods.get(body.payment_method_id);
      if (!method) return [400, errorBody("invalid_request", "Payment method not found", "payment_method_id")];
      if (renewalOutcome === "succeeded") markSucceeded(payment, method);
      else if (renewalOutcome === "canceled") markCanceled(payment, "insufficient_funds", method);
    } else {
      const confirmation = body.confirmation as { type?: unknown; return_url?: unknown } | undefined;
      if (confirmation?.type !== "redirect" || typeof confirmation.return_url !== "string") {
        return [400, errorBody("invalid_request", "Confirmation is required", "confirmation")];
      }
      payment.confirmation = {
        type: "redirect",
        return_url: confirmation.return_url,
        confirmation_url: `https://yoomoney.ru/checkout/payments/v2/contract?orderId=${payment.id}`,
      };
      payment.save_payment_method_requested = body.save_payment_method === true;
    }
    payments.set(payment.id, payment);
    return [200, payment];
  };

  const createRefund = (body: Json): [number, unknown] => {
    const payment = typeof body.payment_id === "string" ? payments.get(body.payment_id) : undefined;
    if (!payment) return [400, errorBody("invalid_request", "Payment not found", "payment_id")];
    if (payment.status !== "succeeded")
      return [400, errorBody("invalid_request", "Payment is not succeeded", "payment_id")];
    const amount = body.amount as { value?: unknown; currency?: unknown } | undefined;
    if (typeof amount?.value !== "string" || amount.currency !== payment.amount.currency) {
      return [400, errorBody("invalid_request", "Amount is invalid", "amount")];
    }
    const refunded = [...refunds.values()]
      .filter((refund) => refund.payment_id === payment.id && refund.status !== "canceled")
      .reduce((sum, refund) => sum + cents(refund.amount.value), 0);
    if (refunded + cents(amount.value) > cents(payment.amount.value)) {
      return [400, errorBody("invalid_request", "Refund amount exceeds the payment amount", "amount")];
    }
    const receiptProblem = checkReceipt(body.receipt, amount.value);
    if (receiptProblem) return [400, errorBody("invalid_request", receiptProblem, "receipt")];
    const refund: FakeYooKassaRefund = {
      id: randomUUID(),
      payment_id: payment.id,
      status: refundOutcome,
      amount: { value: amount.value, currency: amount.currency },
      created_at: now(),
      ...(typeof body.description === "string" ? { description: body.description } : {}),
    };
    refunds.set(refund.id, refund);
    return [200, refund];
  };

  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(body));
    };
    void readBody(request).then((raw) => {
      const path = new URL(request.url ?? "/", "http://fake").pathname.replace(/\/{2,}/g, "/");
      const method = request.method ?? "GET";
      const idempotenceKey = headerOf(request, "idempotence-key");
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({ method, path, idempotenceKey, body });
      if (request.headers.authorization !== expectedAuth) {
        return send(401, errorBody("invalid_credentials", "Authentication by given credentials failed"));
      }
      const one = /^\/v3\/(payments|refunds)\/([^/]+)$/.exec(path);
      if (method === "GET" && one) {
        const found = one[1] === "payments" ? payments.get(one[2] ?? "") : refunds.get(one[2] ?? "");
        return found ? send(200, found) : send(404, errorBody("not_found", "Object not found"));
      }
      if (method === "POST" && (path === "/v3/payments" || path === "/v3/refunds")) {
        if (!idempotenceKey)
          return send(400, errorBody("invalid_request", "Idempotence key is required", "Idempotence-Key"));
        if (idempotenceKey.length > MAX_IDEMPOTENCE_KEY_LENGTH) {
          return send(
            400,
            errorBody(
              "invalid_request",
              `Idempotence key is too long: at most ${MAX_IDEMPOTENCE_KEY_LENGTH} characters`,
              "Idempotence-Key",
            ),
          );
        }
        if (body === undefined || typeof body !== "object" || body === null) {
          return send(400, errorBody("invalid_request", "Request body is not valid JSON"));
        }
        const seen = byKey.get(idempotenceKey);
        const canonical = canonicalJson(body);
        if (seen) {
          if (seen.body !== canonical || seen.path !== path) {
            return send(
              400,
              errorBody("invalid_request", "Idempotence key duplicated with another request", "Idempotence-Key"),
            );
          }
          return send(seen.status, seen.answer);
        }
        const [status, answer] = path === "/v3/payments" ? createPayment(body as Json) : createRefund(body as Json);
        // the real API keeps the answer for the key (24 h), errors included
        byKey.set(idempotenceKey, { body: canonical, path, status, answer: structuredClone(answer) });
        return send(status, answer);
      }
      return send(404, errorBody("not_found", `No such method: ${method} ${path}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const paymentOf = (id: string) => {
    const payment = payments.get(id);
    if (!payment) throw new Error(`the fake YooKassa has no payment ${id}`);
    return payment;
  };

  return {
    url: `http://127.0.0.1:${port}/v3`,
    shopId,
    secretKey,
    payments,
    refunds,
    requests,
    succeed(paymentId) {
      const payment = paymentOf(paymentId);
      if (payment.status !== "pending") throw new Error(`payment ${paymentId} is ${payment.status}`);
      cards += 1;
      const saved = payment.save_payment_method_requested === true;
      const method: Json = {
        type: "bank_card",
        id: randomUUID(),
        saved,
        title: `Bank card *${String(4444 + cards).slice(-4)}`,
        card: {
          first6: "555555",
          last4: String(4444 + cards).slice(-4),
          expiry_month: "12",
          expiry_year: "2030",
          card_type: "MasterCard",
        },
      };
      if (saved) savedMethods.set(method.id as string, method);
      markSucceeded(payment, method);
      return payment;
    },
    cancel(paymentId, reason = "expired_on_confirmation") {
      const payment = paymentOf(paymentId);
      if (payment.status !== "pending") throw new Error(`payment ${paymentId} is ${payment.status}`);
      markCanceled(payment, reason);
      return payment;
    },
    setRenewalOutcome(outcome) {
      renewalOutcome = outcome;
    },
    setRefundOutcome(outcome) {
      refundOutcome = outcome;
    },
    completeRefund(refundId) {
      const refund = refunds.get(refundId);
      if (!refund) throw new Error(`the fake YooKassa has no refund ${refundId}`);
      refund.status = "succeeded";
      return refund;
    },
    notification(event, objectId) {
      const object = event.startsWith("refund.") ? refunds.get(objectId) : payments.get(objectId);
      return { type: "notification", event, object: structuredClone(object ?? { id: objectId }) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** YooKassa's limit on the Idempotence-Key header. */
export const MAX_IDEMPOTENCE_KEY_LENGTH = 64;

function cents(value: string): number {
  return Math.round(Number(value) * 100);
}

/** JSON with every object's keys sorted: two bodies that mean the same compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** What is wrong with a 54-FZ receipt for `total`, or null when it is well-formed. */
function checkReceipt(receipt: unknown, total: string): string | null {
  if (!receipt || typeof receipt !== "object") return "Receipt is required";
  const { customer, items } = receipt as { customer?: { email?: unknown; phone?: unknown }; items?: unknown };
  if (typeof customer?.email !== "string" && typeof customer?.phone !== "string") {
    return "Receipt customer needs an email or a phone";
  }
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) return "Receipt items are invalid";
  let sum = 0;
  for (const raw of items as Json[]) {
    const amount = raw.amount as { value?: unknown; currency?: unknown } | undefined;
    const quantity = Number(raw.quantity);
    if (typeof raw.description !== "string" || raw.description.length === 0 || raw.description.length > 128) {
      return "Receipt item description must be 1 to 128 characters";
    }
    if (!Number.isFinite(quantity) || quantity <= 0) return "Receipt item quantity is invalid";
    if (
      typeof amount?.value !== "string" ||
      !/^\d+\.\d{2}$/.test(amount.value) ||
      typeof amount.currency !== "string"
    ) {
      return "Receipt item amount is invalid";
    }
    if (!Number.isInteger(Number(raw.vat_code)) || Number(raw.vat_code) < 1 || Number(raw.vat_code) > 12) {
      return "Receipt item vat_code is invalid";
    }
    if (typeof raw.payment_subject !== "string" || typeof raw.payment_mode !== "string") {
      return "Receipt item needs payment_subject and payment_mode";
    }
    sum += Math.round(cents(amount.value) * quantity);
  }
  if (sum !== cents(total)) return "Receipt items do not add up to the amount";
  return null;
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
