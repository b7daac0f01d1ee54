// A browser's part in front of the in-process API: a cookie jar (paths and deletion respected,
// as the refresh cookie lives only on /api/v1/auth) and a record of which paths were called.
import { expect } from "vitest";
import type { TestApp } from "../../../api/test/support.ts";

export interface BrowserFetch {
  fetch: typeof fetch;
  /** the readable maxl_csrf cookie, as the page reads it from document.cookie */
  csrf(): string | null;
  cookies: Map<string, { value: string; path: string }>;
  calls: string[];
}

export const baseUrl = "http://admin.test/";

export function browserFetch(test: () => TestApp): BrowserFetch {
  const cookies = new Map<string, { value: string; path: string }>();
  const calls: string[] = [];
  const fetchApp: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    calls.push(`${request.method} ${pathname}`);
    const sent = [...cookies].filter(([, c]) => pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`);
    if (sent.length > 0) request.headers.set("Cookie", sent.join("; "));
    const response = await test().app.fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1) ?? null;
      const maxAge = attribute("max-age");
      const expires = attribute("expires");
      const gone = value === "" || maxAge === "0" || (expires !== null && new Date(expires) < new Date());
      if (gone) cookies.delete(name);
      else cookies.set(name, { value, path: attribute("path") ?? "/" });
    }
    return response;
  };
  return {
    fetch: fetchApp,
    csrf: () => {
      const value = cookies.get("maxl_csrf")?.value;
      return value ? decodeURIComponent(value) : null;
    },
    cookies,
    calls,
  };
}

/** A browser signed in to the admin view as `staff`, its session cookie in the jar. */
export async function signedInBrowser(
  test: () => TestApp,
  staff: { email: string; password: string },
): Promise<BrowserFetch> {
  const browser = browserFetch(test);
  const response = await browser.fetch(`${baseUrl}api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: staff.email, password: staff.password }),
  });
  expect(response.status).toBe(200);
  return browser;
}
