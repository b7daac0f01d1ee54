// The program's levels, what each takes and gives, and where the guest stands.
import { useEffect } from "react";
import { useGuest, useLocale, useT } from "../app/context.tsx";
import { EmptyState, ErrorState, Skeleton } from "../components/states.tsx";
import { formatDate, formatMoney, formatPercentBps } from "../i18n/format.ts";

export default function LevelsScreen() {
  const t = useT();
  const locale = useLocale();
  const levels = useGuest((s) => s.levels);
  const card = useGuest((s) => s.card);
  const load = useGuest((s) => s.loadLevels);
  useEffect(() => {
    if (levels.status === "idle") void load();
  }, [levels.status, load]);
  if (levels.status === "failed") return <ErrorState error={levels.error} onRetry={load} />;
  if (levels.status !== "ready") return <Skeleton lines={5} />;
  const table = levels.data;
  if (table.levels.length === 0) return <EmptyState icon="🏅">{t.levels.empty}</EmptyState>;
  const currency = card.status === "ready" ? card.data.tenant.currency : "RUB";
  const timeZone = card.status === "ready" ? card.data.tenant.timeZone : "Europe/Moscow";
  return (
    <div className="levels">
      <h1 className="screen-title">{t.levels.title}</h1>
      <p className="hint">{t.levels.spent(formatMoney(table.spendMinor, currency, locale), table.levelWindowDays)}</p>
      {table.manualUntil && (
        <p className="hint">{t.levels.manualUntil(formatDate(table.manualUntil, timeZone, locale))}</p>
      )}
      <ol className="list">
        {table.levels.map((level) => (
          <li
            key={level.id}
            className={`list-row level ${level.current ? "current" : ""} ${level.reached ? "reached" : ""}`}
            aria-current={level.current ? "true" : undefined}
          >
            <div>
              <div className="level-name">
                {level.reached ? "✅" : "🔒"} {level.name}
              </div>
              <div className="hint small">
                {t.levels.threshold(formatMoney(level.thresholdMinor, currency, locale))} ·{" "}
                {t.levels.rate(formatPercentBps(level.earnRateBps, locale))}
              </div>
            </div>
            {level.current && <span className="badge">{t.levels.current}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}
