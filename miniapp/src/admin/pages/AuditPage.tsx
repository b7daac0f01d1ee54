// The audit log: who changed what, on which entity, why and from where, newest first, with the
// recorded changes a click away; filters by text, action, staff member and days, older entries
// on demand, and the same filters as a CSV file.
import { type FormEvent, useEffect, useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { saveDownload } from "../api/download.ts";
import { useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { auditActionLabel, auditActionLabels } from "../i18n/audit-actions.ts";
import { errorText, formatDateTime, useLocale, useT } from "../i18n/locale.ts";

interface AuditFilters {
  q: string;
  action: string;
  actorStaffId: string;
  from: string;
  to: string;
}

const noFilters: AuditFilters = { q: "", action: "", actorStaffId: "", from: "", to: "" };

/** The API's query: days in the browser's calendar as instants, `to` taking in its whole day. */
function auditQuery(filters: AuditFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.actorStaffId) query.actorStaffId = filters.actorStaffId;
  if (filters.from) query.from = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    query.to = end.toISOString();
  }
  return query;
}

const loadPage = (api: AdminClient, query: Record<string, string>, cursor?: string) =>
  call(api.api.v1.audit.$get({ query: { ...query, ...(cursor ? { cursor } : {}) } }));
const loadStaff = (api: AdminClient) => call(api.api.v1.staff.$get());
type Entry = Awaited<ReturnType<typeof loadPage>>["items"][number];

/** An action in words, with where a till action was done (bot, Mini App, admin panel); its code below. */
function ActionCell({ entry }: { entry: Entry }) {
  const t = useT();
  const locale = useLocale();
  const changes = entry.changes as { channel?: unknown } | null | undefined;
  const channel = typeof changes?.channel === "string" ? t.audit.channels[changes.channel] : undefined;
  const label = auditActionLabel(entry.action, locale);
  return (
    <div>
      <div className="strong">{channel ? `${label} · ${channel}` : label}</div>
      <div className="muted small mono">{entry.action}</div>
    </div>
  );
}

export default function AuditPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const [draft, setDraft] = useState<AuditFilters>(noFilters);
  const [filters, setFilters] = useState<AuditFilters>(noFilters);
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<"loading" | "ready" | "failed">("loading");
  const [error, setError] = useState<ApiError | null>(null);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const staff = useLoad(() => loadStaff(api), [api]);
  const query = auditQuery(filters);
  const key = JSON.stringify(query);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the query's key and the round say when to load again
  useEffect(() => {
    let live = true;
    setStatus("loading");
    loadPage(api, query).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setStatus("ready");
      },
      (failure: ApiError) => {
        if (!live) return;
        setError(failure);
        setStatus("failed");
      },
    );
    return () => {
      live = false;
    };
  }, [api, key, round]);

  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const page = await loadPage(api, query, cursor);
      setItems((was) => [...was, ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      toast(errorText(failure as ApiError, t));
    } finally {
      setMore(false);
    }
  };

  const exportCsv = async () => {
    try {
      await saveDownload(
        api.api.v1.audit["export.csv"].$get({
          query: { ...query, delimiter: locale === "ru" ? "semicolon" : "comma" },
        }) as unknown as Promise<Response>,
        "audit.csv",
      );
    } catch (failure) {
      toast(errorText(failure as ApiError, t));
    }
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };

  const columns: Column<Entry>[] = [
    { header: t.audit.when, cell: (e) => formatDateTime(e.createdAt, locale) },
    {
      header: t.audit.actor,
      cell: (e) =>
        e.actor.kind === "staff" ? (
          <div>
            <div>{e.actor.name ?? "—"}</div>
            <div className="muted small">{e.actor.email}</div>
          </div>
        ) : (
          (t.audit.actorKinds[e.actor.kind] ?? e.actor.kind)
        ),
    },
    { header: t.audit.what, className: "main", cell: (e) => <ActionCell entry={e} /> },
    {
      header: t.audit.entity,
      cell: (e) => (
        <div>
          <div>{e.entityType}</div>
          {e.entityId && <div className="muted small mono">{e.entityId}</div>}
        </div>
      ),
    },
    { header: t.audit.reason, cell: (e) => e.reason ?? "—" },
    { header: t.audit.ip, cell: (e) => <span className="mono small">{e.ip ?? "—"}</span> },
    {
      header: t.audit.changes,
      className: "changes",
      cell: (e) =>
        e.changes === null || e.changes === undefined ? (
          "—"
        ) : (
          <div>
            <button
              type="button"
              className="button small secondary"
              aria-expanded={open === e.id}
              onClick={() => setOpen((was) => (was === e.id ? null : e.id))}
            >
              {open === e.id ? t.audit.hideChanges : t.audit.showChanges}
            </button>
            {open === e.id && <pre className="json">{JSON.stringify(e.changes, null, 2)}</pre>}
          </div>
        ),
    },
  ];

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.audit.title}</h1>
        <button type="button" className="button secondary" onClick={() => void exportCsv()}>
          {t.audit.export}
        </button>
      </header>
      <form className="panel filters" onSubmit={apply}>
        <label className="field compact grow">
          <span>{t.audit.search}</span>
          <input
            type="search"
            value={draft.q}
            placeholder={t.audit.searchHint}
            onChange={(event) => setDraft((was) => ({ ...was, q: event.target.value }))}
          />
        </label>
        <label className="field compact">
          <span>{t.audit.action}</span>
          <input
            value={draft.action}
            placeholder="points.adjust"
            list="audit-actions"
            onChange={(event) => setDraft((was) => ({ ...was, action: event.target.value }))}
          />
          <datalist id="audit-actions">
            {Object.entries(auditActionLabels[locale]).map(([action, label]) => (
              <option key={action} value={action} label={label} />
            ))}
          </datalist>
        </label>
        <label className="field compact">
          <span>{t.audit.actor}</span>
          <select
            value={draft.actorStaffId}
            onChange={(event) => setDraft((was) => ({ ...was, actorStaffId: event.target.value }))}
          >
            <option value="">{t.audit.anyActor}</option>
            {staff.status === "ready" &&
              staff.data.items.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.name}
                </option>
              ))}
          </select>
        </label>
        <label className="field compact">
          <span>{t.audit.from}</span>
          <input
            type="date"
            value={draft.from}
            onChange={(event) => setDraft((was) => ({ ...was, from: event.target.value }))}
          />
        </label>
        <label className="field compact">
          <span>{t.audit.to}</span>
          <input
            type="date"
            value={draft.to}
            onChange={(event) => setDraft((was) => ({ ...was, to: event.target.value }))}
          />
        </label>
        <button type="submit" className="button primary small">
          {t.audit.apply}
        </button>
      </form>
      {status === "loading" && <Loading />}
      {status === "failed" && error && <ErrorState error={error} onRetry={() => setRound((n) => n + 1)} />}
      {status === "ready" &&
        (items.length === 0 ? (
          <EmptyState>{t.audit.empty}</EmptyState>
        ) : (
          <>
            <Table label={t.audit.title} columns={columns} rows={items} rowKey={(e) => e.id} />
            {cursor && (
              <p>
                <button
                  type="button"
                  className="button secondary"
                  disabled={more}
                  aria-busy={more}
                  onClick={() => void loadMore()}
                >
                  {t.audit.loadMore}
                </button>
              </p>
            )}
          </>
        ))}
    </section>
  );
}
