// The signed-in frame: the nav as a sidebar on a desktop and a collapsible top bar on a phone,
// with who is signed in, the language, sign-out and signing out everywhere.
import { type ReactNode, useState } from "react";
import { BillingBanner } from "../components/BillingBanner.tsx";
import { ConfirmDialog } from "../components/Modal.tsx";
import { localeStore, useLocale, useT } from "../i18n/locale.ts";
import { locales } from "../i18n/messages.ts";
import { can } from "../state/session-store.ts";
import { useProfile, useServices } from "./context.tsx";
import { hrefOf, type NavName, navPages } from "./routes.ts";

export function LanguageSwitch() {
  const t = useT();
  const locale = useLocale();
  return (
    <label className="language">
      <span className="visually-hidden">{t.language}</span>
      <select
        value={locale}
        onChange={(event) => localeStore.getState().setLocale(event.target.value as typeof locale)}
      >
        {locales.map((one) => (
          <option key={one} value={one}>
            {t.languages[one]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout({ current, children }: { current: NavName | null; children?: ReactNode }) {
  const t = useT();
  const profile = useProfile();
  const { session } = useServices();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="layout">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <span className="brand-name">{profile.tenant.name}</span>
        </div>
        <button
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls="admin-nav"
          onClick={() => setOpen((was) => !was)}
        >
          {t.menu}
        </button>
      </header>
      <aside className={open ? "sidebar open" : "sidebar"}>
        <nav id="admin-nav" aria-label={t.menu}>
          <ul>
            {navPages
              .filter((page) => can(profile, page.permission))
              .map((page) => (
                <li key={page.name}>
                  <a
                    href={hrefOf(page.path)}
                    className={page.name === current ? "nav-link active" : "nav-link"}
                    aria-current={page.name === current ? "page" : undefined}
                    // A page chosen from the phone's menu closes the menu.
                    onClick={() => setOpen(false)}
                  >
                    {t.nav[page.name]}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          <div className="who-name" data-testid="who">
            {profile.staff.name}
          </div>
          <div className="muted">
            {t.roles[profile.staff.role]} · {profile.staff.email}
          </div>
          <div className="who-actions">
            <LanguageSwitch />
            <button type="button" className="button secondary small" onClick={() => void session.getState().signOut()}>
              {t.signOut}
            </button>
          </div>
          <button type="button" className="link-button small who-everywhere" onClick={() => setConfirming(true)}>
            {t.signOutEverywhere}
          </button>
        </div>
      </aside>
      <main className="content">
        <BillingBanner />
        {children}
      </main>
      {confirming && (
        <ConfirmDialog
          title={t.signOutEverywhere}
          confirmLabel={t.signOutEverywhere}
          danger
          onClose={() => setConfirming(false)}
          // On success the session is over and the sign-in page replaces this frame, dialog and all.
          onConfirm={() => session.getState().signOutEverywhere()}
        >
          {t.signOutEverywhereConfirm}
        </ConfirmDialog>
      )}
    </div>
  );
}
