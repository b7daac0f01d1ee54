// The card's first two requests, started by a small script in index.html before the app's own
// script has loaded (on a slow phone, parsing the bundle takes longer than the API takes to
// answer). The app takes each answer once, and only if it was asked with the same launch data
// and for the same business as the app's own; anything else is asked again the usual way.

export type EarlyRequest = "card" | "profile";

interface EarlyRequests {
  initData: string;
  tenant: string;
  card?: Promise<Response>;
  profile?: Promise<Response>;
}

declare global {
  interface Window {
    __maxlEarly?: EarlyRequests;
  }
}

/** The answer started early for `name`, once; null when there is none for this launch. */
export function takeEarlyRequest(
  name: EarlyRequest,
  launch: { initData: string; tenant: string },
  holder: { __maxlEarly?: EarlyRequests } = typeof window === "undefined" ? {} : window,
): Promise<Response> | null {
  const early = holder.__maxlEarly;
  if (!early || early.initData !== launch.initData || early.tenant !== launch.tenant) return null;
  const response = early[name];
  if (!response) return null;
  delete early[name];
  return response;
}
