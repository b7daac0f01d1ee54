// The admin view's pages and their hash paths (#/staff, #/link/<token>). Hash routing keeps every
// page on the one admin/index.html, whatever serves it. A page = one file under pages/, one entry
// here (its nav label is messages.nav[name], so the type asks for the texts too), and its texts.
import type { Permission } from "@maxl/api";
import { type ComponentType, type LazyExoticComponent, lazy, useSyncExternalStore } from "react";
import type { Messages } from "../i18n/messages.ts";

export type NavName = keyof Messages["nav"];

export interface NavPage {
  name: NavName;
  path: `/${string}`;
  /** shown in the nav, and opened, only for a role that holds it (the API checks it too) */
  permission: Permission;
  page: LazyExoticComponent<ComponentType>;
}

/** In nav order. The first one the role may see is the start page. */
export const navPages: readonly NavPage[] = [
  {
    name: "dashboard",
    path: "/dashboard",
    permission: "dashboard.read",
    page: lazy(() => import("../pages/DashboardPage.tsx")),
  },
  {
    name: "guests",
    path: "/guests",
    permission: "guests.list",
    page: lazy(() => import("../pages/GuestsPage.tsx")),
  },
  {
    name: "events",
    path: "/events",
    // Cashiers check guests in from the bot (/checkin); the admin page is for those who run events.
    permission: "events.manage",
    page: lazy(() => import("../pages/EventsPage.tsx")),
  },
  {
    name: "broadcasts",
    path: "/broadcasts",
    permission: "broadcasts.manage",
    page: lazy(() => import("../pages/BroadcastsPage.tsx")),
  },
  {
    name: "program",
    path: "/program",
    permission: "program.read",
    page: lazy(() => import("../pages/ProgramPage.tsx")),
  },
  {
    name: "staff",
    path: "/staff",
    permission: "staff.read",
    page: lazy(() => import("../pages/StaffPage.tsx")),
  },
  {
    name: "restaurants",
    path: "/restaurants",
    permission: "restaurants.read",
    page: lazy(() => import("../pages/RestaurantsPage.tsx")),
  },
  {
    name: "bot",
    path: "/bot",
    permission: "bot.manage",
    page: lazy(() => import("../pages/BotPage.tsx")),
  },
  {
    name: "integrations",
    path: "/integrations",
    permission: "integrations.read",
    page: lazy(() => import("../pages/IntegrationsPage.tsx")),
  },
  {
    name: "audit",
    path: "/audit",
    permission: "audit.read",
    page: lazy(() => import("../pages/AuditPage.tsx")),
  },
  {
    name: "billing",
    path: "/billing",
    permission: "billing.read",
    page: lazy(() => import("../pages/BillingPage.tsx")),
  },
];

/** A guest's page (#/guests/<id>): not in the nav; it lights up the guests entry. */
export const guestPage = lazy(() => import("../pages/GuestPage.tsx"));

/** An event's page (#/events/<id>): not in the nav; it lights up the events entry. */
export const eventPage = lazy(() => import("../pages/EventPage.tsx"));

/** Where YooKassa sends the owner back (#/billing/return?payment=<id>): not in the nav either. */
export const billingReturnPage = lazy(() => import("../pages/BillingReturnPage.tsx"));

export type Route =
  | { kind: "page"; page: NavPage }
  | { kind: "guest"; guestId: string }
  | { kind: "event"; eventId: string }
  | { kind: "billing-return"; paymentId: string | null }
  | { kind: "link"; token: string }
  | { kind: "sign-in" }
  | { kind: "home" };

export function routeFor(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\/+$/, "") || "/";
  const link = /^\/link\/([^/?#]+)$/.exec(path);
  if (link?.[1]) return { kind: "link", token: decodeURIComponent(link[1]) };
  const guest = /^\/guests\/([0-9a-fA-F-]{36})$/.exec(path);
  if (guest?.[1]) return { kind: "guest", guestId: guest[1] };
  const event = /^\/events\/([0-9a-fA-F-]{36})$/.exec(path);
  if (event?.[1]) return { kind: "event", eventId: event[1] };
  const billingReturn = /^\/billing\/return(?:\?(.*))?$/.exec(path);
  if (billingReturn) {
    return { kind: "billing-return", paymentId: new URLSearchParams(billingReturn[1] ?? "").get("payment") };
  }
  if (path === "/sign-in") return { kind: "sign-in" };
  const page = navPages.find((one) => one.path === path);
  return page ? { kind: "page", page } : { kind: "home" };
}

function subscribe(listener: () => void) {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return routeFor(hash);
}

export function hrefOf(path: string): string {
  return `#${path}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}) {
  if (options.replace) {
    window.history.replaceState(null, "", hrefOf(path));
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = path;
  }
}
