// The guest's events: the upcoming list, each opened event, and the one action in progress, the
// same steps as the bot's Events menu. An event that costs points is asked about first ("It costs
// 300 points, you have 1 200. Register?"); the registration's Idempotency-Key is drawn when that
// question is shown and kept for a retry, so a double tap or a retry after a lost answer
// registers and pays once. After an action the card is refreshed, so it shows the new balance.
import { createStore } from "zustand/vanilla";
import { ApiError } from "../api/client.ts";
import type { GuestApi, GuestEvent } from "../api/guest-api.ts";
import type { GuestStore, Load } from "./guest-store.ts";

export type EventQuestion =
  | { kind: "register"; event: GuestEvent; key: string; available: number }
  | { kind: "cancel"; event: GuestEvent };

/** What the last action did, said on the event's screen. */
export type EventOutcome =
  | { kind: "registered"; event: GuestEvent; paid: number; balance: number | null }
  | { kind: "waitlisted"; event: GuestEvent }
  | { kind: "cancelled"; event: GuestEvent; returned: number | null; balance: number | null }
  | { kind: "left-waitlist"; event: GuestEvent };

type Attempt = { kind: "register"; eventId: string; key: string } | { kind: "cancel"; eventId: string };

export interface EventFailure {
  eventId: string;
  error: ApiError;
  /** set when trying again may help (no connection, a server error): it resends the same key */
  retry: Attempt | null;
}

export interface EventsState {
  list: Load<GuestEvent[]>;
  /** each event opened, by id (seeded from the list, so a card opens at once) */
  events: Record<string, Load<GuestEvent>>;
  question: EventQuestion | null;
  busy: boolean;
  failure: EventFailure | null;
  outcome: EventOutcome | null;
  loadList(): Promise<void>;
  loadEvent(eventId: string): Promise<void>;
  /** Register or join the waitlist: asks first when it costs points, else goes ahead. */
  askRegister(event: GuestEvent): Promise<void>;
  /** Cancel the registration or leave the waitlist: always asks first. */
  askCancel(event: GuestEvent): void;
  /** "Yes" to the question. */
  confirm(): Promise<void>;
  /** "No" to the question. */
  dismiss(): void;
  /** The failed action again, with the same key. */
  retry(): Promise<void>;
  /** Leaving an event's screen: what was said there is not said again on the next visit. */
  leave(): void;
}

export interface EventsDeps {
  api: GuestApi;
  /** the guest's card and levels: read for the balance, refreshed after an action */
  guest: GuestStore;
  newKey?: () => string;
}

const asApiError = (error: unknown) =>
  error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error));

/** Errors that say nothing about the event: the same request may well succeed next time. */
const worthRetrying = (error: ApiError) => error.status === 0 || error.status === 429 || error.status >= 500;

