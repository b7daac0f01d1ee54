// How a guest shows who they are at the till: a single-use QR token that rotates every minute
// and a 6-digit code that lasts a few minutes, both kept only in Redis. Showing the card again
// returns the current ones while they have time left, and new ones when they are about to lapse.
// Using one consumes it; a rotated QR token stops working at once.
import { randomBytes, randomInt } from "node:crypto";
import type { EngineDeps } from "../context.ts";

export interface GuestTokens {
  qr: { token: string; expiresAt: string };
  code: { code: string; expiresAt: string };
}

// Below these the current token is replaced rather than shown: a QR must survive the walk to
// the till, a code the time it takes to read it out.
const QR_MIN_LEFT_MS = 15_000;
const CODE_MIN_LEFT_MS = 60_000;

// Deletes a QR token only if it belongs to the tenant asking, so staff of one tenant cannot burn
// another tenant's guest's code by trying it.
const CONSUME_QR = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ':' then
  redis.call('DEL', KEYS[1])
  return value
end
return false`;

function keys(deps: EngineDeps) {
  const prefix = `${deps.settings.redisPrefix}:idn`;
  return {
    qr: (token: string) => `${prefix}:qr:${token}`,
    code: (tenantId: string, code: string) => `${prefix}:code:${tenantId}:${code}`,
    guest: (tenantId: string, guestId: string) => `${prefix}:guest:${tenantId}:${guestId}`,
  };
}

export async function currentGuestTokens(
  deps: EngineDeps,
  tenantId: string,
  guestId: string,
  options: { rotate?: boolean } = {},
): Promise<GuestTokens> {
  const k = keys(deps);
  const now = deps.clock().getTime();
  const current = await deps.redis.hgetall(k.guest(tenantId, guestId));
  const qrExpires = Number(current.qrExpiresAt ?? 0);
  const codeExpires = Number(current.codeExpiresAt ?? 0);
  let qr = { token: current.qr ?? "", expiresAt: qrExpires };
  let code = { code: current.code ?? "", expiresAt: codeExpires };
  const liveQr = qr.token !== "" && (await deps.redis.exists(k.qr(qr.token))) === 1;
  const liveCode = code.code !== "" && (await deps.redis.exists(k.code(tenantId, code.code))) === 1;

  // "Refresh" asks for new ones even while the current ones are live.
  if (options.rotate || !liveQr || qrExpires - now < QR_MIN_LEFT_MS) {
    if (qr.token) await deps.redis.del(k.qr(qr.token));
    const token = `mlq_${randomBytes(18).toString("base64url")}`;
    await deps.redis.set(k.qr(token), `${tenantId}:${guestId}`, "EX", deps.settings.qrTtlSeconds);
    qr = { token, expiresAt: now + deps.settings.qrTtlSeconds * 1000 };
  }
  if (options.rotate || !liveCode || codeExpires - now < CODE_MIN_LEFT_MS) {
    if (code.code) await deps.redis.del(k.code(tenantId, code.code));
    code = { code: await claimCode(deps, tenantId, guestId), expiresAt: now + deps.settings.codeTtlSeconds * 1000 };
  }
  await deps.redis
    .multi()
    .hset(k.guest(tenantId, guestId), {
      qr: qr.token,
      qrExpiresAt: String(qr.expiresAt),
      code: code.code,
      codeExpiresAt: String(code.expiresAt),
    })
    .pexpireat(k.guest(tenantId, guestId), Math.max(qr.expiresAt, code.expiresAt))
    .exec();
  return {
    qr: { token: qr.token, expiresAt: new Date(qr.expiresAt).toISOString() },
    code: { code: code.code, expiresAt: new Date(code.expiresAt).toISOString() },
  };
}

/** A 6-digit code no other guest of the tenant holds right now. */
async function claimCode(deps: EngineDeps, tenantId: string, guestId: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // Never a leading zero: r_keeper carries the card number as an integer and would drop it.
    const code = String(randomInt(100_000, 1_000_000));
    const set = await deps.redis.set(
      keys(deps).code(tenantId, code),
      guestId,
      "EX",
      deps.settings.codeTtlSeconds,
      "NX",
    );
    if (set === "OK") return code;
  }
  throw new Error("could not find a free 6-digit code");
}

/** The guest a QR token names, if it is live and belongs to this tenant; the token is used up. */
export async function consumeQrToken(deps: EngineDeps, tenantId: string, token: string): Promise<string | null> {
  if (!/^mlq_[A-Za-z0-9_-]{10,64}$/.test(token)) return null;
  const value = (await deps.redis.eval(CONSUME_QR, 1, keys(deps).qr(token), tenantId)) as string | null;
  return value ? (value.split(":")[1] ?? null) : null;
}

/** The guest a 6-digit code names, if it is live; the code is used up. */
export async function consumeGuestCode(deps: EngineDeps, tenantId: string, code: string): Promise<string | null> {
  if (!/^\d{6}$/.test(code)) return null;
  return deps.redis.getdel(keys(deps).code(tenantId, code));
}

/**
 * The guest a live 6-digit code names, without using it up. A POS may present the same code
 * twice for one check (r_keeper asks for the card, then sends the check), so it only reads.
 */
export async function peekGuestCode(deps: EngineDeps, tenantId: string, code: string): Promise<string | null> {
  if (!/^\d{6}$/.test(code)) return null;
  return deps.redis.get(keys(deps).code(tenantId, code));
}

/** The guest a live QR token of this tenant names, without using it up (see peekGuestCode). */
export async function peekQrToken(deps: EngineDeps, tenantId: string, token: string): Promise<string | null> {
  if (!/^mlq_[A-Za-z0-9_-]{10,64}$/.test(token)) return null;
  const value = await deps.redis.get(keys(deps).qr(token));
  if (!value?.startsWith(`${tenantId}:`)) return null;
  return value.slice(tenantId.length + 1) || null;
}
