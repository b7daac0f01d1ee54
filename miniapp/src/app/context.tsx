// What every screen reaches for: the store, the API and the texts in the guest's language.
import { createContext, type ReactNode, useContext } from "react";
import { useStore } from "zustand";
import type { Client } from "../api/client.ts";
import type { GuestApi } from "../api/guest-api.ts";
import { type Messages, messages } from "../i18n/messages.ts";
import type { GuestState, GuestStore } from "../state/guest-store.ts";
import type { Launch, Locale } from "../telegram/webapp.ts";

export interface AppServices {
  launch: Launch;
  client: Client;
  api: GuestApi;
  store: GuestStore;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside ServicesProvider");
  return services;
}

export function useGuest<T>(selector: (state: GuestState) => T): T {
  return useStore(useServices().store, selector);
}

/** The guest's language: the one saved in their profile, else Telegram's. */
const LocaleContext = createContext<Locale>("ru");
export const LocaleProvider = LocaleContext.Provider;

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT(): Messages {
  return messages[useLocale()];
}
