// Guests: search (name, phone or the 6-digit code the guest shows) as one types, filters, sort and
// the server's pages; a CSV export of what the filters match; and, for owners and admins, a CSV
// import with its progress followed until done, its per-row errors and the recent imports.
import { useEffect, useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { saveDownload } from "../api/download.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { hrefOf } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { errorText, formatDateTime, formatNumber, useLocale, useT } from "../i18n/locale.ts";
import { can } from "../state/session-store.ts";

const sorts = ["createdAt", "lastVisit", "balance", "name"] as const;
type Sort = (typeof sorts)[number];

export interface GuestFilters {
  q: string;
  levelId: string;
  lastVisitFrom: string;
  lastVisitTo: string;
  balanceMin: string;
  balanceMax: string;
  registered: "" | "true" | "false";
}

const noFilters: GuestFilters = {
  q: "",
  levelId: "",
  lastVisitFrom: "",
  lastVisitTo: "",
  balanceMin: "",
  balanceMax: "",
  registered: "",
};

/** The filters the API takes: only those set. */
export function filterQuery(
  filters: GuestFilters,
): Partial<Omit<GuestFilters, "registered">> & { registered?: "true" | "false" } {
  return Object.fromEntries(
    Object.entries(filters)
      .map(([key, value]) => [key, value.trim()])
      .filter(([, value]) => value !== ""),
  );
}

const loadGuests = (api: AdminClient, query: Record<string, string>) => call(api.api.v1.guests.$get({ query }));
const loadLevels = (api: AdminClient) => call(api.api.v1.program.$get());
type Guest = Awaited<ReturnType<typeof loadGuests>>["items"][number];

/** A value that settles: the search runs once the typing pauses, not on every key. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const guestName = (guest: { firstName: string | null; lastName: string | null }, fallback: string) =>
  [guest.firstName, guest.lastName].filter(Boolean).join(" ") || fallback;

export default function GuestsPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const [filters, setFilters] = useState<GuestFilters>(noFilters);
  const [sort, setSort] = useState<Sort>("createdAt");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(1);
  const settled = useDebounced(filters, 300);
  const query = { ...filterQuery(settled), sort, order, page: String(page), pageSize: "25" };
  const key = JSON.stringify(query);
  const list = useLoad(() => loadGuests(api, query), [api, key]);
  const levels = useLoad(() => loadLevels(api), [api]);
  const levelList = levels.status === "ready" ? levels.data.levels : [];
  const set = (change: Partial<GuestFilters>) => {
    setFilters((was) => ({ ...was, ...change }));
    setPage(1);
  };

  const exportCsv = async () => {
    try {
      await saveDownload(
        api.api.v1.guests["export.csv"].$get({ query: filterQuery(filters) }) as unknown as Promise<Response>,
        "guests.csv",
      );
      toast(t.guests.exported);
    } catch (error) {
      toast(errorText(error as ApiError, t));
    }
  };

  const columns: Column<Guest>[] = [
    {
      header: t.guests.name,
      className: "main",
      cell: (g) => (
        <>
          <a className="strong" href={hrefOf(`/guests/${g.id}`)}>
            {guestName(g, t.guests.noName)}
          </a>
          {!g.registeredAt && <div className="muted small">{t.guests.notRegistered}</div>}
        </>
      ),
    },
    { header: t.guests.phone, cell: (g) => <span className="mono">{g.phone ?? "—"}</span> },
    { header: t.guests.level, cell: (g) => g.levelName ?? "—" },
    { header: t.guests.balance, cell: (g) => formatNumber(g.balance, locale) },
    { header: t.guests.lastVisit, cell: (g) => (g.lastVisitAt ? formatDateTime(g.lastVisitAt, locale) : "—") },
    { header: t.guests.added, cell: (g) => formatDateTime(g.createdAt, locale) },
  ];

  const pages = list.status === "ready" ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;
  const filtered = JSON.stringify(filters) !== JSON.stringify(noFilters);

  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.guests.title}</h1>
        {can(profile, "guests.export") && (
          <button type="button" className="button secondary" onClick={() => void exportCsv()}>
            {t.guests.export}
          </button>
        )}
      </header>
      <div className="panel filters">
        <label className="field compact grow">
          <span>{t.guests.search}</span>
          <input
            type="search"
            value={filters.q}
            placeholder={t.guests.searchHint}
            onChange={(event) => set({ q: event.target.value })}
          />
        </label>
        <label className="field compact">
          <span>{t.guests.level}</span>
          <select value={filters.levelId} onChange={(event) => set({ levelId: event.target.value })}>
            <option value="">{t.guests.anyLevel}</option>
            {levelList.map((level) => (
              <option key={level.id} value={level.id}>
                {level.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field compact">
          <span>{t.guests.lastVisitFrom}</span>
          <input
            type="date"
            value={filters.lastVisitFrom}
            onChange={(event) => set({ lastVisitFrom: event.target.value })}
          />
        </label>
        <label className="field compact">
          <span>{t.guests.lastVisitTo}</span>
          <input
            type="date"
            value={filters.lastVisitTo}
            onChange={(event) => set({ lastVisitTo: event.target.value })}
          />
        </label>
        <label className="field compact narrow">
          <span>{t.guests.balanceMin}</span>
          <input
            type="number"
            min={0}
            inputMode="numeric"
            value={filters.balanceMin}
            onChange={(event) => set({ balanceMin: event.target.value })}
          />
        </label>
        <label className="field compact narrow">
          <span>{t.guests.balanceMax}</span>
          <input
            type="number"
            min={0}
            inputMode="numeric"
            value={filters.balanceMax}
            onChange={(event) => set({ balanceMax: event.target.value })}
          />
        </label>
        <label className="field compact">
          <span>{t.guests.registered}</span>
          <select
            value={filters.registered}
            onChange={(event) => set({ registered: event.target.value as GuestFilters["registered"] })}
          >
            <option value="">{t.guests.any}</option>
            <option value="true">{t.common.yes}</option>
            <option value="false">{t.common.no}</option>
          </select>
        </label>
        <label className="field compact">
          <span>{t.guests.sort}</span>
          <select
            value={sort}
            onChange={(event) => {
              setSort(event.target.value as Sort);
              setPage(1);
            }}
          >
            {sorts.map((one) => (
              <option key={one} value={one}>
                {t.guests.sorts[one]}
              </option>
            ))}
          </select>
        </label>
        <label className="field compact">
          <span>{t.guests.order}</span>
          <select
            value={order}
            onChange={(event) => {
              setOrder(event.target.value as "asc" | "desc");
              setPage(1);
            }}
          >
            <option value="desc">{t.guests.desc}</option>
            <option value="asc">{t.guests.asc}</option>
          </select>
        </label>
        {filtered && (
          <button type="button" className="button small secondary" onClick={() => set(noFilters)}>
            {t.guests.reset}
          </button>
        )}
      </div>
      {list.status === "loading" && <Loading />}
      {list.status === "failed" && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === "ready" &&
        (list.data.items.length === 0 ? (
          <EmptyState>{filtered ? t.guests.empty : t.guests.none}</EmptyState>
        ) : (
          <>
            <p className="muted small" aria-live="polite">
              {t.guests.total(list.data.total)}
            </p>
            <Table label={t.guests.title} columns={columns} rows={list.data.items} rowKey={(g) => g.id} />
            {pages > 1 && (
              <nav className="pager" aria-label={t.guests.pageOf(page, pages)}>
                <button
                  type="button"
                  className="button small secondary"
                  disabled={page <= 1}
                  onClick={() => setPage((n) => n - 1)}
                >
                  {t.guests.previous}
                </button>
                <span className="muted small">{t.guests.pageOf(page, pages)}</span>
                <button
                  type="button"
                  className="button small secondary"
                  disabled={page >= pages}
                  onClick={() => setPage((n) => n + 1)}
                >
                  {t.guests.next}
                </button>
              </nav>
            )}
          </>
        ))}
      {can(profile, "guests.import") && <ImportSection onImported={list.reload} />}
    </section>
  );
}

const loadImports = (api: AdminClient) => call(api.api.v1["guest-imports"].$get({ query: { limit: "5" } }));
const loadImport = (api: AdminClient, importId: string) =>
  call(api.api.v1["guest-imports"][":importId"].$get({ param: { importId } }));
type ImportView = Awaited<ReturnType<typeof loadImport>>;
type ImportSummary = Awaited<ReturnType<typeof loadImports>>["items"][number];

const MAX_BYTES = 5 * 1024 * 1024;
const finished = (status: string) => status === "done" || status === "failed";

function ImportSection({ onImported }: { onImported: () => void }) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [current, setCurrent] = useState<ImportView | null>(null);
  const recent = useLoad(() => loadImports(api), [api]);

  // Follow the import until the workers finish it.
  const currentId = current?.id ?? null;
  const currentDone = current ? finished(current.status) : true;
  useEffect(() => {
    if (!currentId || currentDone) return;
    let live = true;
    const timer = setInterval(async () => {
      try {
        const view = await loadImport(api, currentId);
        if (!live) return;
        setCurrent(view);
        if (finished(view.status)) {
          recent.reload();
          onImported();
        }
      } catch (failure) {
        if (live) setError(errorText(failure as ApiError, t));
      }
    }, 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, currentId, currentDone, recent.reload, onImported, t]);

  const upload = async () => {
    setError(null);
    if (!file) return setError(t.guests.chooseFile);
    if (file.size > MAX_BYTES) return setError(t.guests.tooBig);
    setBusy(true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const queued = await call(
        api.api.v1["guest-imports"].$post(
          { query: { fileName: file.name } },
          { headers: { "Content-Type": "text/csv" }, init: { body: bytes } },
        ),
      );
      setCurrent(await loadImport(api, queued.id));
      recent.reload();
    } catch (failure) {
      setError(errorText(failure as ApiError, t));
    } finally {
      setBusy(false);
    }
  };

  const downloadErrors = async (importId: string) => {
    try {
      await saveDownload(
        api.api.v1["guest-imports"][":importId"]["errors.csv"].$get({
          param: { importId },
        }) as unknown as Promise<Response>,
        "errors.csv",
      );
    } catch (failure) {
      toast(errorText(failure as ApiError, t));
    }
  };

  const columns: Column<ImportSummary>[] = [
    { header: t.guests.importFile, className: "main", cell: (i) => <span className="strong">{i.fileName}</span> },
    { header: t.guests.importWhen, cell: (i) => formatDateTime(i.createdAt, locale) },
    { header: t.guests.importBy, cell: (i) => i.createdBy?.name ?? "—" },
    {
      header: t.guests.importRows,
      cell: (i) => (
        <div>
          <span className={i.status === "failed" ? "badge off" : i.status === "done" ? "badge ok" : "badge pending"}>
            {t.guests.importStatus[i.status]}
          </span>{" "}
          <span className="small">{t.guests.counts(i.createdRows, i.updatedRows, i.failedRows)}</span>
        </div>
      ),
    },
    {
      header: t.common.actions,
      className: "actions",
      cell: (i) =>
        i.failedRows > 0 ? (
          <button type="button" className="button small secondary" onClick={() => void downloadErrors(i.id)}>
            {t.guests.downloadErrors}
          </button>
        ) : null,
    },
  ];

  return (
    <section className="panel import" aria-labelledby="import-title">
      <h2 id="import-title">{t.guests.importTitle}</h2>
      <p className="muted small">{t.guests.importHint}</p>
      <div className="import-row">
        <label className="field compact grow">
          <span>{t.guests.file}</span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setError(null);
            }}
          />
        </label>
        <button type="button" className="button primary" disabled={busy} aria-busy={busy} onClick={() => void upload()}>
          {t.guests.upload}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {current && (
        <div className="import-progress" data-testid="import-progress">
          <div className="strong">
            {current.fileName}: {t.guests.importStatus[current.status]}
          </div>
          <progress max={Math.max(1, current.totalRows)} value={current.processedRows} />
          <div className="small">
            {t.guests.progress(current.processedRows, current.totalRows)} ·{" "}
            {t.guests.counts(current.createdRows, current.updatedRows, current.failedRows)}
          </div>
          {current.errors.length > 0 && (
            <>
              <h3>{t.guests.rowErrors}</h3>
              <Table
                label={t.guests.rowErrors}
                columns={[
                  { header: t.guests.row, cell: (e) => e.row ?? t.guests.wholeFile },
                  { header: t.guests.field, cell: (e) => e.field ?? "—" },
                  { header: t.guests.message, className: "main", cell: (e) => e.message },
                ]}
                rows={current.errors}
                rowKey={(e) => `${e.row}-${e.field}-${e.message}`}
              />
              {current.errorsTruncated && <p className="notice">{t.guests.errorsTruncated}</p>}
              <button type="button" className="button small secondary" onClick={() => void downloadErrors(current.id)}>
                {t.guests.downloadErrors}
              </button>
            </>
          )}
        </div>
      )}
      <h3>{t.guests.recentImports}</h3>
      {recent.status === "loading" && <Loading />}
      {recent.status === "failed" && <ErrorState error={recent.error} onRetry={recent.reload} />}
      {recent.status === "ready" &&
        (recent.data.items.length === 0 ? (
          <p className="muted">{t.guests.noImports}</p>
        ) : (
          <Table label={t.guests.recentImports} columns={columns} rows={recent.data.items} rowKey={(i) => i.id} />
        ))}
    </section>
  );
}
