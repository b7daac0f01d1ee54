// Shown when the app cannot know who the guest is: opened outside Telegram, with launch data the
// API refused (forged or too old), or without the restaurant in the link.
import { useT } from "../app/context.tsx";
import { closeApp } from "../telegram/webapp.ts";

export type ReopenReason = "notInTelegram" | "noTenant" | "expired" | "forged";

export function ReopenScreen({ reason, inTelegram }: { reason: ReopenReason; inTelegram: boolean }) {
  const t = useT();
  const text = {
    notInTelegram: t.errors.reopen,
    noTenant: t.errors.noTenant,
    expired: t.errors.expired,
    forged: t.errors.forged,
  }[reason];
  return (
    <div className="reopen" role="alert" data-testid="reopen">
      <div className="empty-icon" aria-hidden="true">
        🔐
      </div>
      <h1 className="screen-title">{t.errors.reopenTitle}</h1>
      <p>{text}</p>
      {inTelegram && (
        <button type="button" className="button primary" onClick={closeApp}>
          {t.errors.close}
        </button>
      )}
    </div>
  );
}
