// The app's screens and their paths. The bot links to "/" (the card) and "/scan" (the cashier's
// scanner opened from a keyboard button), with ?tenant=<slug>.
import { useSyncExternalStore } from "react";

export const routes = {
  card: "/",
  history: "/history",
  levels: "/levels",
  profile: "/profile",
  till: "/till",
  scan: "/scan",
} as const;

export type RouteName = keyof typeof routes;

export function routeFor(pathname: string): RouteName {
  const path = pathname.replace(/\/+$/, "") || "/";
  const found = (Object.keys(routes) as RouteName[]).find((name) => routes[name] === path);
  return found ?? "card";
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function useRoute(): RouteName {
  return useSyncExternalStore(subscribe, () => routeFor(window.location.pathname));
}

/** Goes to a screen, keeping the query (?tenant=...) and Telegram's launch hash. */
export function navigate(name: RouteName, options: { replace?: boolean } = {}) {
  const url = `${routes[name]}${window.location.search}${window.location.hash}`;
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  notify();
}
