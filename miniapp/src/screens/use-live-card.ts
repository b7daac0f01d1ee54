// Keeps the open card current: a fresh QR token before the old one lapses, and the balance soon
// after a cashier scans it. Paused while the app is hidden; refreshed at once when shown again.
import { useEffect } from "react";
import { useServices } from "../app/context.tsx";
import { nextCardRefreshMs } from "../state/guest-store.ts";

export function useLiveCard() {
  const { store } = useServices();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = () => {
      clearTimeout(timer);
      const { card } = store.getState();
      const delay = card.status === "ready" ? nextCardRefreshMs(card.data, Date.now()) : 10_000;
      timer = setTimeout(tick, delay);
    };
    const tick = async () => {
      if (stopped || document.hidden) return;
      await store.getState().loadCard({ quiet: true });
      if (!stopped) schedule();
    };
    const onVisibility = () => {
      if (document.hidden) clearTimeout(timer);
      else void tick();
    };
    if (store.getState().card.status === "idle") void store.getState().loadCard().then(schedule);
    else schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [store]);
}
