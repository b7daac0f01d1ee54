// The shapes a page takes while it has no data: loading, empty, failed.
import type { ReactNode } from "react";
import type { ApiError } from "../api/client.ts";
import { errorText, useT } from "../i18n/locale.ts";

export function Loading() {
  const t = useT();
  return (
    <div className="state" aria-busy="true" role="status">
      <span className="spinner" aria-hidden="true" />
      {t.common.loading}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="state empty" role="status">
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const t = useT();
  return (
    <div className="state failed" role="alert">
      <p>{errorText(error, t)}</p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          {t.common.retry}
        </button>
      )}
    </div>
  );
}
