// Staff sign in with an e-mail and a password. The e-mail is looked up across tenants only to
// learn which tenants to check (staff_tenants_by_email); the password is then checked within
// each tenant's own scope. One e-mail may work for several restaurant businesses: if the
// password fits more than one, the caller names the tenant.
import { randomBytes } from "node:crypto";
import { hashPassword, verifyPassword } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import type { EngineDeps, StaffRole } from "../context.ts";

export interface SignedInStaff {
  staffId: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  /** the IANA zone the business's times are shown and entered in */
  tenantTimeZone: string;
  name: string;
  email: string;
  role: StaffRole;
  /** what the access token carries (core/auth/staff-access.ts) */
  accessGeneration: number;
}

// A hash of a random password, checked when no account matches, so that a wrong e-mail takes as
// long to refuse as a wrong password and does not reveal who has an account.
let decoyHash: Promise<string> | undefined;
const decoy = () => {
  decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return decoyHash;
};

export async function signInStaff(
  deps: EngineDeps,
  credentials: { email: string; password: string; tenant?: string | undefined },
): Promise<SignedInStaff> {
  const email = credentials.email.trim().toLowerCase();
  const tenantIds = await deps.db.staffTenantsByEmail(email);
  const matches: SignedInStaff[] = [];
  for (const tenantId of tenantIds) {
    const staff = await deps.db.withTenant(tenantId, (tx) =>
      tx.staffUser.findUnique({ where: { tenantId_email: { tenantId, email } }, include: { tenant: true } }),
    );
    if (!staff?.passwordHash || !staff.isActive) continue;
    if (credentials.tenant && staff.tenant.slug !== credentials.tenant) continue;
    if (await verifyPassword(staff.passwordHash, credentials.password)) {
      matches.push({
        staffId: staff.id,
        tenantId,
        tenantSlug: staff.tenant.slug,
        tenantName: staff.tenant.name,
        tenantTimeZone: staff.tenant.timeZone,
        name: staff.name,
        email: staff.email,
        role: staff.role,
        accessGeneration: staff.accessGeneration,
      });
    }
  }
  if (tenantIds.length === 0) await verifyPassword(await decoy(), credentials.password);
  const [only] = matches;
  if (!only) throw new ServiceError("UNAUTHORIZED", "Wrong e-mail or password.", { key: "sign-in-wrong" });
  if (matches.length > 1) {
    throw new ServiceError("CONFLICT", "This e-mail works for several businesses; choose one.", {
      key: "sign-in-choose-business",
      details: { tenants: matches.map((match) => ({ slug: match.tenantSlug, name: match.tenantName })) },
    });
  }
  await deps.db.withTenant(only.tenantId, (tx) =>
    tx.staffUser.update({
      where: { tenantId_id: { tenantId: only.tenantId, id: only.staffId } },
      data: { lastLoginAt: deps.clock() },
    }),
  );
  return only;
}
