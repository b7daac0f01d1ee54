// The Idempotence-Keys billing sends YooKassa. YooKassa takes at most 64 characters, and the
// readable names of our requests are longer ("renewal:<tenant uuid>:<ISO period end>:<attempt>"
// is about 71, a refund's about 117), so what is sent is a UUID derived from the readable name
// (the same name always gives the same key), and the name is stored beside it for people
// (billing_payments.idempotence_label, billing_refunds.idempotence_label).
import { createHash } from "node:crypto";

/** YooKassa refuses a longer Idempotence-Key. */
export const YOOKASSA_MAX_KEY_LENGTH = 64;

/** A UUID (version 8, RFC 9562) derived from a name: its first 122 bits are the name's SHA-256. */
export function keyFromLabel(label: string): string {
  const hex = createHash("sha256").update(label).digest("hex");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A checkout: the tenant and the client's Idempotency-Key. Its key is also our payment's id. */
export const checkoutLabel = (tenantId: string, clientKey: string) => `checkout:${tenantId}:${clientKey}`;

/** A renewal: the period it pays from and the attempt (a declined one increments it). */
export const renewalLabel = (tenantId: string, periodEnd: Date, attempt: number) =>
  `renewal:${tenantId}:${periodEnd.toISOString()}:${attempt}`;

/** A refund: the payment and the client's Idempotency-Key. */
export const refundLabel = (tenantId: string, paymentId: string, clientKey: string) =>
  `refund:${tenantId}:${paymentId}:${clientKey}`;
