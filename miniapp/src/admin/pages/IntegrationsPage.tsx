// POS integrations: each with its state, when it last sent something, its last error and its
// events by status (finished ones only within the retention window, which the counts say).
// Admins connect a POS (the webhook address and secret are shown once), rotate the secret (the
// previous one keeps working for a day; the new one is shown once), turn one off or on, and send
// dead letters back to the queue.
import { useState } from "react";
import { type AdminClient, call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { CopyField } from "../components/CopyField.tsx";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { ConfirmDialog, Modal } from "../components/Modal.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { errorText, formatDateTime, formatMoneyMinor, useLocale, useT } from "../i18n/locale.ts";
import { can } from "../state/session-store.ts";

const loadIntegrations = (api: AdminClient) => call(api.api.v1.integrations.$get());
const loadRestaurants = (api: AdminClient) => call(api.api.v1.restaurants.$get());
type Integration = Awaited<ReturnType<typeof loadIntegrations>>["integrations"][number];
type Kind = Integration["kind"];

/** Shown once: where the POS sends (absolute, as it must be typed into the POS) and its secret. */
interface SecretView {
  secret: string;
  endpoints: string[];
  previousSecretValidUntil: string | null;
}

type Dialog =
  | { kind: "create" }
  | { kind: "rotate"; integration: Integration }
  | { kind: "secret"; title: string; view: SecretView };

const absolute = (endpoint: string) => new URL(endpoint, window.location.origin).toString();

export default function IntegrationsPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const list = useLoad(() => loadIntegrations(api), [api]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const close = () => setDialog(null);
  const mayManage = can(profile, "integrations.manage");

  const toggle = async (integration: Integration) => {
    try {
      await call(
        api.api.v1.integrations[":integrationId"].$patch({
          param: { integrationId: integration.id },
          json: { isActive: !integration.isActive },
        }),
      );
      list.reload();
      toast(t.common.saved);
    } catch (error) {
      toast(errorText(error as Error & { status: number; messageKey: string | null }, t));
    }
  };

  const columns: Column<Integration>[] = [
    {
      header: t.integrations.name,
      className: "main",
      cell: (i) => (
        <>
          <div className="strong">{i.name}</div>
          <div className="muted small">{t.integrations.kinds[i.kind] ?? i.kind}</div>
        </>
      ),
    },
    {
      header: t.integrations.state,
      cell: (i) => (
        <span className={i.isActive ? "badge ok" : "badge off"}>
          {i.isActive ? t.integrations.on : t.integrations.off}
        </span>
      ),
    },
    { header: t.integrations.lastEvent, cell: (i) => formatDateTime(i.lastEventAt, locale) },
    {
      header: t.integrations.counts,
      cell: (i) => {
        const counts = Object.entries(i.counts).filter(([, n]) => n > 0);
        return (
          <>
            {counts.length === 0 ? (
              <span className="muted">{t.integrations.none}</span>
            ) : (
              <ul className="chips">
                {counts.map(([status, n]) => (
                  <li key={status} className={status === "dead" || status === "rejected" ? "chip bad" : "chip"}>
                    {t.integrations.statuses[status] ?? status}: {n}
                  </li>
                ))}
              </ul>
            )}
            {/* without it, the processed and rejected counts would read as all-time totals */}
            {i.eventsPurgedBefore && (
              <div className="muted small" data-testid="counts-since">
                {t.integrations.countsSince(formatDateTime(i.eventsPurgedBefore, locale))}
              </div>
            )}
          </>
        );
      },
    },
    {
      header: t.integrations.lastError,
      cell: (i) =>
        i.lastError ? (
          <div className="error-text">
            <div className="small muted">{formatDateTime(i.lastError.at, locale)}</div>
            {i.lastError.message}
          </div>
        ) : (
          <span className="muted">{t.integrations.none}</span>
        ),
    },
    {
      header: t.common.actions,
      className: "actions",
      cell: (i) => (
        <div className="row-actions">
          <button
            type="button"
            className="button small secondary"
            aria-expanded={open === i.id}
            onClick={() => setOpen((was) => (was === i.id ? null : i.id))}
          >
            {open === i.id ? t.integrations.hideEvents : `${t.integrations.deadLetters} (${i.counts.dead ?? 0})`}
          </button>
          {mayManage && (
            <button
              type="button"
              className="button small secondary"
              onClick={() => setDialog({ kind: "rotate", integration: i })}
            >
              {t.integrations.rotate}
            </button>
          )}
          {mayManage && (
            <button type="button" className="button small secondary" onClick={() => void toggle(i)}>
              {i.isActive ? t.integrations.turnOff : t.integrations.turnOn}
            </button>
          )}
        </div>
      ),
    },
  ];

  const opened = list.status === "ready" ? list.data.integrations.find((i) => i.id === open) : undefined;

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.integrations.title}</h1>
        {mayManage && (
          <button type="button" className="button primary" onClick={() => setDialog({ kind: "create" })}>
            {t.integrations.create}
          </button>
        )}
      </header>
      {list.status === "loading" && <Loading />}
      {list.status === "failed" && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === "ready" &&
        (list.data.integrations.length === 0 ? (
          <EmptyState>{t.integrations.empty}</EmptyState>
        ) : (
          <Table
            label={t.integrations.title}
            columns={columns}
            rows={list.data.integrations}
            rowKey={(i) => i.id}
            rowClass={(i) => (i.isActive ? undefined : "inactive")}
          />
        ))}
      {opened && <DeadLetters integration={opened} mayReplay={mayManage} onReplayed={list.reload} />}

      {dialog?.kind === "create" && (
        <CreateForm
          onClose={close}
          onCreated={(view) => {
            list.reload();
            setDialog({ kind: "secret", title: t.integrations.created, view });
          }}
        />
      )}
      {dialog?.kind === "rotate" && (
        <ConfirmDialog
          title={t.integrations.rotate}
          confirmLabel={t.integrations.rotate}
          onClose={close}
          onConfirm={async () => {
            const view = await call(
              api.api.v1.integrations[":integrationId"].secret.$post({
                param: { integrationId: dialog.integration.id },
                json: { graceHours: 24 },
              }),
            );
            list.reload();
            setDialog({ kind: "secret", title: t.integrations.rotate, view });
          }}
        >
          {t.integrations.rotateConfirm(dialog.integration.name)}
        </ConfirmDialog>
      )}
      {dialog?.kind === "secret" && (
        <Modal
          title={dialog.title}
          onClose={close}
          footer={
            <button type="button" className="button primary" onClick={close}>
              {t.common.close}
            </button>
          }
        >
          {dialog.view.endpoints.map((endpoint) => (
            <CopyField
              key={endpoint}
              label={t.integrations.endpoints}
              value={absolute(endpoint)}
              testId="shown-endpoint"
            />
          ))}
          <CopyField label={t.integrations.secret} value={dialog.view.secret} testId="shown-secret" />
          {dialog.view.previousSecretValidUntil && (
            <p className="muted small">
              {t.integrations.previousUntil(formatDateTime(dialog.view.previousSecretValidUntil, locale))}
            </p>
          )}
          <p className="notice">{t.common.shownOnce}</p>
        </Modal>
      )}
    </section>
  );
}

