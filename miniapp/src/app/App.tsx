// The app's shell: decides what can be shown for this launch, then the guest's screens with the
// tab bar, or the staff till. Staff views are separate chunks, so a guest never loads them.
import { lazy, type ReactNode, Suspense, useEffect, useMemo } from "react";
import { useStore } from "zustand";
import { apiBaseUrl, createClient } from "../api/client.ts";
import { guestApi } from "../api/guest-api.ts";
import { Skeleton } from "../components/states.tsx";
import { messages } from "../i18n/messages.ts";
import { CardScreen } from "../screens/CardScreen.tsx";
import { type ReopenReason, ReopenScreen } from "../screens/ReopenScreen.tsx";
import { createGuestStore } from "../state/guest-store.ts";
import { useBackButton } from "../telegram/hooks.tsx";
import { haptic, type Launch, type Locale } from "../telegram/webapp.ts";
import { type AppServices, LocaleProvider, ServicesProvider, useT } from "./context.tsx";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { navigate, type RouteName, useRoute } from "./routes.ts";

// Only the card is in the first download (the budget is 100 KB of gzipped script); the other
// tabs load when first opened, the staff views only for staff.
const HistoryScreen = lazy(() => import("../screens/HistoryScreen.tsx"));
const LevelsScreen = lazy(() => import("../screens/LevelsScreen.tsx"));
const ProfileScreen = lazy(() => import("../screens/ProfileScreen.tsx"));
const EventsScreen = lazy(() => import("../screens/events/EventsScreen.tsx"));
const EventScreen = lazy(() => import("../screens/events/EventScreen.tsx"));
const TillScreen = lazy(() => import("../screens/staff/TillScreen.tsx"));
const ScanRelay = lazy(() => import("../screens/staff/ScanRelay.tsx"));

export interface AppProps {
  launch: Launch;
  /** the API's fetch; tests hand in one bound to an in-process API */
  fetch?: typeof fetch;
  baseUrl?: string;
}

function Frame({ locale, children }: { locale: Locale; children: ReactNode }) {
  const t = messages[locale];
  return (
    <LocaleProvider value={locale}>
      <ErrorBoundary message={t.crashed} retry={t.errors.retry}>
        <Suspense fallback={<Skeleton lines={3} />}>{children}</Suspense>
      </ErrorBoundary>
    </LocaleProvider>
  );
}

export function App(props: AppProps) {
  const { launch } = props;
  const route = useRoute();
  // A keyboard-button launch (the bot's till scanner) carries no launch data, only sendData.
  if (route === "scan" && !launch.initData && launch.inTelegram) {
    return (
      <Frame locale={launch.locale}>
        <ScanRelay />
      </Frame>
    );
  }
  if (!launch.initData || !launch.tenant) {
    return (
      <Frame locale={launch.locale}>
        <ReopenScreen reason={launch.initData ? "noTenant" : "notInTelegram"} inTelegram={launch.inTelegram} />
      </Frame>
    );
  }
  return <GuestApp {...props} tenant={launch.tenant} />;
}

// The API's message key for refused launch data, as the screen that explains it.
const reopenReasons: Record<string, ReopenReason> = {
  "init-data-expired": "expired",
  "init-data-tenant": "noTenant",
  "init-data-missing": "notInTelegram",
};

function GuestApp({ launch, tenant, fetch, baseUrl }: AppProps & { tenant: string }) {
  const services = useMemo<AppServices>(() => {
    const client = createClient({
      baseUrl: baseUrl ?? apiBaseUrl(),
      authorization: () => `tma ${launch.initData}`,
      ...(fetch ? { fetch } : {}),
    });
    const api = guestApi(client, tenant, launch.initData);
    return { launch, client, api, store: createGuestStore(api, launch.locale) };
  }, [launch, tenant, fetch, baseUrl]);
  const locale = useStore(services.store, (s) => s.locale);
  const refused = useStore(services.store, (s) =>
    s.profile.status === "failed" && s.profile.error.status === 401 ? s.profile.error : null,
  );
  useEffect(() => {
    void services.store.getState().loadProfile();
  }, [services]);
  return (
    <ServicesProvider services={services}>
      <Frame locale={locale}>
        {refused ? (
          <ReopenScreen reason={reopenReasons[refused.messageKey ?? ""] ?? "forged"} inTelegram={launch.inTelegram} />
        ) : (
          <Screens />
        )}
      </Frame>
    </ServicesProvider>
  );
}

type TabRoute = "card" | "events" | "history" | "levels" | "profile";

const tabs: { route: TabRoute; icon: string }[] = [
  { route: "card", icon: "💳" },
  { route: "events", icon: "🎉" },
  { route: "history", icon: "🧾" },
  { route: "levels", icon: "🏅" },
  { route: "profile", icon: "👤" },
];

function Screens() {
  const t = useT();
  const route = useRoute();
  useBackButton(
    route === "card" || route === "till" ? null : () => (route === "event" ? navigate("events") : navigate("card")),
  );
  if (route === "till" || route === "scan") return <TillScreen />;
  // An event's own screen belongs under the Events tab.
  const current: RouteName = route === "event" ? "events" : route;
  return (
    <>
      <main className="screen">
        {route === "card" && <CardScreen />}
        {route === "events" && <EventsScreen />}
        {route === "event" && <EventScreen />}
        {route === "history" && <HistoryScreen />}
        {route === "levels" && <LevelsScreen />}
        {route === "profile" && <ProfileScreen />}
      </main>
      <nav className="tabbar" aria-label={t.appTitle}>
        {tabs.map((tab) => (
          <button
            key={tab.route}
            type="button"
            className={current === tab.route ? "tab active" : "tab"}
            aria-current={current === tab.route ? "page" : undefined}
            onClick={() => {
              if (route === tab.route) return;
              haptic.select();
              navigate(tab.route);
            }}
          >
            <span aria-hidden="true">{tab.icon}</span>
            {t.tabs[tab.route]}
          </button>
        ))}
      </nav>
    </>
  );
}
