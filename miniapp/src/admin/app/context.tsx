// What every admin page reaches for: the typed API client (signed in) and the session.
import { createContext, type ReactNode, useContext } from "react";
import { useStore } from "zustand";
import type { AdminClient } from "../api/client.ts";
import type { Profile, SessionState, SessionStore } from "../state/session-store.ts";

export interface AdminServices {
  api: AdminClient;
  session: SessionStore;
}

const ServicesContext = createContext<AdminServices | null>(null);

export function ServicesProvider({ services, children }: { services: AdminServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): AdminServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside ServicesProvider");
  return services;
}

export function useSession<T>(selector: (state: SessionState) => T): T {
  return useStore(useServices().session, selector);
}

/** The signed-in member; pages render only when there is one. */
export function useProfile(): Profile {
  const profile = useSession((s) => s.profile);
  if (!profile) throw new Error("a page rendered without a signed-in member");
  return profile;
}