function DeadLetters({
  integration,
  mayReplay,
  onReplayed,
}: {
  integration: Integration;
  mayReplay: boolean;
  onReplayed: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const events = useLoad(
    () =>
      call(
        api.api.v1.integrations[":integrationId"].events.$get({
          param: { integrationId: integration.id },
          query: { status: "dead", limit: "50" },
        }),
      ),
    [api, integration.id],
  );
  type PosEvent = Extract<typeof events, { status: "ready" }>["data"]["events"][number];
  const replay = async (event: PosEvent) => {
    try {
      await call(
        api.api.v1.integrations[":integrationId"].events[":eventId"].replay.$post({
          param: { integrationId: integration.id, eventId: event.id },
        }),
      );
      toast(t.integrations.replayed);
      events.reload();
      onReplayed();
    } catch (error) {
      toast(errorText(error as Error & { status: number; messageKey: string | null }, t));
    }
  };
  const columns: Column<PosEvent>[] = [
    {
      header: t.integrations.event,
      className: "main",
      cell: (e) => (
        <>
          <div className="strong mono">{e.externalId ?? e.eventId}</div>
          <div className="muted small">{e.kind ?? "—"}</div>
        </>
      ),
    },
    { header: t.integrations.amount, cell: (e) => formatMoneyMinor(e.amountMinor, e.currency, locale) },
    { header: t.integrations.received, cell: (e) => formatDateTime(e.receivedAt, locale) },
    { header: t.integrations.attempts, cell: (e) => e.attempts },
    { header: t.integrations.error, cell: (e) => <span className="error-text">{e.lastError ?? "—"}</span> },
  ];
  if (mayReplay) {
    columns.push({
      header: t.common.actions,
      className: "actions",
      cell: (e) => (
        <button type="button" className="button small secondary" onClick={() => void replay(e)}>
          {t.integrations.replay}
        </button>
      ),
    });
  }
  return (
    <section className="panel" aria-label={`${t.integrations.deadLetters}: ${integration.name}`}>
      <h2>
        {t.integrations.deadLetters}: {integration.name}
      </h2>
      {events.status === "loading" && <Loading />}
      {events.status === "failed" && <ErrorState error={events.error} onRetry={events.reload} />}
      {events.status === "ready" &&
        (events.data.events.length === 0 ? (
          <EmptyState>{t.integrations.noDead}</EmptyState>
        ) : (
          <Table label={t.integrations.deadLetters} columns={columns} rows={events.data.events} rowKey={(e) => e.id} />
        ))}
    </section>
  );
}

function CreateForm({ onClose, onCreated }: { onClose: () => void; onCreated: (view: SecretView) => void }) {
  const t = useT();
  const { api } = useServices();
  const restaurants = useLoad(() => loadRestaurants(api), [api]);
  const [kind, setKind] = useState<Kind>("generic");
  const [name, setName] = useState("");
  const [restaurantId, setRestaurantId] = useState("");
  const [apiLogin, setApiLogin] = useState("");
  const [organizations, setOrganizations] = useState("");
  const submit = useSubmit(["name", "restaurantId", "apiLogin", "settings.organizationIds", "settings", "kind"]);
  const save = () =>
    submit.run(async () => {
      const common = { name, ...(restaurantId ? { restaurantId } : {}) };
      const organizationIds = organizations
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter(Boolean);
      const json =
        kind === "iiko"
          ? { kind, ...common, apiLogin, settings: { organizationIds } }
          : kind === "rkeeper"
            ? { kind, ...common }
            : { kind, ...common };
      onCreated(await call(api.api.v1.integrations.$post({ json })));
    });
  return (
    <Modal
      title={t.integrations.createTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="submit" form="integration-form" className="button primary" disabled={submit.busy}>
            {t.integrations.create}
          </button>
        </>
      }
    >
      <form
        id="integration-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label={t.integrations.kind} error={submit.errors.fields.kind}>
          {(props) => (
            <select {...props} name="kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {(["generic", "iiko", "rkeeper"] as const).map((one) => (
                <option key={one} value={one}>
                  {t.integrations.kinds[one]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t.integrations.name} error={submit.errors.fields.name}>
          {(props) => <input {...props} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t.integrations.restaurant} error={submit.errors.fields.restaurantId}>
          {(props) => (
            <select
              {...props}
              name="restaurantId"
              value={restaurantId}
              onChange={(e) => setRestaurantId(e.target.value)}
            >
              <option value="">{t.integrations.anyRestaurant}</option>
              {restaurants.status === "ready" &&
                restaurants.data.restaurants
                  .filter((r) => r.isActive)
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
            </select>
          )}
        </Field>
        {kind === "iiko" && (
          <>
            <Field label={t.integrations.iikoApiLogin} error={submit.errors.fields.apiLogin}>
              {(props) => (
                <input
                  {...props}
                  name="apiLogin"
                  autoComplete="off"
                  value={apiLogin}
                  onChange={(e) => setApiLogin(e.target.value)}
                />
              )}
            </Field>
            <Field
              label={t.integrations.iikoOrganizations}
              error={submit.errors.fields["settings.organizationIds"] ?? submit.errors.fields.settings}
              hint={t.integrations.iikoOrganizationsHint}
            >
              {(props) => (
                <textarea
                  {...props}
                  name="organizationIds"
                  rows={3}
                  value={organizations}
                  onChange={(e) => setOrganizations(e.target.value)}
                />
              )}
            </Field>
          </>
        )}
        <FormError errors={submit.errors} />
      </form>
    </Modal>
  );
}
