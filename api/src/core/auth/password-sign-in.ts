// Signing in with e-mail and password through the throttle: a locked e-mail or IP is refused
// before the password is looked at, a wrong password counts against both, a right one clears
// the e-mail's count. A miss that locks the e-mail is audited in every business where the
// e-mail belongs to an active member, so an owner sees someone guessing at a colleague's password.
import { isServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { EngineDeps } from "../context.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import { type SignedInStaff, signInStaff } from "./sign-in.ts";
import type { SessionMeta } from "./staff-sessions.ts";

export async function signInWithPassword(
  deps: EngineDeps,
  throttle: LoginThrottle,
  credentials: { email: string; password: string; tenant?: string | undefined },
  meta: SessionMeta,
): Promise<SignedInStaff> {
  const email = credentials.email.trim().toLowerCase();
  await throttle.assertOpen(email, meta.ip);
  try {
    const staff = await signInStaff(deps, credentials);
    await throttle.recordSuccess(email);
    return staff;
  } catch (error) {
    if (isServiceError(error) && error.code === "UNAUTHORIZED") {
      const lock = await throttle.recordFailure(email, meta.ip);
      if (lock) await recordLockout(deps, email, meta, lock);
    }
    throw error;
  }
}

async function recordLockout(
  deps: EngineDeps,
  email: string,
  meta: SessionMeta,
  lock: { failures: number; lockedForSeconds: number },
): Promise<void> {
  const at = deps.clock();
  // Whoever typed the passwords is not known to be the member: the row's actor is the system.
  const actor = { source: "system" as const, ...meta };
  for (const tenantId of await deps.db.staffTenantsByEmail(email)) {
    await deps.db.withTenant(tenantId, async (tx) => {
      const staff = await tx.staffUser.findUnique({ where: { tenantId_email: { tenantId, email } } });
      if (!staff) return;
      await recordAction(tx, tenantId, actor, "auth.locked_out", "staff", staff.id, lock, { at });
    });
  }
}
