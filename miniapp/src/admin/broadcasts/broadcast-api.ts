// The broadcast calls the admin view makes, typed from the API (api/src/modules/broadcasts/routes.ts).
// Create and send carry an Idempotency-Key drawn once per form or confirmation, so a double click
// or a retry makes one draft and sends it once.
import { type AdminClient, call } from "../api/client.ts";

export const loadBroadcasts = (api: AdminClient) => call(api.api.v1.broadcasts.$get({ query: {} }));
export const loadAllowance = (api: AdminClient, at?: string) =>
  call(api.api.v1.broadcasts.allowance.$get({ query: at ? { at } : {} }));

export type Broadcast = Awaited<ReturnType<typeof loadBroadcasts>>["broadcasts"][number];
export type Allowance = Awaited<ReturnType<typeof loadAllowance>>;
export type CreateBroadcastBody = Parameters<AdminClient["api"]["v1"]["broadcasts"]["$post"]>[0]["json"];
export type AudienceBody = NonNullable<CreateBroadcastBody["audience"]>;
export type ContentBody = Parameters<AdminClient["api"]["v1"]["broadcasts"]["test"]["$post"]>[0]["json"];

export const countAudience = (api: AdminClient, audience: AudienceBody) =>
  call(api.api.v1.broadcasts.audience.$post({ json: { audience } }));
export const createBroadcast = (api: AdminClient, json: CreateBroadcastBody, key: string) =>
  call(api.api.v1.broadcasts.$post({ json, header: { "idempotency-key": key } }));
export const updateBroadcast = (api: AdminClient, broadcastId: string, json: CreateBroadcastBody) =>
  call(api.api.v1.broadcasts[":broadcastId"].$patch({ param: { broadcastId }, json }));
export const sendBroadcast = (api: AdminClient, broadcastId: string, scheduledAt: string | null, key: string) =>
  call(
    api.api.v1.broadcasts[":broadcastId"].send.$post({
      param: { broadcastId },
      json: { scheduledAt },
      header: { "idempotency-key": key },
    }),
  );
export const cancelBroadcast = (api: AdminClient, broadcastId: string) =>
  call(api.api.v1.broadcasts[":broadcastId"].cancel.$post({ param: { broadcastId } }));
export const sendTest = (api: AdminClient, json: ContentBody) => call(api.api.v1.broadcasts.test.$post({ json }));
