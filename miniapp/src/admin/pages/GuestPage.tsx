// A guest's page (#/guests/<id>): profile, level (and a level set by hand), balance and the points
// expiring soon, the points history and the checks (older pages on demand), and the changes a
// manager makes by hand: points with a reason, a level until a date.
import { useCallback, useEffect, useState } from "react";
import { type AdminClient, type ApiError, call } from "../api/client.ts";
import { useProfile, useServices } from "../app/context.tsx";
import { hrefOf } from "../app/routes.ts";
import { useLoad } from "../app/use-load.ts";
import { AdjustPointsDialog } from "../components/AdjustPointsDialog.tsx";
import { Field, FormError, useSubmit } from "../components/Field.tsx";
import { Modal } from "../components/Modal.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import {
  errorText,
  formatDateTime,
  formatDay,
  formatMoneyMinor,
  formatNumber,
  useLocale,
  useT,
} from "../i18n/locale.ts";
import { can } from "../state/session-store.ts";
import { guestName } from "./GuestsPage.tsx";

const loadGuest = (api: AdminClient, guestId: string) =>
  call(api.api.v1.guests[":guestId"].$get({ param: { guestId } }));
const loadLedger = (api: AdminClient, guestId: string, cursor?: string) =>
  call(api.api.v1.guests[":guestId"].ledger.$get({ param: { guestId }, query: cursor ? { cursor } : {} }));
const loadChecks = (api: AdminClient, guestId: string, cursor?: string) =>
  call(api.api.v1.guests[":guestId"].checks.$get({ param: { guestId }, query: cursor ? { cursor } : {} }));
type Guest = Awaited<ReturnType<typeof loadGuest>>;
type Entry = Awaited<ReturnType<typeof loadLedger>>["items"][number];
type Check = Awaited<ReturnType<typeof loadChecks>>["items"][number];

interface Paged<T> {
  items: T[];
  nextCursor: string | null;
  status: "loading" | "ready" | "failed";
  error: ApiError | null;
  more: boolean;
}

