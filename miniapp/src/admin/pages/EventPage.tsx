// One event (#/events/<id>): its details in the business's time zone, the status changes that
// apply (publish a draft; cancel with a reason; finish a published one), each confirmed first,
// the edit form while it is a draft or published, and its guests with check-in at the door.
import { useState } from "react";
import { useProfile, useServices } from "../app/context.tsx";
import { hrefOf } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { ConfirmDialog } from "../components/Modal.tsx";
import { ErrorState, Loading } from "../components/states.tsx";
import { toast } from "../components/toast.tsx";
import { CancelEventDialog } from "../events/CancelEventDialog.tsx";
import { EventFacts } from "../events/EventFacts.tsx";
import { EventForm } from "../events/EventForm.tsx";
import { EventStatusBadge } from "../events/EventStatusBadge.tsx";
import {
  finishEvent,
  loadEvent,
  loadLevels,
  loadRegistrations,
  loadRestaurants,
  publishEvent,
} from "../events/event-api.ts";
import { Registrations } from "../events/Registrations.tsx";
import { useCoverUrl } from "../events/use-cover.ts";
import { useT } from "../i18n/locale.ts";
import { can } from "../state/session-store.ts";

type Dialog = "edit" | "publish" | "cancel" | "finish";

export default function EventPage({ eventId }: { eventId: string }) {
  const t = useT();
  const { api } = useServices();
  const profile = useProfile();
  const event = useLoad(() => loadEvent(api, eventId), [api, eventId]);
  const registrations = useLoad(() => loadRegistrations(api, eventId), [api, eventId]);
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const levels = useLoad(() => loadLevels(api), [api]);
  const cover = useCoverUrl(api, event.status === "ready" ? event.data : undefined);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const reload = () => {
    event.reload();
    registrations.reload();
  };

  if (event.status === "loading") return <Loading />;
  if (event.status === "failed") return <ErrorState error={event.error} onRetry={event.reload} />;
  const e = event.data;
  const mayManage = can(profile, "events.manage");
  // A manager limited to some restaurants sees the business-wide events too, but changes only their own.
  const inScope =
    profile.restaurantIds === null || (e.restaurantId !== null && profile.restaurantIds.includes(e.restaurantId));
  const changeable = mayManage && inScope && (e.status === "draft" || e.status === "published");
  // Once guests are checked in the event has taken place: it is finished, not cancelled (the API's
  // cancel would also trip the CHECK that keeps check-ins on registered places).
  const cancellable = e.checkedInCount === 0;
  const registrationList = registrations.status === "ready" ? registrations.data.registrations : [];
  const restaurantList = restaurants.status === "ready" ? restaurants.data.restaurants : [];

  return (
    <section className="page">
      <p>
        <a href={hrefOf("/events")}>← {t.events.back}</a>
      </p>
      <header className="page-head">
        <div>
          <h1>{e.title}</h1>
          <EventStatusBadge status={e.status} />
        </div>
        {changeable && (
          <div className="row-actions">
            <button type="button" className="button secondary" onClick={() => setDialog("edit")}>
              {t.common.edit}
            </button>
            {e.status === "draft" && (
              <button type="button" className="button primary" onClick={() => setDialog("publish")}>
                {t.events.publish}
              </button>
            )}
            {e.status === "published" && (
              <button type="button" className="button secondary" onClick={() => setDialog("finish")}>
                {t.events.finish}
              </button>
            )}
            {cancellable && (
              <button
                type="button"
                className="button danger-outline"
                // The dialog counts the points to return from the guest list.
                disabled={registrations.status !== "ready"}
                onClick={() => setDialog("cancel")}
              >
                {t.events.cancel}
              </button>
            )}
          </div>
        )}
      </header>
      {changeable && !cancellable && <p className="muted small">{t.events.cancelAfterCheckIn}</p>}
      {e.status === "cancelled" && e.cancelReason && (
        <p className="notice">{t.events.cancelledBecause(e.cancelReason)}</p>
      )}
      <div className="panel event-summary">
        {cover && <img className="event-cover" src={cover} alt={t.events.coverAlt(e.title)} />}
        <EventFacts event={e} restaurants={restaurantList} levels={levels.status === "ready" ? levels.data : []} />
        {e.description && <p className="event-description">{e.description}</p>}
      </div>
      {registrations.status === "loading" && <Loading />}
      {registrations.status === "failed" && <ErrorState error={registrations.error} onRetry={registrations.reload} />}
      {registrations.status === "ready" && (
        <Registrations
          event={e}
          registrations={registrationList}
          mayCheckIn={can(profile, "events.checkIn")}
          onCheckedIn={reload}
        />
      )}

      {dialog === "edit" && (
        <EventForm
          event={e}
          restaurants={restaurantList}
          onClose={() => {
            close();
            event.reload();
          }}
          onSaved={() => {
            close();
            reload();
            toast(t.common.saved);
          }}
        />
      )}
      {dialog === "publish" && (
        <ConfirmDialog
          title={t.events.publish}
          confirmLabel={t.events.publish}
          onClose={close}
          onConfirm={async () => {
            await publishEvent(api, e.id);
            close();
            event.reload();
            toast(t.events.publishedToast);
          }}
        >
          {t.events.publishConfirm}
        </ConfirmDialog>
      )}
      {dialog === "finish" && (
        <ConfirmDialog
          title={t.events.finish}
          confirmLabel={t.events.finish}
          onClose={close}
          onConfirm={async () => {
            await finishEvent(api, e.id);
            close();
            event.reload();
            toast(t.events.finishedToast);
          }}
        >
          {t.events.finishConfirm}
        </ConfirmDialog>
      )}
      {dialog === "cancel" && (
        <CancelEventDialog
          event={e}
          registrations={registrationList}
          onClose={close}
          onCancelled={() => {
            close();
            reload();
            toast(t.events.cancelledToast);
          }}
        />
      )}
    </section>
  );
}
