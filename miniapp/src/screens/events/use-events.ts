// The events store of this app instance. Kept beside the guest store it reads (one per app, as
// the services are), but made here, in the events chunk, so the card's first download does not
// carry it; the list and an event's screen share it, so going back shows what was just done.
import { useStore } from "zustand";
import { useServices } from "../../app/context.tsx";
import { createEventsStore, type EventsState, type EventsStore } from "../../state/events-store.ts";
import type { GuestStore } from "../../state/guest-store.ts";

const stores = new WeakMap<GuestStore, EventsStore>();

export function useEventsStore(): EventsStore {
  const { api, store: guest } = useServices();
  let events = stores.get(guest);
  if (!events) {
    events = createEventsStore({ api, guest });
    stores.set(guest, events);
  }
  return events;
}

export function useEvents<T>(selector: (state: EventsState) => T): T {
  return useStore(useEventsStore(), selector);
}
