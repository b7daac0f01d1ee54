// The events calls the admin view makes, typed from the API (api/src/modules/events/routes.ts).
// Staff event routes take no Idempotency-Key: publishing, cancelling and finishing again change
// nothing, and a check-in repeated gives its first answer (marked Idempotent-Replayed).
import { type AdminClient, call } from "../api/client.ts";

export const eventStatuses = ["draft", "published", "cancelled", "finished"] as const;
export type EventStatus = (typeof eventStatuses)[number];

export const loadEvents = (api: AdminClient, query: { status?: EventStatus; from?: string; to?: string }) =>
  call(api.api.v1.events.$get({ query }));
export const loadEvent = (api: AdminClient, eventId: string) =>
  call(api.api.v1.events[":eventId"].$get({ param: { eventId } }));
export const loadRegistrations = (api: AdminClient, eventId: string) =>
  call(api.api.v1.events[":eventId"].registrations.$get({ param: { eventId } }));
export const loadRestaurants = (api: AdminClient) => call(api.api.v1.restaurants.$get());
export const loadLevels = async (api: AdminClient) => (await call(api.api.v1.program.$get())).levels;

export type StaffEvent = Awaited<ReturnType<typeof loadEvent>>;
export type Registration = Awaited<ReturnType<typeof loadRegistrations>>["registrations"][number];
export type Restaurant = Awaited<ReturnType<typeof loadRestaurants>>["restaurants"][number];
export type Level = Awaited<ReturnType<typeof loadLevels>>[number];

export type CreateEventBody = Parameters<AdminClient["api"]["v1"]["events"]["$post"]>[0]["json"];
export type UpdateEventBody = Parameters<AdminClient["api"]["v1"]["events"][":eventId"]["$patch"]>[0]["json"];

export const createEvent = (api: AdminClient, json: CreateEventBody) => call(api.api.v1.events.$post({ json }));
export const updateEvent = (api: AdminClient, eventId: string, json: UpdateEventBody) =>
  call(api.api.v1.events[":eventId"].$patch({ param: { eventId }, json }));
export const publishEvent = (api: AdminClient, eventId: string) =>
  call(api.api.v1.events[":eventId"].publish.$post({ param: { eventId } }));
export const finishEvent = (api: AdminClient, eventId: string) =>
  call(api.api.v1.events[":eventId"].finish.$post({ param: { eventId } }));
export const cancelEvent = (api: AdminClient, eventId: string, reason: string) =>
  call(api.api.v1.events[":eventId"].cancel.$post({ param: { eventId }, json: { reason } }));

/** The cover goes as the raw image, its type in Content-Type (the API checks the bytes match it). */
export const uploadCover = (api: AdminClient, eventId: string, file: Blob) =>
  call(
    api.api.v1.events[":eventId"].cover.$put(
      { param: { eventId } },
      { headers: { "Content-Type": file.type }, init: { body: file } },
    ),
  );

/**
 * The cover as staff see it, a draft's included, fetched with the session's token (the public
 * address serves announced events' covers only, and an <img> would send no token); null when
 * there is none.
 */
export async function loadCover(api: AdminClient, eventId: string): Promise<Blob | null> {
  const response = await api.api.v1.events[":eventId"].cover.preview.$get({ param: { eventId } });
  return response.ok ? response.blob() : null;
}

export type CheckInBody = Parameters<AdminClient["api"]["v1"]["events"][":eventId"]["check-in"]["$post"]>[0]["json"];

/** Checks a registered guest in; `replayed` when they had been checked in before. */
export async function checkIn(api: AdminClient, eventId: string, json: CheckInBody) {
  let replayed = false;
  const result = await call(
    api.api.v1.events[":eventId"]["check-in"].$post({ param: { eventId }, json }).then((response) => {
      replayed = response.headers.get("Idempotent-Replayed") === "true";
      return response;
    }),
  );
  return { ...result, replayed };
}
export type CheckInResult = Awaited<ReturnType<typeof checkIn>>;
