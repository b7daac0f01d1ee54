// "Sign out everywhere": a staff member who left a session open on someone else's computer, or
// fears a copy of it, ends all of theirs from the one they hold, the till's tokens from Telegram
// included. The session cookie names the member, so only a current session may do it: a token
// that was replaced or closed ends nothing and is refused, as a refresh would refuse it.
import { ServiceError } from "@maxl/shared";
import { recordAction } from "../audit/record-action.ts";
import type { EngineDeps } from "../context.ts";
import { hashSecret, parseToken } from "./session-token.ts";
import { endStaffAccess, type SessionMeta } from "./staff-sessions.ts";

const noSession = () =>
  new ServiceError("UNAUTHORIZED", "Your session has ended. Sign in again.", { key: "session-ended" });

export async function signOutEverywhere(
  deps: EngineDeps,
  token: string | undefined,
  meta: SessionMeta,
): Promise<{ sessionsEnded: number }> {
  const parsed = parseToken(token);
  if (!parsed) throw noSession();
  const at = deps.clock();
  return deps.db.withTenant(parsed.tenantId, async (tx) => {
    const session = await tx.staffSession.findFirst({
      where: {
        tenantId: parsed.tenantId,
        id: parsed.id,
        tokenHash: hashSecret(parsed.secret),
        revokedAt: null,
        expiresAt: { gt: at },
      },
      include: { staff: true },
    });
    if (!session?.staff.isActive) throw noSession();
    const sessionsEnded = await endStaffAccess(tx, parsed.tenantId, session.staffId, "signed_out_everywhere", at);
    const actor = { source: "admin" as const, staffId: session.staffId, role: session.staff.role, ...meta };
    await recordAction(
      tx,
      parsed.tenantId,
      actor,
      "auth.signed_out_everywhere",
      "staff",
      session.staffId,
      { sessionId: session.id, sessionsEnded },
      { at },
    );
    return { sessionsEnded };
  });
}
