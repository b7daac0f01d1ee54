// The event's stored cover for an <img>: fetched with the staff session (see loadCover) and shown
// through an object URL, released when the event, its cover or the page goes away.
import { useEffect, useState } from "react";
import type { AdminClient } from "../api/client.ts";
import { loadCover } from "./event-api.ts";

/** An object URL of the cover, or null while loading and when there is none. */
export function useCoverUrl(
  api: AdminClient,
  event: { id: string; hasCover: boolean; updatedAt: string } | undefined,
): string | null {
  const [url, setUrl] = useState<string | null>(null);
  const eventId = event?.id ?? null;
  const hasCover = event?.hasCover ?? false;
  // A new upload changes the event's update time: fetch again.
  const version = event?.updatedAt ?? null;
  useEffect(() => {
    setUrl(null);
    if (!eventId || !hasCover || version === null) return;
    let live = true;
    let made: string | null = null;
    loadCover(api, eventId).then(
      (blob) => {
        if (!live || !blob) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      // No preview is no reason to fail the page; the event's facts are still there.
      () => undefined,
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [api, eventId, hasCover, version]);
  return url;
}
