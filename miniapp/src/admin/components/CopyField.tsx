// A link or secret shown once, with a button that copies it.
import { useState } from "react";
import { useT } from "../i18n/locale.ts";

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (http, an old browser): select it, so Ctrl+C / long press does the rest.
    input?.select();
    return false;
  }
}

export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const [input, setInput] = useState<HTMLInputElement | null>(null);
  return (
    <div className="field copy-field">
      <span className="copy-label">{label}</span>
      <div className="copy-row">
        <input
          ref={setInput}
          readOnly
          value={value}
          aria-label={label}
          data-testid={testId}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="button secondary"
          onClick={async () => setCopied(await copyText(value, input))}
        >
          {copied ? t.common.copied : t.common.copy}
        </button>
      </div>
    </div>
  );
}