/** A newest-first list with a "load more" for the next, older page; reset() starts again. */
function usePaged<T>(load: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>, key: string) {
  const t = useT();
  const [state, setState] = useState<Paged<T>>({
    items: [],
    nextCursor: null,
    status: "loading",
    error: null,
    more: false,
  });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key and the round say when to start again
  useEffect(() => {
    let live = true;
    setState((was) => ({ ...was, status: was.items.length ? "ready" : "loading", error: null }));
    load().then(
      (page) =>
        live && setState({ items: page.items, nextCursor: page.nextCursor, status: "ready", error: null, more: false }),
      (error: ApiError) => live && setState((was) => ({ ...was, status: "failed", error })),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const loadMore = async () => {
    if (!state.nextCursor) return;
    setState((was) => ({ ...was, more: true }));
    try {
      const page = await load(state.nextCursor);
      setState((was) => ({ ...was, items: [...was.items, ...page.items], nextCursor: page.nextCursor, more: false }));
    } catch (error) {
      setState((was) => ({ ...was, more: false }));
      toast(errorText(error as ApiError, t));
    }
  };
  const reset = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, loadMore, reset };
}

export default function GuestPage({ guestId }: { guestId: string }) {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const profile = useProfile();
  const guest = useLoad(() => loadGuest(api, guestId), [api, guestId]);
  const ledger = usePaged((cursor) => loadLedger(api, guestId, cursor), guestId);
  const checks = usePaged((cursor) => loadChecks(api, guestId, cursor), guestId);
  const [dialog, setDialog] = useState<"adjust" | "level" | null>(null);

  if (guest.status === "loading") return <Loading />;
  if (guest.status === "failed") return <ErrorState error={guest.error} onRetry={guest.reload} />;
  const g = guest.data;
  const name = guestName(g, t.guests.noName);
  const money = (minor: string) => formatMoneyMinor(minor, g.currency, locale);
  const signed = (value: number) => `${value > 0 ? "+" : ""}${formatNumber(value, locale)}`;

  const ledgerColumns: Column<Entry>[] = [
    { header: t.guest.when, cell: (e) => formatDateTime(e.at, locale) },
    {
      header: t.guest.kind,
      className: "main",
      cell: (e) => (
        <>
          <span className="strong">{t.guest.kinds[e.kind] ?? e.kind}</span>{" "}
          <span className="muted small">{t.guest.sources[e.source] ?? e.source}</span>
        </>
      ),
    },
    {
      header: t.guest.points,
      cell: (e) => <span className={e.points < 0 ? "minus" : "plus"}>{signed(e.points)}</span>,
    },
    { header: t.guest.balanceAfter, cell: (e) => formatNumber(e.balanceAfter, locale) },
    { header: t.guest.reason, cell: (e) => e.reason ?? "—" },
    { header: t.guest.by, cell: (e) => e.actor?.name ?? "—" },
  ];
  const checkColumns: Column<Check>[] = [
    { header: t.guest.when, cell: (c) => formatDateTime(c.closedAt, locale) },
    {
      header: t.guest.kind,
      className: "main",
      cell: (c) => (
        <>
          <span className="strong">{c.kind === "sale" ? t.guest.sale : t.guest.refund}</span>{" "}
          <span className="muted small">{c.externalId ?? ""}</span>
          {c.refunds.map((refund) => (
            <div key={refund.id} className="small minus">
              {t.guest.refunded(money(refund.amountMinor))}
            </div>
          ))}
        </>
      ),
    },
    { header: t.guest.restaurant, cell: (c) => c.restaurant?.name ?? "—" },
    { header: t.guest.amount, cell: (c) => formatMoneyMinor(c.amountMinor, c.currency, locale) },
    { header: t.guest.paid, cell: (c) => formatMoneyMinor(c.paidMinor, c.currency, locale) },
    { header: t.guest.pointsSpent, cell: (c) => formatNumber(c.pointsRedeemed, locale) },
  ];

  return (
    <section className="page">
      <p>
        <a href={hrefOf("/guests")}>← {t.guest.back}</a>
      </p>
      <header className="page-head">
        <h1>{name}</h1>
        <div className="row-actions">
          {can(profile, "levels.setManual") && can(profile, "program.read") && (
            <button type="button" className="button secondary" onClick={() => setDialog("level")}>
              {t.guest.setLevel}
            </button>
          )}
          {can(profile, "points.adjust") && (
            <button type="button" className="button primary" onClick={() => setDialog("adjust")}>
              {t.guest.adjust}
            </button>
          )}
        </div>
      </header>
      <div className="guest-grid">
        <div className="panel">
          <dl className="facts">
            <dt>{t.guest.phone}</dt>
            <dd className="mono">{g.phone ?? g.phoneHint ?? "—"}</dd>
            <dt>{t.guest.birthday}</dt>
            <dd>{formatDay(g.birthday, locale)}</dd>
            <dt>{t.guest.registered}</dt>
            <dd>{g.registeredAt ? formatDateTime(g.registeredAt, locale) : t.guests.notRegistered}</dd>
            <dt>{t.guest.lastVisit}</dt>
            <dd>{formatDateTime(g.lastVisitAt, locale)}</dd>
            <dt>{t.guest.telegram}</dt>
            <dd>{g.telegramLinked ? t.guest.linked : t.guest.notLinked}</dd>
            <dt>{t.guest.notifications}</dt>
            <dd>{g.notificationsEnabled ? t.guest.on : t.guest.off}</dd>
          </dl>
        </div>
        <div className="panel">
          <dl className="facts">
            <dt>{t.guest.balance}</dt>
            <dd>
              <span className="big" data-testid="guest-balance">
                {formatNumber(g.balance, locale)}
              </span>
              {g.available !== g.balance && (
                <div className="muted small">{t.guest.available(formatNumber(g.available, locale))}</div>
              )}
            </dd>
            <dt>{t.guest.level}</dt>
            <dd data-testid="guest-level">
              {g.level ? g.level.name : t.guest.noLevel}
              {g.level && (
                <span className="muted small">
                  {" "}
                  ·{" "}
                  {t.guest.earnRate(
                    formatNumber(g.level.earnRateBps / 10_000, locale, { style: "percent", maximumFractionDigits: 2 }),
                  )}
                </span>
              )}
              {g.manualLevel && (
                <div className="notice small">
                  {t.guest.manualLevel(g.manualLevel.name, formatDateTime(g.manualLevel.until, locale))}
                </div>
              )}
            </dd>
            <dt>{t.guest.expiring}</dt>
            <dd>
              {g.expiringSoon.length === 0
                ? t.guest.noExpiring
                : g.expiringSoon.map((one) => (
                    <div key={one.expiresAt}>
                      {t.guest.expiringItem(formatNumber(one.points, locale), formatDateTime(one.expiresAt, locale))}
                    </div>
                  ))}
            </dd>
          </dl>
        </div>
      </div>

      <h2>{t.guest.ledger}</h2>
      <PagedTable label={t.guest.ledger} paged={ledger} columns={ledgerColumns} empty={t.guest.noLedger} />
      <h2>{t.guest.checks}</h2>
      <PagedTable label={t.guest.checks} paged={checks} columns={checkColumns} empty={t.guest.noChecks} />

      {dialog === "adjust" && (
        <AdjustPointsDialog
          guest={{ id: g.id, name, balance: g.balance }}
          onClose={() => setDialog(null)}
          onDone={(result) => {
            setDialog(null);
            toast(t.guest.adjusted(signed(result.points), formatNumber(result.balance, locale)));
            guest.reload();
            ledger.reset();
          }}
        />
      )}
      {dialog === "level" && (
        <LevelDialog
          guest={g}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            toast(t.guest.levelSaved);
            guest.reload();
            ledger.reset();
          }}
        />
      )}
    </section>
  );
}

