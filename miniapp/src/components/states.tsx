// The shapes a screen takes while it has no data: loading skeletons, empty and error states.
import type { ReactNode } from "react";
import type { ApiError } from "../api/client.ts";
import { useT } from "../app/context.tsx";

export function Skeleton({ lines = 3, tall = false }: { lines?: number; tall?: boolean }) {
  return (
    <div className="skeleton" aria-busy="true" aria-live="polite">
      {tall && <div className="skeleton-block" />}
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton-line" style={{ width: `${90 - i * 17}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({ icon, children }: { icon: string; children: ReactNode }) {
  return (
    <div className="empty" role="status">
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <p>{children}</p>
    </div>
  );
}

/** The guest-facing sentence for a failed call: the API's own message when it has one for them. */
export function useErrorText(): (error: ApiError) => string {
  const t = useT();
  return (error) => {
    if (error.messageKey && t.errors.keys[error.messageKey]) return t.errors.keys[error.messageKey] ?? error.message;
    if (error.status === 0) return t.errors.network;
    if (error.status === 429) return t.errors.tooMany;
    if (error.status >= 500) return t.errors.server;
    return error.message;
  };
}

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const t = useT();
  const text = useErrorText();
  return (
    <div className="error-state" role="alert">
      <div className="empty-icon" aria-hidden="true">
        ⚠️
      </div>
      <p>{text(error)}</p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          {t.errors.retry}
        </button>
      )}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuenow={percent}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
