// An event's status as a coloured badge.
import { useT } from "../i18n/locale.ts";
import type { EventStatus } from "./event-api.ts";

const tone: Record<EventStatus, string> = {
  draft: "badge pending",
  published: "badge ok",
  cancelled: "badge off",
  finished: "badge done",
};

export function EventStatusBadge({ status }: { status: EventStatus }) {
  const t = useT();
  return <span className={tone[status]}>{t.events.statuses[status]}</span>;
}
