// Telegram's native controls as React pieces, with in-page stand-ins where there is no Telegram
// client to draw them (development in a browser, end-to-end tests).
import { useEffect, useRef } from "react";
import { backButton, mainButton } from "./webapp.ts";

/** Shows Telegram's Back button while `onBack` is set. */
export function useBackButton(onBack: (() => void) | null) {
  const latest = useRef(onBack);
  latest.current = onBack;
  const shown = onBack !== null;
  useEffect(() => {
    if (!shown || !backButton.available()) return;
    return backButton.show(() => latest.current?.());
  }, [shown]);
}

export interface MainActionProps {
  text: string;
  onClick: () => void;
  enabled?: boolean;
  busy?: boolean;
}

/** The screen's main action: Telegram's MainButton inside Telegram, a full-width button elsewhere. */
export function MainAction({ text, onClick, enabled = true, busy = false }: MainActionProps) {
  const latest = useRef(onClick);
  latest.current = onClick;
  const native = mainButton.available();
  useEffect(() => {
    if (!native) return;
    return mainButton.show({ text, enabled, busy, onClick: () => latest.current() });
  }, [native, text, enabled, busy]);
  if (native) return null;
  return (
    <div className="main-action">
      <button type="button" className="button primary" disabled={!enabled || busy} aria-busy={busy} onClick={onClick}>
        {busy ? "…" : text}
      </button>
    </div>
  );
}
