// The signed-in staff member and their session. The access token lives only here, in memory
// (never localStorage: a script injected into the page could read that). The session itself is
// the httpOnly refresh cookie: on page load it is renewed with the CSRF token from the readable
// maxl_csrf cookie, shortly before the access token lapses it is renewed again, and a 401 from
// any call renews it once; when renewal fails the sign-in page shows why.
import type { Permission } from "@maxl/api";
import { createStore, type StoreApi } from "zustand/vanilla";
import { type AdminClient, call, createAdminClient, ProblemError } from "../api/client.ts";

export type StaffRole = "owner" | "admin" | "manager" | "cashier";

export interface Profile {
  staff: { id: string; name: string; email: string; role: StaffRole };
  /** timeZone: the IANA zone the business's times are shown and entered in */
  tenant: { id: string; slug: string; name: string; timeZone: string };
  permissions: string[];
  /** null: every restaurant */
  restaurantIds: string[] | null;
}

/** Why the sign-in page is shown: the API's messageKey (or its detail) for the session's end. */
export interface SignOutReason {
  messageKey: string | null;
  detail: string;
}

export interface SessionState {
  status: "restoring" | "signed-out" | "signed-in";
  profile: Profile | null;
  accessToken: string | null;
  reason: SignOutReason | null;
  /** on page load: the session the cookie still holds, if any */
  restore(): Promise<void>;
  /** throws the ProblemError for the form (401, 409 with tenants, 422, 429) */
  signIn(input: { email: string; password: string; tenant?: string }): Promise<void>;
  /** an invitation or password link: set the password and be signed in */
  acceptLink(input: { token: string; password: string; name?: string }): Promise<void>;
  signOut(): Promise<void>;
  /**
   * ends every session of the member (this one, other browsers, the till) and lands on sign-in;
   * throws, staying signed in, when the API could not be reached
   */
  signOutEverywhere(): Promise<void>;
  /** a new access token from the session cookie; null when the session is over (single flight) */
  renew(): Promise<string | null>;
  /** stops the renewal timer (tests, unmount) */
  dispose(): void;
}

export type SessionStore = StoreApi<SessionState>;

export interface SessionDeps {
  baseUrl: string;
  /** the plain fetch (cookies go along: the API is on the page's origin) */
  fetch: typeof fetch;
  /** the CSRF token of the current session, from the maxl_csrf cookie */
  readCsrf(): string | null;
  /** how long before the access token's end to renew it; 60 s */
  renewEarlySeconds?: number;
}

export function csrfFromCookie(cookie: string = document.cookie): string | null {
  for (const part of cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "maxl_csrf") return decodeURIComponent(value.join("="));
  }
  return null;
}

type SignedIn = Profile & { accessToken: string; expiresIn: number; csrfToken: string };

export function can(profile: Profile | null, permission: Permission): boolean {
  return !!profile?.permissions.includes(permission);
}

export function createSessionStore(deps: SessionDeps): SessionStore {
  const api: AdminClient = createAdminClient(deps.baseUrl, deps.fetch);
  let csrf: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<string | null> | null = null;
  const early = deps.renewEarlySeconds ?? 60;

  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  return createStore<SessionState>((set, get) => {
    const signedIn = (body: SignedIn) => {
      csrf = body.csrfToken;
      const { staff, tenant, permissions, restaurantIds } = body;
      set({
        status: "signed-in",
        profile: { staff, tenant, permissions, restaurantIds },
        accessToken: body.accessToken,
        reason: null,
      });
      stopTimer();
      timer = setTimeout(() => void get().renew(), Math.max(5, body.expiresIn - early) * 1000);
    };
    const signedOut = (reason: SignOutReason | null) => {
      csrf = null;
      stopTimer();
      set({ status: "signed-out", profile: null, accessToken: null, reason });
    };

    const refresh = async (): Promise<SignedIn> => {
      const token = csrf ?? deps.readCsrf() ?? "";
      const once = () => call(api.api.v1.auth.refresh.$post({ header: { "x-csrf-token": token } }));
      try {
        return await once();
      } catch (error) {
        // Another tab renewed the same session at this moment; its new cookie is ours too.
        if (error instanceof ProblemError && error.status === 409) return once();
        throw error;
      }
    };

    const renewNow = async (): Promise<string | null> => {
      try {
        const body = await refresh();
        signedIn(body);
        return body.accessToken;
      } catch (error) {
        if (error instanceof ProblemError && (error.status === 401 || error.status === 403)) {
          signedOut({ messageKey: error.messageKey, detail: error.message });
          return null;
        }
        throw error;
      }
    };

    return {
      status: "restoring",
      profile: null,
      accessToken: null,
      reason: null,
      async restore() {
        if (!deps.readCsrf()) {
          signedOut(null);
          return;
        }
        try {
          await get().renew();
        } catch {
          // Offline or the API is down: the sign-in page, which says so when it is used.
          signedOut(null);
        }
      },
      async signIn(input) {
        signedIn(await call(api.api.v1.auth.login.$post({ json: input })));
      },
      async acceptLink(input) {
        signedIn(await call(api.api.v1.auth.links.accept.$post({ json: input })));
      },
      async signOut() {
        const token = csrf ?? deps.readCsrf() ?? "";
        try {
          await call(api.api.v1.auth.logout.$post({ header: { "x-csrf-token": token } }));
        } finally {
          signedOut(null);
        }
      },
      async signOutEverywhere() {
        const token = csrf ?? deps.readCsrf() ?? "";
        try {
          await call(api.api.v1.auth.sessions["revoke-all"].$post({ header: { "x-csrf-token": token } }));
        } catch (error) {
          // No session left to end (it was already over): signed out all the same, told why.
          if (error instanceof ProblemError && error.status === 401) {
            signedOut({ messageKey: error.messageKey, detail: error.message });
            return;
          }
          throw error;
        }
        // The sign-in page says what happened, in the words a refresh elsewhere would use.
        signedOut({
          messageKey: "session-signed-out-everywhere",
          detail: "You signed out on all devices, so this session was closed. Sign in again.",
        });
      },
      renew() {
        inflight ??= renewNow().finally(() => {
          inflight = null;
        });
        return inflight;
      },
      dispose: stopTimer,
    };
  });
}
