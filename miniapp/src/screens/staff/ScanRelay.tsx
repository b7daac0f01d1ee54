// The scanner the bot's /till opens from its reply keyboard. Telegram gives such a launch no
// launch data, only sendData: the scanned guest token goes back to the bot's chat, which does
// the rest of the till there.
import { useCallback, useEffect, useState } from "react";
import { useT } from "../../app/context.tsx";
import { EmptyState } from "../../components/states.tsx";
import { closeApp, haptic, qrScanner, sendToBot } from "../../telegram/webapp.ts";

export default function ScanRelay() {
  const t = useT();
  const [scanning, setScanning] = useState(false);
  const scan = useCallback(async () => {
    setScanning(true);
    const token = await qrScanner.scan(t.till.scanPrompt, (text) => {
      if (text.startsWith("mlq_")) return true;
      haptic.error();
      return false;
    });
    setScanning(false);
    if (token) {
      haptic.success();
      sendToBot(JSON.stringify({ qrToken: token }));
    }
  }, [t]);
  useEffect(() => {
    if (qrScanner.available()) void scan();
  }, [scan]);
  if (!qrScanner.available()) return <EmptyState icon="📷">{t.errors.reopen}</EmptyState>;
  return (
    <div className="scan-relay">
      <h1 className="screen-title">{t.scanRelay.title}</h1>
      {scanning ? (
        <p className="hint">{t.scanRelay.opening}</p>
      ) : (
        <>
          <button type="button" className="button primary wide big" onClick={() => void scan()}>
            📷 {t.scanRelay.again}
          </button>
          <button type="button" className="button secondary wide" onClick={closeApp}>
            ⌨️ {t.scanRelay.typeInstead}
          </button>
        </>
      )}
    </div>
  );
}
