// Admin-view sessions. Signing in starts one (a row per sign-in); each refresh rotates its
// token, keeping the previous hash. A token that is neither the current nor (within a few
// seconds) the previous one for its session has been copied: whoever holds it and whoever
// holds the current one cannot both be the staff member, so the session is revoked for both
// (refresh-token reuse detection). The few seconds cover two tabs refreshing at once: the
// later one gets CONFLICT and retries with the cookie the earlier one already received.
import { ServiceError } from "@maxl/shared";
import { uuidv7 } from "uuidv7";
import { recordAction } from "../audit/record-action.ts";
import type { EngineDeps, StaffRole } from "../context.ts";
import { formatToken, hashSecret, newSecret, parseToken, sameHash } from "./session-token.ts";
import type { SignedInStaff } from "./sign-in.ts";

/** How long a replaced token still counts as a concurrent refresh rather than reuse. */
const RACE_GRACE_MS = 10_000;

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface StartedSession {
  /** the refresh token, for the httpOnly cookie */
  token: string;
  sessionId: string;
  expiresAt: Date;
}

const signedOut = () =>
  new ServiceError("UNAUTHORIZED", "Your session has ended. Sign in again.", { key: "session-ended" });

// Why a session ended, for the sign-in page: a deactivated member should learn that signing in
// again will not help, one whose password changed that someone set a new one, and one whose
// sessions someone ended who did it.
function endedBecause(reason: string | null): ServiceError {
  switch (reason) {
    case "deactivated":
      return new ServiceError("UNAUTHORIZED", "Your account has been deactivated. Ask an owner or admin.", {
        key: "account-deactivated",
      });
    case "password_changed":
      return new ServiceError("UNAUTHORIZED", "Your password was changed, so this session was closed. Sign in again.", {
        key: "session-password-changed",
      });
    case "password_reset":
      return new ServiceError(
        "UNAUTHORIZED",
        "An owner or admin issued a password reset for you, so this session was closed. Sign in again, or set a new password with the link they give you.",
        { key: "session-password-reset" },
      );
    case "ended_by_admin":
      return new ServiceError("UNAUTHORIZED", "An owner or admin ended your sessions. Sign in again.", {
        key: "session-ended-by-admin",
      });
    case "signed_out_everywhere":
      return new ServiceError("UNAUTHORIZED", "You signed out everywhere, so this session was closed. Sign in again.", {
        key: "session-signed-out-everywhere",
      });
    default:
      return signedOut();
  }
}

/** How a session was opened, as the audit log says it. */
export type SignInMethod = "password" | "link";

export async function startStaffSession(
  deps: EngineDeps,
  staff: { tenantId: string; staffId: string; role: StaffRole },
  meta: SessionMeta,
  lifetimeDays: number,
  method: SignInMethod,
): Promise<StartedSession> {
  const at = deps.clock();
  const id = uuidv7();
  const secret = newSecret();
  const expiresAt = new Date(at.getTime() + lifetimeDays * 86_400_000);
  await deps.db.withTenant(staff.tenantId, async (tx) => {
    await tx.staffSession.create({
      data: {
        tenantId: staff.tenantId,
        id,
        staffId: staff.staffId,
        tokenHash: hashSecret(secret),
        expiresAt,
        ip: meta.ip,
        userAgent: meta.userAgent,
        createdAt: at,
        lastUsedAt: at,
      },
    });
    const actor = { source: "admin" as const, staffId: staff.staffId, role: staff.role, ...meta };
    await recordAction(
      tx,
      staff.tenantId,
      actor,
      "auth.signed_in",
      "staff",
      staff.staffId,
      { method, sessionId: id },
      {
        at,
      },
    );
  });
  return { token: formatToken({ tenantId: staff.tenantId, id, secret }), sessionId: id, expiresAt };
}

