// Broadcasts: the month's allowance on the plan, every broadcast with its status and delivery
// (progress while sending, delivered / blocked / failed once sent), a new one composed in the
// editor, a draft reopened there, and a scheduled or sending one cancelled. While anything is
// sending or scheduled the list refreshes itself.
import { useEffect, useState } from "react";
import { useProfile, useServices } from "../app/context.tsx";
import { useLoad } from "../app/use-load.ts";
import { BroadcastEditor } from "../broadcasts/BroadcastEditor.tsx";
import { type Broadcast, cancelBroadcast, loadBroadcasts } from "../broadcasts/broadcast-api.ts";
import { ConfirmDialog } from "../components/Modal.tsx";
import { EmptyState, ErrorState, Loading } from "../components/states.tsx";
import { type Column, Table } from "../components/Table.tsx";
import { toast } from "../components/toast.tsx";
import { formatZoned } from "../events/zoned-time.ts";
import { formatNumber, useLocale, useT } from "../i18n/locale.ts";

const REFRESH_MS = 3_000;
const badgeOf: Record<Broadcast["status"], string> = {
  draft: "",
  scheduled: "pending",
  sending: "pending",
  sent: "ok",
  cancelled: "off",
};

export default function BroadcastsPage() {
  const t = useT();
  const locale = useLocale();
  const { api } = useServices();
  const zone = useProfile().tenant.timeZone;
  const list = useLoad(() => loadBroadcasts(api), [api]);
  const [editing, setEditing] = useState<Broadcast | "new" | null>(null);
  const [cancelling, setCancelling] = useState<Broadcast | null>(null);
  const count = (n: number) => formatNumber(n, locale);
  const live =
    list.status === "ready" &&
    list.data.broadcasts.some((one) => one.status === "sending" || one.status === "scheduled");
  const { reload } = list;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, reload]);

  const columns: Column<Broadcast>[] = [
    { header: t.broadcasts.created, cell: (b) => formatZoned(b.createdAt, locale, zone) },
    {
      header: t.broadcasts.message,
      className: "main",
      cell: (b) =>
        b.status === "draft" ? (
          <button type="button" className="link-button strong" onClick={() => setEditing(b)}>
            {excerpt(b.text)}
          </button>
        ) : (
          <span className="strong">{excerpt(b.text)}</span>
        ),
    },
    {
      header: t.broadcasts.audienceColumn,
      cell: (b) => {
        const a = b.audience;
        const filtered =
          a.levelIds.length > 0 ||
          a.restaurantIds.length > 0 ||
          a.lastVisitAfter ||
          a.lastVisitBefore ||
          a.minBalance !== null;
        return filtered ? t.broadcasts.filtered : t.broadcasts.everyone;
      },
    },
    {
      header: t.broadcasts.status,
      cell: (b) => (
        <>
          <span className={`badge ${badgeOf[b.status]}`}>{t.broadcasts.statuses[b.status]}</span>
          {b.status === "scheduled" && b.scheduledAt && (
            <div className="muted small">{t.broadcasts.scheduledFor(formatZoned(b.scheduledAt, locale, zone))}</div>
          )}
          {b.status === "cancelled" && b.cancelReason && (
            <div className="muted small">{t.broadcasts.cancelReasons[b.cancelReason] ?? b.cancelReason}</div>
          )}
        </>
      ),
    },
    {
      header: t.broadcasts.progress,
      cell: (b) => {
        const done = b.sent + b.blocked + b.failed;
        if (b.status === "draft" || b.status === "scheduled" || (b.status === "cancelled" && !b.startedAt)) return "—";
        return (
          <>
            {b.status === "sending" && (
              <>
                <progress max={Math.max(1, b.recipients)} value={done} />
                <div className="small">{t.broadcasts.progressOf(count(done), count(b.recipients))}</div>
              </>
            )}
            <div className="small" data-testid="delivery">
              {t.broadcasts.counts(count(b.sent), count(b.blocked), count(b.failed))}
            </div>
            {b.status === "cancelled" && b.remaining > 0 && (
              <div className="muted small">{t.broadcasts.notSent(count(b.remaining))}</div>
            )}
          </>
        );
      },
    },
    {
      header: "",
      cell: (b) =>
        b.status === "draft" || b.status === "scheduled" || b.status === "sending" ? (
          <button type="button" className="button secondary small" onClick={() => setCancelling(b)}>
            {b.status === "sending" ? t.broadcasts.cancelStop : t.broadcasts.cancel}
          </button>
        ) : null,
    },
  ];

  const allowance = list.status === "ready" ? list.data.allowance : null;
  return (
    <section className="page">
      <header className="page-head">
        <h1>{t.broadcasts.title}</h1>
        <button type="button" className="button primary" onClick={() => setEditing("new")}>
          {t.broadcasts.create}
        </button>
      </header>
      {allowance && (
        <p className={allowance.restricted ? "notice" : "muted"} data-testid="allowance-line">
          {allowance.restricted
            ? t.broadcasts.restricted
            : t.broadcasts.allowance(
                count(allowance.used),
                allowance.limit === null ? null : count(allowance.limit),
                allowance.planName,
              )}
        </p>
      )}
      {list.status === "loading" && <Loading />}
      {list.status === "failed" && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === "ready" &&
        (list.data.broadcasts.length > 0 ? (
          <Table label={t.broadcasts.title} columns={columns} rows={list.data.broadcasts} rowKey={(b) => b.id} />
        ) : (
          <EmptyState>
            <p>{t.broadcasts.empty}</p>
          </EmptyState>
        ))}
      {editing && (
        <BroadcastEditor
          {...(editing === "new" ? {} : { broadcast: editing })}
          onClose={() => {
            setEditing(null);
            list.reload();
          }}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      {cancelling && (
        <ConfirmDialog
          title={t.broadcasts.cancelTitle}
          confirmLabel={cancelling.status === "sending" ? t.broadcasts.cancelStop : t.broadcasts.cancel}
          danger
          onClose={() => setCancelling(null)}
          onConfirm={async () => {
            await cancelBroadcast(api, cancelling.id);
            setCancelling(null);
            toast(t.broadcasts.cancelled);
            list.reload();
          }}
        >
          <p>
            {cancelling.status === "draft"
              ? t.broadcasts.cancelDraft
              : cancelling.status === "scheduled"
                ? t.broadcasts.cancelScheduled
                : t.broadcasts.cancelSending(count(cancelling.remaining))}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The first words of the message, without its markup. */
function excerpt(text: string): string {
  const plain = text
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > 80 ? `${plain.slice(0, 79)}…` : plain;
}
