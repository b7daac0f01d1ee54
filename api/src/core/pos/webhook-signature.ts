// The generic POS webhook's signature (ARCHITECTURE.md section 5): X-Timestamp is unix seconds,
// X-Signature is "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). The timestamp is
// inside the signed text, so a captured request cannot be replayed after the tolerance; the raw
// bytes are signed, so a proxy re-serialising the JSON breaks it (as it should).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { PosIntegration } from "./integrations.ts";

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch"; detail: string };

export function signPosBody(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest("hex")}`;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secrets a request may be signed with now: the current one, and the previous in its grace. */
export function acceptedSecrets(integration: PosIntegration, now: Date): string[] {
  const previous = integration.previousSecret;
  return previous && previous.validUntil > now ? [integration.secret, previous.value] : [integration.secret];
}

export function checkPosSignature(
  integration: PosIntegration,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Uint8Array,
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) {
    return { ok: false, reason: "missing", detail: "Sign the request: send X-Timestamp and X-Signature." };
  }
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/i.test(signature)) {
    return {
      ok: false,
      reason: "malformed",
      detail: "X-Timestamp must be unix seconds and X-Signature must be sha256=<64 hex digits>.",
    };
  }
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > toleranceSeconds) {
    return {
      ok: false,
      reason: "stale",
      detail: `X-Timestamp is ${Math.round(skew)} s away from our clock; at most ${toleranceSeconds} s is accepted. Check the POS clock.`,
    };
  }
  const given = signature.toLowerCase();
  const matches = acceptedSecrets(integration, now).some((secret) =>
    sameSignature(signPosBody(secret, timestamp, body), given),
  );
  return matches
    ? { ok: true }
    : { ok: false, reason: "mismatch", detail: "The signature does not match this integration's secret." };
}

/** Compares a presented token (iiko's authToken, r_keeper's URL token) with the accepted ones. */
export function tokenMatches(integration: PosIntegration, presented: string | null, now: Date): boolean {
  if (!presented) return false;
  return acceptedSecrets(integration, now).some((secret) => sameSignature(secret, presented));
}
