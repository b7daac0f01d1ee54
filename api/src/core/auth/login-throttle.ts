// Slows down password guessing. Wrong passwords for one e-mail are counted (for a day); from the
// LOGIN_LOCK_AFTER-th in a row the e-mail is locked for a minute, doubling with each further
// miss up to an hour. While locked even the right password is refused, so the lock is not an
// oracle, and an e-mail with no account is counted the same way, so the lock does not reveal
// which e-mails have one. A separate, larger budget per IP address stops one machine from
// trying one password against many e-mails. A correct sign-in clears the e-mail's count.
import { ServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";

const FAILURE_WINDOW_SECONDS = 24 * 3600;
const FIRST_LOCK_MS = 60_000;
const LONGEST_LOCK_MS = 3_600_000;
const IP_FAILURES_PER_HOUR = 100;

export interface LoginThrottle {
  /** refuses (RATE_LIMITED, with retryAfterSeconds) while the e-mail or the IP is locked */
  assertOpen(email: string, ip: string | null): Promise<void>;
  /** counts a wrong password; the lock it set, if this miss locked the e-mail */
  recordFailure(email: string, ip: string | null): Promise<{ failures: number; lockedForSeconds: number } | null>;
  recordSuccess(email: string): Promise<void>;
  /** after a password is set through a link: the owner of the e-mail proved who they are */
  clear(email: string): Promise<void>;
}

export function createLoginThrottle(deps: EngineDeps, lockAfter: number): LoginThrottle {
  const prefix = `${deps.settings.redisPrefix}:login`;
  const keys = (email: string) => ({ failures: `${prefix}:fail:${email}`, lock: `${prefix}:lock:${email}` });
  const ipKey = (ip: string) => `${prefix}:ip:${ip}`;
  const locked = (seconds: number) =>
    new ServiceError(
      "RATE_LIMITED",
      `Too many wrong passwords. Try again in ${seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`}, or ask an owner to send you a password link.`,
      { key: "login-locked", details: { retryAfterSeconds: seconds }, vars: { seconds } },
    );
  return {
    async assertOpen(email, ip) {
      const lockMs = await deps.redis.pttl(keys(email).lock);
      if (lockMs > 0) throw locked(Math.ceil(lockMs / 1000));
      if (ip) {
        const failures = Number((await deps.redis.get(ipKey(ip))) ?? 0);
        if (failures >= IP_FAILURES_PER_HOUR) {
          const ttl = await deps.redis.ttl(ipKey(ip));
          throw locked(Math.max(ttl, 1));
        }
      }
    },
    async recordFailure(email, ip) {
      const { failures, lock } = keys(email);
      const results = await deps.redis.multi().incr(failures).expire(failures, FAILURE_WINDOW_SECONDS).exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      if (ip) {
        await deps.redis.multi().incr(ipKey(ip)).expire(ipKey(ip), 3600, "NX").exec();
      }
      if (count < lockAfter) return null;
      const lockMs = Math.min(FIRST_LOCK_MS * 2 ** (count - lockAfter), LONGEST_LOCK_MS);
      await deps.redis.set(lock, "1", "PX", lockMs);
      return { failures: count, lockedForSeconds: lockMs / 1000 };
    },
    async recordSuccess(email) {
      await deps.redis.del(keys(email).failures);
    },
    async clear(email) {
      const { failures, lock } = keys(email);
      await deps.redis.del(failures, lock);
    },
  };
}
