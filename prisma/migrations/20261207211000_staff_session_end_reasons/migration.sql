-- Three more ways a session ends, so that a refresh of an ended session can tell its member why:
-- an owner or admin issued them a password reset (password_reset), ended their sessions from the
-- staff page (ended_by_admin), or they signed out everywhere themselves (signed_out_everywhere).
ALTER TABLE "staff_sessions" DROP CONSTRAINT "staff_sessions_revoked_reason";
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_revoked_reason" CHECK (
  "revoked_reason" IS NULL OR "revoked_reason" IN (
    'signed_out', 'reuse_detected', 'password_changed', 'deactivated',
    'password_reset', 'ended_by_admin', 'signed_out_everywhere'
  )
);
