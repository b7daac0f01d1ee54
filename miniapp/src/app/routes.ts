// The app's screens and their paths. The bot links to "/" (the card) and "/scan" (the cashier's
// scanner opened from a keyboard button), with ?tenant=<slug>. A path may carry one value, written
// ":name" in the table (an event's id); the screen reads it with useRouteParam.
import { useSyncExternalStore } from "react";

export const routes = {
  card: "/",
  history: "/history",
  levels: "/levels",
  profile: "/profile",
  events: "/events",
  event: "/events/:eventId",
  till: "/till",
  scan: "/scan",
} as const;

export type RouteName = keyof typeof routes;

type ParamOf<Path extends string> = Path extends `${string}/:${infer Name}` ? Name : never;
export type RouteParams<N extends RouteName> = Record<ParamOf<(typeof routes)[N]>, string>;

interface NavigateOptions {
  replace?: boolean;
}

/** A route with a value in its path needs it; the others take only the options. */
type NavigateArgs<N extends RouteName> = [ParamOf<(typeof routes)[N]>] extends [never]
  ? [options?: NavigateOptions]
  : [params: RouteParams<N>, options?: NavigateOptions];

interface Match {
  name: RouteName;
  params: Record<string, string>;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const value = got[index] ?? "";
    if (part.startsWith(":")) {
      if (!value) return null;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) return null;
  }
  return params;
}

function matchPath(pathname: string): Match {
  const path = pathname.replace(/\/+$/, "") || "/";
  for (const name of Object.keys(routes) as RouteName[]) {
    const params = match(routes[name], path);
    if (params) return { name, params };
  }
  return { name: "card", params: {} };
}

export function routeFor(pathname: string): RouteName {
  return matchPath(pathname).name;
}

/** The path of a screen, with its value filled in. */
export function pathOf<N extends RouteName>(name: N, params?: RouteParams<N>): string {
  return routes[name].replace(/:(\w+)$/, (_, param: string) =>
    encodeURIComponent((params as Record<string, string> | undefined)?.[param] ?? ""),
  );
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

/** A value from the current path ("/events/:eventId" -> the id), or null on another screen. */
export function useRouteParam(param: string): string | null {
  return useSyncExternalStore(subscribe, () => matchPath(window.location.pathname).params[param] ?? null);
}

/** Goes to a screen, keeping the query (?tenant=...) and Telegram's launch hash. */
export function navigate<N extends RouteName>(name: N, ...args: NavigateArgs<N>) {
  const hasParam = routes[name].includes(":");
  const params = (hasParam ? args[0] : undefined) as RouteParams<N> | undefined;
  const options = ((hasParam ? args[1] : args[0]) ?? {}) as NavigateOptions;
  const url = `${pathOf(name, params)}${window.location.search}${window.location.hash}`;
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  notify();
}
