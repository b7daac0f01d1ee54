// The admin view's shell: restores the session, then shows the link page, the sign-in page, or
// the signed-in layout with the page the hash names (if the role may see it).
import { Suspense, useEffect, useMemo } from "react";
import { ErrorBoundary } from "../../app/ErrorBoundary.tsx";
import { authenticatedFetch, createAdminClient } from "../api/client.ts";
import { Loading } from "../components/states.tsx";
import { Toasts } from "../components/toast.tsx";
import { useT } from "../i18n/locale.ts";
import { LinkPage } from "../pages/LinkPage.tsx";
import { SignInPage } from "../pages/SignInPage.tsx";
import { can, createSessionStore, csrfFromCookie } from "../state/session-store.ts";
import { type AdminServices, ServicesProvider, useSession } from "./context.tsx";
import { Layout } from "./Layout.tsx";
import { billingReturnPage, eventPage, guestPage, navigate, navPages, useRoute } from "./routes.ts";

export interface AdminAppProps {
  /** where the API is; the page's own origin by default */
  baseUrl?: string;
  /** tests hand in a fetch bound to an in-process API */
  fetch?: typeof fetch;
  readCsrf?: () => string | null;
}

export function createServices(props: AdminAppProps): AdminServices {
  const baseUrl = props.baseUrl ?? new URL(import.meta.env.VITE_API_URL || "/", window.location.origin).toString();
  // Called as a plain function: window.fetch refuses to run with another `this`.
  const plain: typeof fetch = props.fetch ?? ((input, init) => fetch(input, init));
  const session = createSessionStore({ baseUrl, fetch: plain, readCsrf: props.readCsrf ?? (() => csrfFromCookie()) });
  const api = createAdminClient(
    baseUrl,
    authenticatedFetch(plain, {
      accessToken: () => session.getState().accessToken,
      renew: () => session.getState().renew(),
    }),
  );
  return { api, session };
}

export function AdminApp(props: AdminAppProps) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: one set of services for the page's life
  const services = useMemo(() => createServices(props), []);
  useEffect(() => {
    void services.session.getState().restore();
    return () => services.session.getState().dispose();
  }, [services]);
  return (
    <ServicesProvider services={services}>
      <Screens />
      <Toasts />
    </ServicesProvider>
  );
}

function Screens() {
  const t = useT();
  const route = useRoute();
  const status = useSession((s) => s.status);
  const profile = useSession((s) => s.profile);
  const allowed = navPages.filter((page) => can(profile, page.permission));
  const start = allowed[0];
  const wrongPlace =
    status === "signed-in" &&
    (route.kind === "home" ||
      route.kind === "sign-in" ||
      (route.kind === "page" && !allowed.includes(route.page)) ||
      (route.kind === "guest" && !can(profile, "guests.read")) ||
      (route.kind === "event" && !can(profile, "events.manage")) ||
      (route.kind === "billing-return" && !can(profile, "billing.read")));
  useEffect(() => {
    if (wrongPlace && start) navigate(start.path, { replace: true });
  }, [wrongPlace, start]);

  if (route.kind === "link") return <LinkPage token={route.token} />;
  if (status === "restoring") {
    return (
      <main className="centered">
        <p className="muted">{t.signIn.restoring}</p>
      </main>
    );
  }
  if (status === "signed-out") return <SignInPage />;
  if (route.kind === "guest" && !wrongPlace) {
    const GuestPage = guestPage;
    return (
      <Layout current="guests">
        <ErrorBoundary key={route.guestId} message={t.errors.crashed} retry={t.common.retry}>
          <Suspense fallback={<Loading />}>
            <GuestPage guestId={route.guestId} />
          </Suspense>
        </ErrorBoundary>
      </Layout>
    );
  }
  if (route.kind === "event" && !wrongPlace) {
    const EventPage = eventPage;
    return (
      <Layout current="events">
        <ErrorBoundary key={route.eventId} message={t.errors.crashed} retry={t.common.retry}>
          <Suspense fallback={<Loading />}>
            <EventPage eventId={route.eventId} />
          </Suspense>
        </ErrorBoundary>
      </Layout>
    );
  }
  if (route.kind === "billing-return" && !wrongPlace) {
    const BillingReturnPage = billingReturnPage;
    return (
      <Layout current="billing">
        <ErrorBoundary key="billing-return" message={t.errors.crashed} retry={t.common.retry}>
          <Suspense fallback={<Loading />}>
            <BillingReturnPage paymentId={route.paymentId} />
          </Suspense>
        </ErrorBoundary>
      </Layout>
    );
  }
  if (route.kind !== "page" || wrongPlace) return <Layout current={null} />;
  const Page = route.page.page;
  return (
    <Layout current={route.page.name}>
      <ErrorBoundary key={route.page.name} message={t.errors.crashed} retry={t.common.retry}>
        <Suspense fallback={<Loading />}>
          <Page />
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