export function createEventsStore(deps: EventsDeps) {
  const { api, guest } = deps;
  const newKey = deps.newKey ?? (() => crypto.randomUUID());
  const balance = () => {
    const { card } = guest.getState();
    return card.status === "ready" ? card.data.balance : null;
  };

  return createStore<EventsState>()((set, get) => {
    /** The event as the API answered it, on its own screen and in the list. */
    function remember(event: GuestEvent) {
      const { list, events } = get();
      set({
        events: { ...events, [event.id]: { status: "ready", data: event } },
        ...(list.status === "ready"
          ? { list: { status: "ready", data: list.data.map((one) => (one.id === event.id ? event : one)) } }
          : {}),
      });
    }

    /**
     * Whether the guest's standing changed since last seen without an action here: promoted from
     * the waitlist (and charged), or the restaurant cancelled (and repaid). The card is behind then.
     */
    function standingMoved(fresh: GuestEvent[]): boolean {
      const { events } = get();
      return fresh.some((event) => {
        const known = events[event.id];
        return known?.status === "ready" && known.data.my.status !== event.my.status;
      });
    }

    async function run(attempt: Attempt) {
      if (get().busy) return;
      set({ busy: true, failure: null, outcome: null });
      const known = get().events[attempt.eventId];
      const previous = known?.status === "ready" ? known.data : null;
      try {
        // Points come back on a cancellation: a fresh balance first, so the difference is exact.
        if (attempt.kind === "cancel") await guest.getState().loadCard({ quiet: true });
        const before = balance();
        const event =
          attempt.kind === "register"
            ? await api.register(attempt.eventId, attempt.key)
            : await api.cancelRegistration(attempt.eventId);
        remember(event);
        set({ question: null });
        // The card shows the new balance (and its toast) at once, not at its next refresh.
        await guest.getState().loadCard({ quiet: true });
        set({ outcome: outcomeOf(attempt.kind, event, previous, before, balance()) });
      } catch (caught) {
        const error = asApiError(caught);
        const retry = worthRetrying(error) ? attempt : null;
        set({ question: null, failure: { eventId: attempt.eventId, error, retry } });
        // A refusal means the event or the balance moved on: show them as they are now.
        if (!retry) await Promise.all([get().loadEvent(attempt.eventId), guest.getState().loadCard({ quiet: true })]);
      } finally {
        set({ busy: false });
      }
    }

    return {
      list: { status: "idle" },
      events: {},
      question: null,
      busy: false,
      failure: null,
      outcome: null,

      async loadList() {
        // A refresh keeps the list on screen; only the first load shows the skeleton.
        if (get().list.status !== "ready") set({ list: { status: "loading" } });
        try {
          const { events } = await api.events();
          const moved = standingMoved(events);
          const known = { ...get().events };
          for (const event of events) known[event.id] = { status: "ready", data: event };
          set({ list: { status: "ready", data: events }, events: known });
          if (moved) await guest.getState().loadCard({ quiet: true });
        } catch (error) {
          if (get().list.status !== "ready") set({ list: { status: "failed", error: asApiError(error) } });
        }
      },

      async loadEvent(eventId) {
        if (get().events[eventId]?.status !== "ready") {
          set({ events: { ...get().events, [eventId]: { status: "loading" } } });
        }
        try {
          const event = await api.event(eventId);
          const moved = standingMoved([event]);
          remember(event);
          if (moved) await guest.getState().loadCard({ quiet: true });
        } catch (error) {
          if (get().events[eventId]?.status !== "ready") {
            set({ events: { ...get().events, [eventId]: { status: "failed", error: asApiError(error) } } });
          }
        }
      },

      async askRegister(event) {
        if (get().busy) return;
        set({ failure: null, outcome: null });
        if (event.pricePoints === 0) {
          await run({ kind: "register", eventId: event.id, key: newKey() });
          return;
        }
        if (guest.getState().card.status !== "ready") await guest.getState().loadCard({ quiet: true });
        const { card } = guest.getState();
        const available = card.status === "ready" ? card.data.available : 0;
        set({ question: { kind: "register", event, key: newKey(), available } });
      },

      askCancel(event) {
        if (get().busy) return;
        set({ failure: null, outcome: null, question: { kind: "cancel", event } });
      },

      async confirm() {
        const { question } = get();
        if (!question) return;
        await run(
          question.kind === "register"
            ? { kind: "register", eventId: question.event.id, key: question.key }
            : { kind: "cancel", eventId: question.event.id },
        );
      },

      dismiss() {
        if (!get().busy) set({ question: null });
      },

      async retry() {
        const attempt = get().failure?.retry;
        if (attempt) await run(attempt);
      },

      leave() {
        set({ outcome: null, failure: null, question: null });
      },
    };
  });
}

function outcomeOf(
  kind: Attempt["kind"],
  event: GuestEvent,
  previous: GuestEvent | null,
  before: number | null,
  after: number | null,
): EventOutcome {
  if (kind === "register") {
    // Every place may have gone while the guest was deciding: the API then puts them in line.
    if (event.my.status === "waitlisted") return { kind: "waitlisted", event };
    // The price is taken in the same transaction as the place, so it is what was paid.
    return { kind: "registered", event, paid: event.pricePoints, balance: after };
  }
  if (previous?.my.status === "waitlisted") return { kind: "left-waitlist", event };
  const returned = before !== null && after !== null ? Math.max(0, after - before) : null;
  return { kind: "cancelled", event, returned, balance: after };
}

export type EventsStore = ReturnType<typeof createEventsStore>;