function PagedTable<T extends { id: string }>({
  label,
  paged,
  columns,
  empty,
}: {
  label: string;
  paged: Paged<T> & { loadMore(): Promise<void>; reset(): void };
  columns: Column<T>[];
  empty: string;
}) {
  const t = useT();
  if (paged.status === "loading") return <Loading />;
  if (paged.status === "failed" && paged.error) return <ErrorState error={paged.error} onRetry={paged.reset} />;
  if (paged.items.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <>
      <Table label={label} columns={columns} rows={paged.items} rowKey={(row) => row.id} />
      {paged.nextCursor && (
        <p>
          <button
            type="button"
            className="button secondary"
            disabled={paged.more}
            aria-busy={paged.more}
            onClick={() => void paged.loadMore()}
          >
            {t.guest.loadMore}
          </button>
        </p>
      )}
    </>
  );
}

const loadLevels = (api: AdminClient) => call(api.api.v1.program.$get());

/** A level by hand until a date, or back to the level the guest's spend earns. */
function LevelDialog({ guest, onClose, onSaved }: { guest: Guest; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const { api } = useServices();
  const levels = useLoad(() => loadLevels(api), [api]);
  const [levelId, setLevelId] = useState(guest.manualLevel?.id ?? "");
  const [until, setUntil] = useState(guest.manualLevel?.until.slice(0, 10) ?? "");
  const [reason, setReason] = useState("");
  const submit = useSubmit(["levelId", "until", "reason"]);
  const save = () =>
    submit.run(async () => {
      await call(
        api.api.v1.guests[":guestId"]["manual-level"].$put({
          param: { guestId: guest.id },
          json: {
            levelId: levelId || null,
            reason,
            ...(levelId && until ? { until: new Date(`${until}T23:59:59`).toISOString() } : {}),
          },
        }),
      );
      onSaved();
    });
  return (
    <Modal
      title={t.guest.setLevelTitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button secondary" onClick={onClose}>
            {t.common.cancel}
          </button>
          <button type="submit" form="level-form" className="button primary" disabled={submit.busy}>
            {t.common.save}
          </button>
        </>
      }
    >
      <form
        id="level-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label={t.guest.level} error={submit.errors.fields.levelId}>
          {(props) => (
            <select {...props} value={levelId} onChange={(event) => setLevelId(event.target.value)}>
              <option value="">{t.guest.automatic}</option>
              {levels.status === "ready" &&
                levels.data.levels.map((level) => (
                  <option key={level.id} value={level.id}>
                    {level.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
        {levelId && (
          <Field label={t.guest.levelUntil} error={submit.errors.fields.until}>
            {(props) => (
              <input {...props} type="date" value={until} onChange={(event) => setUntil(event.target.value)} />
            )}
          </Field>
        )}
        <Field label={t.guest.adjustReason} error={submit.errors.fields.reason}>
          {(props) => (
            <textarea {...props} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />
          )}
        </Field>
        <FormError errors={submit.errors} />
      </form>
    </Modal>
  );
}
