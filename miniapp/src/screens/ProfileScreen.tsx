// The guest's profile: name, birthday (set once), language and notifications. Changes are saved
// together with the main button; a refused value leaves the saved profile as it was.
import { useState } from "react";
import type { ApiError } from "../api/client.ts";
import type { Profile, ProfilePatch } from "../api/guest-api.ts";
import { useGuest, useT } from "../app/context.tsx";
import { ErrorState, Skeleton, useErrorText } from "../components/states.tsx";
import { MainAction } from "../telegram/hooks.tsx";
import { haptic } from "../telegram/webapp.ts";

export default function ProfileScreen() {
  const profile = useGuest((s) => s.profile);
  const load = useGuest((s) => s.loadProfile);
  // Here rather than in the form, which starts afresh from each saved profile.
  const [justSaved, setJustSaved] = useState(false);
  if (profile.status === "failed") return <ErrorState error={profile.error} onRetry={load} />;
  if (profile.status !== "ready") return <Skeleton lines={5} />;
  // Keyed by the saved profile, so the form starts again from what was saved.
  return (
    <ProfileForm
      key={JSON.stringify(profile.data)}
      profile={profile.data}
      justSaved={justSaved}
      onSaved={setJustSaved}
    />
  );
}

interface Draft {
  name: string;
  birthday: string;
  locale: "ru" | "en";
  notificationsEnabled: boolean;
}

const draftOf = (profile: Profile, fallbackLocale: "ru" | "en"): Draft => ({
  name: [profile.firstName, profile.lastName].filter(Boolean).join(" "),
  birthday: profile.birthday ?? "",
  locale: profile.locale ?? fallbackLocale,
  notificationsEnabled: profile.notificationsEnabled,
});

/** Only what changed, so an untouched field is never re-validated or re-written. */
export function profilePatch(saved: Draft, draft: Draft): ProfilePatch {
  const patch: ProfilePatch = {};
  if (draft.name.trim() !== saved.name) patch.name = draft.name.trim();
  if (draft.birthday && draft.birthday !== saved.birthday) patch.birthday = draft.birthday;
  if (draft.locale !== saved.locale) patch.locale = draft.locale;
  if (draft.notificationsEnabled !== saved.notificationsEnabled)
    patch.notificationsEnabled = draft.notificationsEnabled;
  return patch;
}

function ProfileForm({
  profile,
  justSaved,
  onSaved,
}: {
  profile: Profile;
  justSaved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const t = useT();
  const errorText = useErrorText();
  const locale = useGuest((s) => s.locale);
  const save = useGuest((s) => s.saveProfile);
  const saved = draftOf(profile, locale);
  const [draft, setDraft] = useState(saved);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const patch = profilePatch(saved, draft);
  const dirty = Object.keys(patch).length > 0;
  const edit = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setError(null);
    onSaved(false);
  };
  const submit = async () => {
    if (!dirty || busy) return;
    setBusy(true);
    try {
      await save(patch);
      haptic.success();
      onSaved(true);
    } catch (caught) {
      haptic.error();
      setError(caught as ApiError);
      setBusy(false);
    }
  };
  return (
    <form
      className="profile"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h1 className="screen-title">{t.profile.title}</h1>
      <label className="field">
        <span>{t.profile.name}</span>
        <input
          name="name"
          value={draft.name}
          maxLength={100}
          autoComplete="name"
          onChange={(event) => edit({ name: event.target.value })}
        />
      </label>
      <label className="field">
        <span>{t.profile.phone}</span>
        <input name="phone" value={profile.phone ?? "—"} readOnly disabled />
        <small className="hint">{t.profile.phoneHint}</small>
      </label>
      <label className="field">
        <span>{t.profile.birthday}</span>
        <input
          name="birthday"
          type="date"
          value={draft.birthday}
          disabled={profile.birthday !== null}
          onChange={(event) => edit({ birthday: event.target.value })}
        />
        <small className="hint">{profile.birthday ? t.profile.birthdayLocked : t.profile.birthdayHint}</small>
      </label>
      <label className="field">
        <span>{t.profile.language}</span>
        <select
          name="locale"
          value={draft.locale}
          onChange={(event) => edit({ locale: event.target.value === "en" ? "en" : "ru" })}
        >
          <option value="ru">Русский</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="field toggle">
        <input
          name="notifications"
          type="checkbox"
          checked={draft.notificationsEnabled}
          onChange={(event) => edit({ notificationsEnabled: event.target.checked })}
        />
        <span>
          {t.profile.notifications}
          <small className="hint">{t.profile.notificationsHint}</small>
        </span>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {errorText(error)}
        </p>
      )}
      {justSaved && !dirty && (
        <p className="saved" role="status">
          ✓ {t.profile.saved}
        </p>
      )}
      <MainAction text={t.profile.save} onClick={() => void submit()} enabled={dirty} busy={busy} />
    </form>
  );
}
