// The points history, newest first, grouped by day in the restaurant's time zone; more pages
// load as the guest scrolls to the end.
import { useEffect, useRef } from "react";
import type { HistoryItem } from "../api/guest-api.ts";
import { useGuest, useLocale, useT } from "../app/context.tsx";
import { EmptyState, ErrorState, Skeleton } from "../components/states.tsx";
import { dayKey, formatDate, formatMoney, formatNumber, formatTime } from "../i18n/format.ts";
import type { Messages } from "../i18n/messages.ts";

export interface DayGroup {
  key: string;
  items: HistoryItem[];
}

/** Consecutive items of one calendar day (in the time zone) together, in the order given. */
export function groupByDay(items: HistoryItem[], timeZone: string): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const item of items) {
    const key = dayKey(new Date(item.at), timeZone);
    const last = groups.at(-1);
    if (last?.key === key) last.items.push(item);
    else groups.push({ key, items: [item] });
  }
  return groups;
}

export function historyTitle(item: HistoryItem, t: Messages): string {
  if (item.kind === "bonus" && item.reason && t.history.bonusReasons[item.reason]) {
    return t.history.bonusReasons[item.reason] ?? t.history.kinds.bonus;
  }
  return t.history.kinds[item.kind];
}

export default function HistoryScreen() {
  const t = useT();
  const history = useGuest((s) => s.history);
  const card = useGuest((s) => s.card);
  const loadMore = useGuest((s) => s.loadMoreHistory);
  const sentinel = useRef<HTMLDivElement>(null);
  const timeZone = card.status === "ready" ? card.data.tenant.timeZone : "Europe/Moscow";
  const currency = card.status === "ready" ? card.data.tenant.currency : "RUB";

  useEffect(() => {
    if (history.status === "idle") void loadMore();
  }, [history.status, loadMore]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore]);

  if (history.items.length === 0) {
    if (history.status === "failed" && history.error) return <ErrorState error={history.error} onRetry={loadMore} />;
    if (history.status === "ready") return <EmptyState icon="🧾">{t.history.empty}</EmptyState>;
    return <Skeleton lines={6} />;
  }
  return (
    <div className="history">
      <h1 className="screen-title">{t.history.title}</h1>
      {groupByDay(history.items, timeZone).map((group) => (
        <section key={group.key} className="history-day">
          <h2 className="section-title">
            <DayLabel dayKeyValue={group.key} iso={group.items[0]?.at ?? ""} timeZone={timeZone} />
          </h2>
          <ul className="list">
            {group.items.map((item) => (
              <HistoryRow key={item.id} item={item} timeZone={timeZone} currency={currency} />
            ))}
          </ul>
        </section>
      ))}
      <div ref={sentinel} className="history-end hint">
        {history.status === "failed" && history.error ? (
          <ErrorState error={history.error} onRetry={loadMore} />
        ) : history.nextCursor === null && history.status === "ready" ? (
          t.history.end
        ) : (
          <button type="button" className="link-button" onClick={() => void loadMore()}>
            {t.history.more}
          </button>
        )}
      </div>
    </div>
  );
}

function DayLabel({ dayKeyValue, iso, timeZone }: { dayKeyValue: string; iso: string; timeZone: string }) {
  const t = useT();
  const locale = useLocale();
  const today = dayKey(new Date(), timeZone);
  const yesterday = dayKey(new Date(Date.now() - 86_400_000), timeZone);
  if (dayKeyValue === today) return <>{t.history.today}</>;
  if (dayKeyValue === yesterday) return <>{t.history.yesterday}</>;
  return <>{formatDate(iso, timeZone, locale)}</>;
}

function HistoryRow({ item, timeZone, currency }: { item: HistoryItem; timeZone: string; currency: string }) {
  const t = useT();
  const locale = useLocale();
  const details = [
    formatTime(item.at, timeZone, locale),
    item.restaurant,
    item.amountMinor ? t.history.check(formatMoney(item.amountMinor, currency, locale)) : null,
  ].filter(Boolean);
  return (
    <li className="list-row" data-testid="history-row">
      <div>
        <div>{historyTitle(item, t)}</div>
        <div className="hint small">{details.join(" · ")}</div>
      </div>
      <div className={`points ${item.points >= 0 ? "plus" : "minus"}`}>
        {item.points >= 0 ? "+" : "−"}
        {formatNumber(Math.abs(item.points), locale)}
      </div>
    </li>
  );
}
