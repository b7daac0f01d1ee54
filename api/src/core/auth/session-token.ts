// The opaque tokens of admin-view sessions and of invitation / password links:
// `<tenant id>.<row id>.<secret>`. The ids say where to look (so the lookup runs inside the
// tenant's row-level security, with no cross-tenant search); only the secret's SHA-256 is stored,
// so a database dump does not hand out sessions or links.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OpaqueToken {
  tenantId: string;
  id: string;
  secret: string;
}

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function formatToken(token: OpaqueToken): string {
  return `${token.tenantId}.${token.id}.${token.secret}`;
}

/** The parts of a token, or null for anything that is not one. */
export function parseToken(value: string | undefined | null): OpaqueToken | null {
  const [tenantId, id, secret, extra] = (value ?? "").split(".");
  if (extra !== undefined || !tenantId || !id || !secret) return null;
  if (!uuid.test(tenantId) || !uuid.test(id) || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  return { tenantId, id, secret };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string | null): boolean {
  if (b === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
