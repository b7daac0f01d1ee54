// The loyalty card: balance, level and progress, the points that lapse first, and the rotating
// QR token with its 6-digit code, large enough to scan at arm's length.
import { useEffect } from "react";
import type { GuestCard } from "../api/guest-api.ts";
import { useGuest, useLocale, useT } from "../app/context.tsx";
import { navigate } from "../app/routes.ts";
import { useNow } from "../app/use-now.ts";
import { QrCode } from "../components/QrCode.tsx";
import { ErrorState, ProgressBar, Skeleton } from "../components/states.tsx";
import { formatDate, formatMoney, formatNumber } from "../i18n/format.ts";
import { closeApp, haptic } from "../telegram/webapp.ts";
import { useLiveCard } from "./use-live-card.ts";

export function CardScreen() {
  const card = useGuest((s) => s.card);
  const loadCard = useGuest((s) => s.loadCard);
  useLiveCard();
  if (card.status === "failed") return <ErrorState error={card.error} onRetry={() => void loadCard()} />;
  if (card.status !== "ready") return <Skeleton lines={4} tall />;
  return <CardView card={card.data} />;
}

export function CardView({ card }: { card: GuestCard }) {
  const t = useT();
  const locale = useLocale();
  const profile = useGuest((s) => s.profile);
  const money = (minor: string | number) => formatMoney(minor, card.tenant.currency, locale);
  const points = (n: number) => t.points(formatNumber(n, locale), n);
  return (
    <div className="card-screen">
      <section className="card-hero" aria-label={t.card.balance}>
        <div className="card-tenant">{card.tenant.name}</div>
        <div className="card-balance-label">{t.card.balance}</div>
        <div className="card-balance" data-testid="balance">
          {formatNumber(card.balance, locale)}
        </div>
        <div className="card-balance-unit">
          {t.points("", card.balance).trim()} · {t.card.worth(money(card.balance * card.pointValueMinor))}
        </div>
        {card.available < card.balance && <div className="card-note">{t.card.available(points(card.available))}</div>}
        <BalanceChangeToast />
        <LevelProgress card={card} />
        {card.expiringSoonest && (
          <div className="card-expiring" data-testid="expiring">
            ⏳{" "}
            {t.card.expiring(
              points(card.expiringSoonest.points),
              formatDate(card.expiringSoonest.expiresAt, card.tenant.timeZone, locale),
            )}
          </div>
        )}
      </section>
      {profile.status === "ready" && !profile.data.registered && (
        <section className="banner">
          <p>{t.card.finishSignUp}</p>
          <button type="button" className="button secondary" onClick={closeApp}>
            {t.card.openBot}
          </button>
        </section>
      )}
      <IdentificationPanel card={card} />
      {profile.status === "ready" && profile.data.staff && (
        <button type="button" className="button secondary wide" onClick={() => navigate("till")}>
          🧾 {t.card.staffEntry}
        </button>
      )}
    </div>
  );
}

function LevelProgress({ card }: { card: GuestCard }) {
  const t = useT();
  const locale = useLocale();
  if (!card.level && !card.nextLevel) return null;
  return (
    <div className="card-level">
      <div className="card-level-row">
        <span className="badge">{card.level?.name ?? "—"}</span>
        {card.nextLevel && <span className="hint">{card.nextLevel.name}</span>}
      </div>
      {card.nextLevel ? (
        <>
          <ProgressBar value={card.progress} label={card.nextLevel.name} />
          <div className="hint">
            {t.card.toNext(
              formatMoney(card.nextLevel.remainingMinor, card.tenant.currency, locale),
              card.nextLevel.name,
            )}
          </div>
        </>
      ) : (
        <div className="hint">{t.card.topLevel}</div>
      )}
    </div>
  );
}

function IdentificationPanel({ card }: { card: GuestCard }) {
  const t = useT();
  const now = useNow(1000);
  const { qr, code } = card.identification;
  const secondsLeft = Math.max(0, Math.ceil((Date.parse(qr.expiresAt) - 14_000 - now) / 1000));
  return (
    <section className="card-qr" aria-label={t.card.showAtTill}>
      <div className="card-qr-title">{t.card.showAtTill}</div>
      <QrCode value={qr.token} label={t.card.showAtTill} />
      <div className="hint">{t.card.codeHint}</div>
      <div className="guest-code" data-testid="guest-code">
        {code.code.slice(0, 3)} {code.code.slice(3)}
      </div>
      <div className="hint small" aria-live="off">
        {secondsLeft > 0 ? t.card.refreshesIn(secondsLeft) : t.card.refreshing}
      </div>
    </section>
  );
}

function BalanceChangeToast() {
  const t = useT();
  const locale = useLocale();
  const change = useGuest((s) => s.change);
  useEffect(() => {
    if (change) haptic.success();
  }, [change]);
  if (!change) return null;
  const amount = t.points(formatNumber(Math.abs(change.delta), locale), Math.abs(change.delta));
  return (
    <div key={change.seq} className={`toast ${change.delta > 0 ? "plus" : "minus"}`} role="status">
      {change.delta > 0 ? t.card.earned(amount) : t.card.spent(amount)}
    </div>
  );
}
