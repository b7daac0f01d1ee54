// The one place the app touches Telegram's WebApp object: launch data, theme, native buttons,
// haptics and the QR scanner. Every call is guarded by the client's version, because an older
// Telegram logs an error (and does nothing) for a method it does not know.
import sdk from "@twa-dev/sdk";

// The SDK is CommonJS, and bundlers disagree on what its default import is: the WebApp object
// (Vite's dev server) or the module's exports around it (the production build).
const WebApp: typeof sdk = "onEvent" in sdk ? sdk : (sdk as unknown as { default: typeof sdk }).default;

export type Locale = "ru" | "en";

export interface Launch {
  /** the raw launch data; empty outside Telegram and when opened from a keyboard button */
  initData: string;
  /** the restaurant business (slug) the bot opened the app for */
  tenant: string | null;
  /** true inside a Telegram client (some launch modes carry no initData) */
  inTelegram: boolean;
  locale: Locale;
}

export function readLaunch(): Launch {
  const params = new URLSearchParams(window.location.search);
  const languageCode = WebApp.initDataUnsafe.user?.language_code ?? navigator.language ?? "ru";
  return {
    initData: WebApp.initData,
    tenant: params.get("tenant") || WebApp.initDataUnsafe.start_param || null,
    inTelegram: WebApp.platform !== "unknown",
    locale: /^(ru|uk|be|kk)/i.test(languageCode) ? "ru" : "en",
  };
}

function applyColorScheme() {
  document.documentElement.dataset.theme = WebApp.colorScheme;
}

/** Tells Telegram the app is ready and follows its theme (the SDK itself sets --tg-theme-* vars). */
export function startTelegram(): Launch {
  applyColorScheme();
  WebApp.onEvent("themeChanged", applyColorScheme);
  WebApp.ready();
  if (WebApp.isVersionAtLeast("6.1")) WebApp.expand();
  return readLaunch();
}

// Native buttons and haptics need a Telegram client around the page: the mobile and desktop apps
// inject TelegramWebviewProxy, the web versions host the app in an iframe. A page opened on its
// own (development, end-to-end tests) draws its own buttons instead.
function hasTelegramHost(): boolean {
  return "TelegramWebviewProxy" in window || window.parent !== window;
}

const supports = (version: string) => hasTelegramHost() && WebApp.isVersionAtLeast(version);

export const haptic = {
  tap() {
    if (supports("6.1")) WebApp.HapticFeedback.impactOccurred("light");
  },
  select() {
    if (supports("6.1")) WebApp.HapticFeedback.selectionChanged();
  },
  success() {
    if (supports("6.1")) WebApp.HapticFeedback.notificationOccurred("success");
  },
  error() {
    if (supports("6.1")) WebApp.HapticFeedback.notificationOccurred("error");
  },
};

export const backButton = {
  available: () => supports("6.1"),
  show(onBack: () => void): () => void {
    WebApp.BackButton.onClick(onBack);
    WebApp.BackButton.show();
    return () => {
      WebApp.BackButton.offClick(onBack);
      WebApp.BackButton.hide();
    };
  },
};

export interface MainButtonState {
  text: string;
  onClick: () => void;
  enabled: boolean;
  busy: boolean;
}

export const mainButton = {
  available: () => supports("6.1"),
  show(state: MainButtonState): () => void {
    WebApp.MainButton.setParams({ text: state.text, is_active: state.enabled && !state.busy, is_visible: true });
    if (state.busy) WebApp.MainButton.showProgress(false);
    else WebApp.MainButton.hideProgress();
    WebApp.MainButton.onClick(state.onClick);
    return () => {
      WebApp.MainButton.offClick(state.onClick);
      WebApp.MainButton.hideProgress();
      WebApp.MainButton.hide();
    };
  },
};

export const qrScanner = {
  available: () => supports("6.4"),
  /**
   * Opens Telegram's scanner until `accept` takes a scanned text (returns true) or the user
   * closes it; resolves with the accepted text, or null when closed.
   */
  scan(prompt: string, accept: (text: string) => boolean): Promise<string | null> {
    return new Promise((resolve) => {
      let accepted: string | null = null;
      const closed = () => {
        WebApp.offEvent("scanQrPopupClosed", closed);
        resolve(accepted);
      };
      WebApp.onEvent("scanQrPopupClosed", closed);
      WebApp.showScanQrPopup({ text: prompt }, (text) => {
        if (!accept(text)) return; // keep scanning
        accepted = text;
        // Closing ourselves: Telegram fires scanQrPopupClosed only when the user closes it.
        WebApp.offEvent("scanQrPopupClosed", closed);
        resolve(text);
        return true;
      });
    });
  },
};

/** Sends data to the bot and closes the app (only for apps opened from a keyboard button). */
export function sendToBot(data: string) {
  WebApp.sendData(data);
}

export function closeApp() {
  WebApp.close();
}
