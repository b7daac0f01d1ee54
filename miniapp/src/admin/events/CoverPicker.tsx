// The event's cover: a JPEG, PNG or WebP of at most 2 MB, checked here before anything is sent
// (the API checks again, down to the image's first bytes), with a preview of the chosen file or
// of the cover already stored.
import { useEffect, useState } from "react";
import { Field } from "../components/Field.tsx";
import { useT } from "../i18n/locale.ts";

export const coverTypes = ["image/jpeg", "image/png", "image/webp"] as const;
export const MAX_COVER_BYTES = 2 * 1024 * 1024;

/** Why this file cannot be a cover, or null when it can. */
export function coverProblem(file: File, t: ReturnType<typeof useT>): string | null {
  if (!(coverTypes as readonly string[]).includes(file.type)) return t.events.invalid.coverType;
  if (file.size > MAX_COVER_BYTES) return t.events.invalid.coverSize;
  return null;
}

export function CoverPicker({
  storedUrl,
  file,
  error,
  onFile,
  onError,
}: {
  /** the cover the event has, if any */
  storedUrl: string | null;
  file: File | null;
  error: string | undefined;
  onFile: (file: File | null) => void;
  onError: (message: string | null) => void;
}) {
  const t = useT();
  const [preview, setPreview] = useState<string | null>(null);
  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);
  const shown = preview ?? storedUrl;
  return (
    <Field label={t.events.fields.cover} error={error} hint={t.events.hints.cover}>
      {(props) => (
        <div className="cover-picker">
          {shown && <img className="cover-preview" src={shown} alt={t.events.coverPreview} />}
          <input
            {...props}
            type="file"
            name="cover"
            accept={coverTypes.join(",")}
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              const problem = chosen ? coverProblem(chosen, t) : null;
              onError(problem);
              onFile(problem ? null : chosen);
              // A refused file is not kept in the input, so choosing it again after a fix is seen.
              if (problem) event.target.value = "";
            }}
          />
        </div>
      )}
    </Field>
  );
}
