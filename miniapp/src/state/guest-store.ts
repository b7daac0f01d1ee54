// The guest's data in one zustand store, one slice per screen. Created per app instance (no
// module singleton), so each test builds its own against the real API.
import { createStore } from "zustand/vanilla";
import { ApiError } from "../api/client.ts";
import type { GuestApi, GuestCard, HistoryItem, LevelsTable, Profile, ProfilePatch } from "../api/guest-api.ts";
import type { Locale } from "../telegram/webapp.ts";

export type Load<T> =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "ready"; data: T }
  | { status: "failed"; error: ApiError };

export interface BalanceChange {
  delta: number;
  /** to tell two equal changes apart */
  seq: number;
}

export interface GuestState {
  locale: Locale;
  profile: Load<Profile>;
  card: Load<GuestCard>;
  /** the last balance change seen while the card was open (a cashier just accrued, say) */
  change: BalanceChange | null;
  levels: Load<LevelsTable>;
  history: {
    items: HistoryItem[];
    nextCursor: string | null;
    status: "idle" | "loading" | "ready" | "failed";
    error: ApiError | null;
  };
  loadProfile(): Promise<void>;
  saveProfile(patch: ProfilePatch): Promise<Profile>;
  loadCard(options?: { quiet?: boolean }): Promise<void>;
  loadLevels(): Promise<void>;
  loadMoreHistory(): Promise<void>;
  reloadHistory(): Promise<void>;
}

const asApiError = (error: unknown) =>
  error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));

export function createGuestStore(api: GuestApi, initialLocale: Locale) {
  let changeSeq = 0;
  return createStore<GuestState>()((set, get) => ({
    locale: initialLocale,
    profile: { status: "idle" },
    card: { status: "idle" },
    change: null,
    levels: { status: "idle" },
    history: { items: [], nextCursor: null, status: "idle", error: null },

    async loadProfile() {
      set({ profile: { status: "loading" } });
      try {
        const profile = await api.profile();
        set({ profile: { status: "ready", data: profile }, locale: profile.locale ?? get().locale });
      } catch (error) {
        set({ profile: { status: "failed", error: asApiError(error) } });
      }
    },

    async saveProfile(patch) {
      const profile = await api.updateProfile(patch);
      set({ profile: { status: "ready", data: profile }, locale: profile.locale ?? get().locale });
      return profile;
    },

    async loadCard({ quiet = false } = {}) {
      const before = get().card;
      // A quiet refresh keeps the card on screen; a failure then keeps the last good card too.
      if (!quiet || before.status !== "ready") set({ card: { status: "loading" } });
      try {
        const card = await api.card();
        const previous = before.status === "ready" ? before.data.balance : null;
        const delta = previous === null ? 0 : card.balance - previous;
        set({
          card: { status: "ready", data: card },
          ...(delta !== 0 ? { change: { delta, seq: ++changeSeq } } : {}),
        });
        // The history and levels moved with the balance: load them afresh when next shown.
        if (delta !== 0) {
          set({ history: { items: [], nextCursor: null, status: "idle", error: null }, levels: { status: "idle" } });
        }
      } catch (error) {
        if (quiet && before.status === "ready") return;
        set({ card: { status: "failed", error: asApiError(error) } });
      }
    },

    async loadLevels() {
      set({ levels: { status: "loading" } });
      try {
        set({ levels: { status: "ready", data: await api.levels() } });
      } catch (error) {
        set({ levels: { status: "failed", error: asApiError(error) } });
      }
    },

    async loadMoreHistory() {
      const { history } = get();
      if (history.status === "loading" || (history.status === "ready" && history.nextCursor === null)) return;
      set({ history: { ...history, status: "loading", error: null } });
      try {
        const page = await api.history(history.nextCursor);
        const known = new Set(history.items.map((item) => item.id));
        set({
          history: {
            items: [...history.items, ...page.items.filter((item) => !known.has(item.id))],
            nextCursor: page.nextCursor,
            status: "ready",
            error: null,
          },
        });
      } catch (error) {
        set({ history: { ...get().history, status: "failed", error: asApiError(error) } });
      }
    },

    async reloadHistory() {
      set({ history: { items: [], nextCursor: null, status: "idle", error: null } });
      await get().loadMoreHistory();
    },
  }));
}

export type GuestStore = ReturnType<typeof createGuestStore>;

/** When to refresh the card next: before the QR token lapses, and often enough to see a scan. */
export function nextCardRefreshMs(card: GuestCard, now: number, everyMs = 10_000): number {
  // The API replaces a QR token with under 15 s left; asking 1 s after that point gets the new one.
  const rotation = Date.parse(card.identification.qr.expiresAt) - 14_000 - now;
  return Math.max(1_000, Math.min(everyMs, rotation));
}
