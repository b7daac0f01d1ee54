// Signing in with e-mail and password through the throttle: a locked e-mail or IP is refused
// before the password is looked at, a wrong password counts against both, a right one clears
// the e-mail's count.
import { isServiceError } from "@maxl/shared";
import type { EngineDeps } from "../context.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import { type SignedInStaff, signInStaff } from "./sign-in.ts";

export async function signInWithPassword(
  deps: EngineDeps,
  throttle: LoginThrottle,
  credentials: { email: string; password: string; tenant?: string | undefined },
  ip: string | null,
): Promise<SignedInStaff> {
  const email = credentials.email.trim().toLowerCase();
  await throttle.assertOpen(email, ip);
  try {
    const staff = await signInStaff(deps, credentials);
    await throttle.recordSuccess(email);
    return staff;
  } catch (error) {
    if (isServiceError(error) && error.code === "UNAUTHORIZED") await throttle.recordFailure(email, ip);
    throw error;
  }
}
