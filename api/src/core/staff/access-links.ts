// Invitation and password links. An owner or admin invites a staff member by e-mail address:
// the member opens the link, sets a password and is signed in. The same kind of link resets a
// forgotten password (an owner issues it; nobody is e-mailed by us, the owner passes it on).
// A link works once, for a limited time, and issuing a new one retires the member's older ones.
import { hashPassword } from "@maxl/db";
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { formatToken, hashSecret, newSecret, parseToken, sameHash } from "../auth/session-token.ts";
import type { SignedInStaff } from "../auth/sign-in.ts";
import { revokeStaffSessions, staffIdentity } from "../auth/staff-sessions.ts";
import type { EngineDeps } from "../context.ts";

export type LinkPurpose = "invite" | "reset";

const TTL_HOURS: Record<LinkPurpose, number> = { invite: 7 * 24, reset: 24 };

export const PASSWORD_MIN_LENGTH = 10;

type Tx = Parameters<Parameters<EngineDeps["db"]["withTenant"]>[1]>[0];

export interface IssuedLink {
  token: string;
  purpose: LinkPurpose;
  expiresAt: Date;
}

/** Where the link points: the admin view's page that reads it (the token stays out of server logs). */
export function accessLinkUrl(adminUrl: string, token: string): string {
  return `${adminUrl.replace(/\/?$/, "/")}#/link/${token}`;
}

export async function issueAccessLink(
  tx: Tx,
  link: { tenantId: string; staffId: string; purpose: LinkPurpose; createdByStaffId: string | null; at: Date },
): Promise<IssuedLink> {
  const id = uuidv7();
  const secret = newSecret();
  const expiresAt = new Date(link.at.getTime() + TTL_HOURS[link.purpose] * 3_600_000);
  await tx.staffAccessLink.updateMany({
    where: { tenantId: link.tenantId, staffId: link.staffId, usedAt: null, expiresAt: { gt: link.at } },
    data: { expiresAt: link.at },
  });
  await tx.staffAccessLink.create({
    data: {
      tenantId: link.tenantId,
      id,
      staffId: link.staffId,
      purpose: link.purpose,
      tokenHash: hashSecret(secret),
      expiresAt,
      createdByStaffId: link.createdByStaffId,
      createdAt: link.at,
    },
  });
  return { token: formatToken({ tenantId: link.tenantId, id, secret }), purpose: link.purpose, expiresAt };
}

const unusable = () =>
  new ServiceError("NOT_FOUND", "This link has expired or has already been used. Ask an owner for a new one.", {
    key: "link-unusable",
  });

async function usableLink(tx: Tx, token: string, at: Date) {
  const parsed = parseToken(token);
  if (!parsed) throw unusable();
  const link = await tx.staffAccessLink.findUnique({
    where: { tenantId_id: { tenantId: parsed.tenantId, id: parsed.id } },
    include: { staff: { include: { tenant: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= at || !sameHash(hashSecret(parsed.secret), link.tokenHash)) {
    throw unusable();
  }
  if (!link.staff.isActive) throw unusable();
  return link;
}

/** What the link page shows before the password is chosen. */
export async function describeAccessLink(deps: EngineDeps, token: string) {
  const parsed = parseToken(token);
  if (!parsed) throw unusable();
  const link = await deps.db.withTenant(parsed.tenantId, (tx) => usableLink(tx, token, deps.clock()));
  return {
    purpose: link.purpose as LinkPurpose,
    email: link.staff.email,
    name: link.staff.name,
    role: link.staff.role,
    tenant: { slug: link.staff.tenant.slug, name: link.staff.tenant.name },
    expiresAt: link.expiresAt,
  };
}

/** Sets the password the link was for and signs the member in. Every older session is closed. */
export async function acceptAccessLink(
  deps: EngineDeps,
  request: { token: string; password: string; name?: string | undefined; ip: string | null; userAgent: string | null },
): Promise<SignedInStaff> {
  const parsed = parseToken(request.token);
  if (!parsed) throw unusable();
  assertPasswordAcceptable(request.password);
  const passwordHash = await hashPassword(request.password);
  const at = deps.clock();
  return deps.db.withTenant(parsed.tenantId, async (tx) => {
    const link = await usableLink(tx, request.token, at);
    // Conditional on used_at: of two submissions of one link, exactly one sets the password.
    const { count } = await tx.staffAccessLink.updateMany({
      where: { tenantId: parsed.tenantId, id: link.id, usedAt: null },
      data: { usedAt: at },
    });
    if (count === 0) throw unusable();
    const name = request.name?.trim();
    await tx.staffUser.update({
      where: { tenantId_id: { tenantId: parsed.tenantId, id: link.staffId } },
      // A new password ends every access token minted before it (core/auth/staff-access.ts).
      data: { passwordHash, ...(name ? { name } : {}), lastLoginAt: at, accessGeneration: { increment: 1 } },
    });
    await revokeStaffSessions(tx, parsed.tenantId, link.staffId, "password_changed", at);
    await tx.auditLogEntry.create({
      data: {
        tenantId: parsed.tenantId,
        createdAt: at,
        actorKind: "staff",
        actorStaffId: link.staffId,
        action: link.purpose === "invite" ? "staff.invite_accepted" : "staff.password_reset",
        entityType: "staff",
        entityId: link.staffId,
        ip: request.ip,
        userAgent: request.userAgent,
      },
    });
    const staff = await staffIdentity(tx, parsed.tenantId, link.staffId);
    if (!staff) throw unusable();
    return staff;
  });
}

export function assertPasswordAcceptable(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > 200) {
    throw new ServiceError("VALIDATION", `The password must be ${PASSWORD_MIN_LENGTH} to 200 characters long.`, {
      fields: [{ path: "password", message: `must be ${PASSWORD_MIN_LENGTH} to 200 characters` }],
      key: "password-length",
    });
  }
}
