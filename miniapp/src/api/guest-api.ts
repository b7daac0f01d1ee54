// What the guest screens ask the API, typed end to end from the API's routes.
import { type Client, expectOk } from "./client.ts";

export function guestApi(client: Client, tenant: string) {
  const header = { "x-tenant": tenant };
  const me = client.api.v1.me;
  return {
    card: () => expectOk(me.card.$get({ header })),
    history: (cursor: string | null) =>
      expectOk(me.history.$get({ header, query: { limit: "30", ...(cursor ? { cursor } : {}) } })),
    levels: () => expectOk(me.levels.$get({ header })),
    profile: () => expectOk(me.profile.$get({ header })),
    updateProfile: (patch: ProfilePatch) => expectOk(me.profile.$patch({ header, json: patch })),
    /** a till-only staff token for the Telegram account, when it belongs to a staff member */
    staffSession: () => expectOk(client.api.v1.auth.telegram.$post({ header })),
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