/** Rotates the session's token; the staff member as they are now, and the new token. */
export async function refreshStaffSession(
  deps: EngineDeps,
  token: string | undefined,
  meta: SessionMeta,
  lifetimeDays: number,
): Promise<{ staff: SignedInStaff; session: StartedSession }> {
  const parsed = parseToken(token);
  if (!parsed) throw signedOut();
  const at = deps.clock();
  const presented = hashSecret(parsed.secret);
  const secret = newSecret();
  const expiresAt = new Date(at.getTime() + lifetimeDays * 86_400_000);
  const outcome = await deps.db.withTenant(parsed.tenantId, async (tx) => {
    const session = await tx.staffSession.findUnique({
      where: { tenantId_id: { tenantId: parsed.tenantId, id: parsed.id } },
    });
    if (!session || session.expiresAt <= at) return { kind: "ended" as const, reason: null };
    if (session.revokedAt) return { kind: "ended" as const, reason: session.revokedReason };
    if (!sameHash(presented, session.tokenHash)) {
      const raced =
        sameHash(presented, session.previousTokenHash) &&
        session.rotatedAt !== null &&
        at.getTime() - session.rotatedAt.getTime() < RACE_GRACE_MS;
      if (raced) return { kind: "raced" as const };
      await revokeSession(tx, parsed.tenantId, session.id, "reuse_detected", at);
      await tx.auditLogEntry.create({
        data: {
          tenantId: parsed.tenantId,
          createdAt: at,
          actorKind: "system",
          action: "auth.session_reuse_detected",
          entityType: "staff",
          entityId: session.staffId,
          ip: meta.ip,
          userAgent: meta.userAgent,
          changes: { sessionId: session.id, signedInAt: session.createdAt.toISOString() },
        },
      });
      return { kind: "reused" as const };
    }
    const staff = await staffIdentity(tx, parsed.tenantId, session.staffId);
    if (!staff) {
      await revokeSession(tx, parsed.tenantId, session.id, "deactivated", at);
      return { kind: "ended" as const, reason: "deactivated" };
    }
    // Conditional on the hash it read: of two refreshes racing with the same token, one wins.
    const { count } = await tx.staffSession.updateMany({
      where: { tenantId: parsed.tenantId, id: session.id, tokenHash: session.tokenHash, revokedAt: null },
      data: {
        tokenHash: hashSecret(secret),
        previousTokenHash: session.tokenHash,
        rotatedAt: at,
        expiresAt,
        lastUsedAt: at,
        ip: meta.ip,
        userAgent: meta.userAgent,
      },
    });
    if (count === 0) return { kind: "raced" as const };
    return { kind: "rotated" as const, staff };
  });
  if (outcome.kind === "raced") {
    throw new ServiceError("CONFLICT", "The session was refreshed at the same moment elsewhere; try again.", {
      key: "session-raced",
    });
  }
  if (outcome.kind === "reused") {
    throw new ServiceError(
      "UNAUTHORIZED",
      "This session was used from somewhere else after it was renewed, so it has been closed everywhere. Sign in again; if it was not you, change your password.",
      { key: "session-reused" },
    );
  }
  if (outcome.kind === "ended") throw endedBecause(outcome.reason);
  return {
    staff: outcome.staff,
    session: {
      token: formatToken({ tenantId: parsed.tenantId, id: parsed.id, secret }),
      sessionId: parsed.id,
      expiresAt,
    },
  };
}

/** Signs out the session the token belongs to; a token that is no longer current does nothing. */
export async function endStaffSession(deps: EngineDeps, token: string | undefined, meta: SessionMeta): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) return;
  const at = deps.clock();
  await deps.db.withTenant(parsed.tenantId, async (tx) => {
    const where = { tenantId: parsed.tenantId, id: parsed.id, tokenHash: hashSecret(parsed.secret), revokedAt: null };
    const session = await tx.staffSession.findFirst({ where, include: { staff: true } });
    if (!session) return;
    const { count } = await tx.staffSession.updateMany({ where, data: { revokedAt: at, revokedReason: "signed_out" } });
    if (count === 0) return;
    const actor = { source: "admin" as const, staffId: session.staffId, role: session.staff.role, ...meta };
    await recordAction(
      tx,
      parsed.tenantId,
      actor,
      "auth.signed_out",
      "staff",
      session.staffId,
      {
        sessionId: session.id,
      },
      { at },
    );
  });
}

/** The session id a refresh token names (for the CSRF token bound to it), or null. */
export function sessionOfToken(token: string | undefined): { tenantId: string; sessionId: string } | null {
  const parsed = parseToken(token);
  return parsed ? { tenantId: parsed.tenantId, sessionId: parsed.id } : null;
}

type Tx = Parameters<Parameters<EngineDeps["db"]["withTenant"]>[1]>[0];
export type RevokeReason =
  | "signed_out"
  | "reuse_detected"
  | "password_changed"
  | "deactivated"
  | "password_reset"
  | "ended_by_admin"
  | "signed_out_everywhere";

async function revokeSession(tx: Tx, tenantId: string, id: string, reason: RevokeReason, at: Date) {
  await tx.staffSession.updateMany({
    where: { tenantId, id, revokedAt: null },
    data: { revokedAt: at, revokedReason: reason },
  });
}

/** Closes every open session of a staff member (deactivated, or a new password set). */
export async function revokeStaffSessions(
  tx: Tx,
  tenantId: string,
  staffId: string,
  reason: RevokeReason,
  at: Date,
): Promise<number> {
  const { count } = await tx.staffSession.updateMany({
    where: { tenantId, staffId, revokedAt: null },
    data: { revokedAt: at, revokedReason: reason },
  });
  return count;
}

/**
 * Ends everything a member is signed in with, at once: every access token (admin view and till
 * alike) by bumping the access generation (core/auth/staff-access.ts), and every refresh session.
 * Runs in the caller's transaction; the number of sessions closed, for the audit row.
 */
export async function endStaffAccess(
  tx: Tx,
  tenantId: string,
  staffId: string,
  reason: RevokeReason,
  at: Date,
): Promise<number> {
  await tx.staffUser.update({
    where: { tenantId_id: { tenantId, id: staffId } },
    data: { accessGeneration: { increment: 1 } },
  });
  return revokeStaffSessions(tx, tenantId, staffId, reason, at);
}

/** An active staff member as a signed-in session names them; null if deactivated or gone. */
export async function staffIdentity(tx: Tx, tenantId: string, staffId: string): Promise<SignedInStaff | null> {
  const staff = await tx.staffUser.findUnique({
    where: { tenantId_id: { tenantId, id: staffId } },
    include: { tenant: true },
  });
  if (!staff?.isActive || staff.tenant.status === "suspended") return null;
  return {
    staffId: staff.id,
    tenantId,
    tenantSlug: staff.tenant.slug,
    tenantName: staff.tenant.name,
    tenantTimeZone: staff.tenant.timeZone,
    name: staff.name,
    email: staff.email,
    role: staff.role as StaffRole,
    accessGeneration: staff.accessGeneration,
  };
}
