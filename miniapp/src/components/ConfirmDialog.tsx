// A question before a change to the guest's points or places, drawn by the app (the app has no
// helper for Telegram's native popup). It sits over the screen and the tab bar; "Yes" stays
// disabled while the answer is on its way, so a second tap does nothing.
import { useEffect, useId, useRef } from "react";

export interface ConfirmDialogProps {
  text: string;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  destructive?: boolean;
}

export function ConfirmDialog({
  text,
  confirm,
  cancel,
  onConfirm,
  onCancel,
  busy = false,
  destructive = false,
}: ConfirmDialogProps) {
  const textId = useId();
  const yes = useRef<HTMLButtonElement>(null);
  const latestCancel = useRef(onCancel);
  latestCancel.current = onCancel;
  useEffect(() => {
    yes.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") latestCancel.current();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-describedby={textId}>
        <p id={textId} className="confirm-text">
          {text}
        </p>
        <button
          ref={yes}
          type="button"
          className={`button wide ${destructive ? "destructive" : "primary"}`}
          disabled={busy}
          aria-busy={busy}
          onClick={onConfirm}
        >
          {busy ? "…" : confirm}
        </button>
        <button type="button" className="button secondary wide" disabled={busy} onClick={onCancel}>
          {cancel}
        </button>
      </div>
    </div>
  );
}
