// The business's restaurants: open and closed, with address and time zone. Owners and admins add
// them, change them and close them (closing keeps their history); a manager or cashier limited
// to some restaurants sees only those.
import { useState } from "react";
import { type AdminClient, call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { ConfirmDialog, Modal } from "../components/Modal.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { useT } from "../i18n/locale.ts";
import { can } from "../state/session-store.ts";

const loadRestaurants = (api: AdminClient) => call(api.api.v1.restaurants.$get());
type Restaurant = Awaited<ReturnType<typeof loadRestaurants>>["restaurants"][number];

type Dialog = { kind: "add" } | { kind: "edit"; restaurant: Restaurant } | { kind: "toggle"; restaurant: Restaurant };

export default function RestaurantsPage() {
  const t = useT();
  const { api } = useServices();
  const profile = useProfile();
  const list = useLoad(() => loadRestaurants(api), [api]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  const mayManage = can(profile, "restaurants.manage");

  const columns: Column<Restaurant>[] = [
    { header: t.restaurants.name, className: "main", cell: (r) => <span className="strong">{r.name}</span> },
    { header: t.restaurants.address, cell: (r) => r.address ?? <span className="muted">—</span> },
    { header: t.restaurants.timeZone, cell: (r) => r.timeZone ?? <span className="muted">—</span> },
    {
      header: t.restaurants.status,
      cell: (r) => (
        <span className={r.isActive ? "badge ok" : "badge off"}>
          {r.isActive ? t.restaurants.open : t.restaurants.closed}
        </span>
      ),
    },
  ];
  if (mayManage) {
    columns.push({
      header: t.common.actions,
      className: "actions",
      cell: (r) => (
        <div className="row-actions">
          <button
            type="button"
            className="button small secondary"
            onClick={() => setDialog({ kind: "edit", restaurant: r })}
          >
            {t.common.edit}
          </button>
          <button
            type="button"
            className={r.isActive ? "button small danger-outline" : "button small secondary"}
            onClick={() => setDialog({ kind: "toggle", restaurant: r })}
          >
            {r.isActive ? t.restaurants.close : t.restaurants.reopen}
          </button>
        </div>
      ),
    });
  }

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.restaurants.title}</h1>
        {mayManage && (
          <button type="button" className="button primary" onClick={() => setDialog({ kind: "add" })}>
            {t.restaurants.add}
          </button>
        )}
      </header>
      {list.status === "loading" && <Loading />}
      {list.status === "failed" && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === "ready" &&
        (list.data.restaurants.length === 0 ? (
          <EmptyState>{t.restaurants.empty}</EmptyState>
        ) : (
          <Table
            label={t.restaurants.title}
            columns={columns}
            rows={list.data.restaurants}
            rowKey={(r) => r.id}
            rowClass={(r) => (r.isActive ? undefined : "inactive")}
          />
        ))}
      {(dialog?.kind === "add" || dialog?.kind === "edit") && (
        <RestaurantForm
          {...(dialog.kind === "edit" ? { restaurant: dialog.restaurant } : {})}
          onClose={close}
          onSaved={(name) => {
            close();
            list.reload();
            toast(dialog.kind === "add" ? t.restaurants.added(name) : t.common.saved);
          }}
        />
      )}
      {dialog?.kind === "toggle" && (
        <ConfirmDialog
          title={dialog.restaurant.isActive ? t.restaurants.close : t.restaurants.reopen}
          confirmLabel={dialog.restaurant.isActive ? t.restaurants.close : t.restaurants.reopen}
          danger={dialog.restaurant.isActive}
          onClose={close}
          onConfirm={async () => {
            const { restaurant } = dialog;
            await call(
              api.api.v1.restaurants[":restaurantId"].$patch({
                param: { restaurantId: restaurant.id },
                json: { isActive: !restaurant.isActive },
              }),
            );
            close();
            list.reload();
            toast(t.common.saved);
          }}
        >
          {dialog.restaurant.isActive
            ? t.restaurants.closeConfirm(dialog.restaurant.name)
            : t.restaurants.reopenConfirm(dialog.restaurant.name)}
        </ConfirmDialog>
      )}
    </section>
  );
}

function RestaurantForm({
  restaurant,
  onClose,
  onSaved,
}: {
  restaurant?: Restaurant;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const t = useT();
  const { api } = useServices();
  const [name, setName] = useState(restaurant?.name ?? "");
  const [address, setAddress] = useState(restaurant?.address ?? "");
  const [timeZone, setTimeZone] = useState(restaurant?.timeZone ?? "");
  const submit = useSubmit(["name", "address", "timeZone"]);
  const save = () =>
    submit.run(async () => {
      const body = { name, address: address.trim() || null, timeZone: timeZone.trim() || null };
      const saved = restaurant
        ? await call(
            api.api.v1.restaurants[":restaurantId"].$patch({ param: { restaurantId: restaurant.id }, json: body }),
          )
        : await call(api.api.v1.restaurants.$post({ json: body }));
      onSaved(saved.name);
    });
  return (
    <Modal
      title={restaurant ? t.restaurants.editTitle(restaurant.name) : t.restaurants.addTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="submit" form="restaurant-form" className="button primary" disabled={submit.busy}>
            {t.common.save}
          </button>
        </>
      }
    >
      <form
        id="restaurant-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label={t.restaurants.name} error={submit.errors.fields.name}>
          {(props) => <input {...props} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t.restaurants.address} error={submit.errors.fields.address}>
          {(props) => <input {...props} name="address" value={address} onChange={(e) => setAddress(e.target.value)} />}
        </Field>
        <Field label={t.restaurants.timeZone} error={submit.errors.fields.timeZone} hint={t.restaurants.timeZoneHint}>
          {(props) => (
            <input
              {...props}
              name="timeZone"
              placeholder="Europe/Moscow"
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
            />
          )}
        </Field>
        <FormError errors={submit.errors} />
      </form>
    </Modal>
  );
}
