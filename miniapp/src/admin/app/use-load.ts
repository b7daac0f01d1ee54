// Loading one thing a page shows from the API, with its loading / failed / ready states and a
// reload after a change.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "../api/client.ts";

export type Loaded<T> =
  | { status: "loading" }
  | { status: "failed"; error: ApiError }
  | { status: "ready"; data: T; reloading: boolean };

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> & { reload(): void } {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [round, setRound] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when to load again
  useEffect(() => {
    let live = true;
    setState((previous) => (previous.status === "ready" ? { ...previous, reloading: true } : { status: "loading" }));
    latest.current().then(
      (data) => live && setState({ status: "ready", data, reloading: false }),
      (error: ApiError) => live && setState({ status: "failed", error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
