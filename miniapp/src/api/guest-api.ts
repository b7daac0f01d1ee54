// What the guest screens ask the API, typed end to end from the API's routes.
import { type Client, expectOk } from "./client.ts";
import { type EarlyRequest, takeEarlyRequest } from "./early-requests.ts";

/** `initData`: the launch's own, to take the answers index.html asked for early with it */
export function guestApi(client: Client, tenant: string, initData = "") {
  const header = { "x-tenant": tenant };
  const me = client.api.v1.me;
  // The early answer is a plain Response of the same route, so it reads as the client's would.
  const early = <T>(name: EarlyRequest, call: () => T): T =>
    (takeEarlyRequest(name, { initData, tenant }) as T | null) ?? call();
  return {
    card: () => expectOk(early("card", () => me.card.$get({ header }))),
    history: (cursor: string | null) =>
      expectOk(me.history.$get({ header, query: { limit: "30", ...(cursor ? { cursor } : {}) } })),
    levels: () => expectOk(me.levels.$get({ header })),
    profile: () => expectOk(early("profile", () => me.profile.$get({ header }))),
    updateProfile: (patch: ProfilePatch) => expectOk(me.profile.$patch({ header, json: patch })),
    /** a till-only staff token for the Telegram account, when it belongs to a staff member */
    staffSession: () => expectOk(client.api.v1.auth.telegram.$post({ header })),
    /** upcoming published events with the guest's own standing, soonest first */
    events: () => expectOk(me.events.$get({ header })),
    event: (eventId: string) => expectOk(me.events[":eventId"].$get({ header, param: { eventId } })),
    /**
     * Registers, paying the price in points, or joins the waitlist when every place is taken. The
     * key is drawn when the guest is asked and reused on a retry, so a double tap pays once.
     */
    register: (eventId: string, key: string) =>
      expectOk(
        me.events[":eventId"].registration.$post({ header: { ...header, "idempotency-key": key }, param: { eventId } }),
      ),
    /** Cancels the registration or leaves the waitlist; repeating it changes nothing, so it takes no key. */
    cancelRegistration: (eventId: string) =>
      expectOk(me.events[":eventId"].registration.$delete({ header, param: { eventId } })),
    /**
     * Where an event's cover loads from (public, so a plain <img> can show it). The API sets an
     * event's `coverUrl`, a path from its own root, only when there is a cover; this is the same
     * address on the client's base URL, so it works with the API on another origin too.
     */
    coverSrc: (eventId: string) =>
      client.api.v1.events[":eventId"].cover.$url({ param: { eventId }, query: { tenant } }).toString(),
  };
}

export interface ProfilePatch {
  name?: string;
  birthday?: string;
  locale?: "ru" | "en";
  notificationsEnabled?: boolean;
}

export type GuestApi = ReturnType<typeof guestApi>;
export type GuestCard = Awaited<ReturnType<GuestApi["card"]>>;
export type HistoryPage = Awaited<ReturnType<GuestApi["history"]>>;
export type HistoryItem = HistoryPage["items"][number];
export type LevelsTable = Awaited<ReturnType<GuestApi["levels"]>>;
export type Profile = Awaited<ReturnType<GuestApi["profile"]>>;
export type StaffSession = Awaited<ReturnType<GuestApi["staffSession"]>>;
export type GuestEvent = Awaited<ReturnType<GuestApi["event"]>>;
