// How the message will look in Telegram: the text read by the same parser the API checks it with
// (@maxl/shared), drawn as React elements (never as HTML), with the button under it. A text that
// does not parse shows the reason instead, at the character where it goes wrong.
import { parseTelegramHtml, type TelegramNode } from "@maxl/shared";
import type { ReactNode } from "react";
import { useT } from "../i18n/locale.ts";

function render(nodes: readonly TelegramNode[], path = "n"): ReactNode[] {
  return nodes.map((node, index) => {
    const key = `${path}.${index}`;
    if (node.kind === "text") return <span key={key}>{node.text}</span>;
    const inner = render(node.children, key);
    switch (node.tag) {
      case "b":
        return <strong key={key}>{inner}</strong>;
      case "i":
        return <em key={key}>{inner}</em>;
      case "u":
        return <u key={key}>{inner}</u>;
      case "s":
        return <s key={key}>{inner}</s>;
      case "spoiler":
        return (
          <span key={key} className="tg-spoiler">
            {inner}
          </span>
        );
      case "a":
        return (
          <a key={key} href={node.href} target="_blank" rel="noreferrer noopener">
            {inner}
          </a>
        );
      case "code":
        return <code key={key}>{inner}</code>;
      case "pre":
        return <pre key={key}>{inner}</pre>;
      case "blockquote":
        return <blockquote key={key}>{inner}</blockquote>;
      case "time":
        // Telegram shows the moment in each guest's own format; the text is what it falls back to
        return (
          <time key={key} dateTime={new Date((node.unix ?? 0) * 1000).toISOString()}>
            {inner}
          </time>
        );
      default:
        return <span key={key}>{inner}</span>;
    }
  });
}

export function TelegramPreview({
  text,
  format,
  button,
}: {
  text: string;
  format: "html" | "plain";
  button: { label: string; url: string } | null;
}) {
  const t = useT();
  const parsed = format === "html" ? parseTelegramHtml(text) : null;
  return (
    <figure className="tg-preview" aria-label={t.broadcasts.preview}>
      <figcaption className="muted small">{t.broadcasts.preview}</figcaption>
      <div className="tg-bubble" data-testid="broadcast-preview">
        {text.trim() === "" ? (
          <span className="muted">{t.broadcasts.previewEmpty}</span>
        ) : parsed && !parsed.ok ? (
          <span className="field-error">{parsed.message}</span>
        ) : parsed?.ok ? (
          render(parsed.nodes)
        ) : (
          text
        )}
      </div>
      {button && button.label.trim() !== "" && <div className="tg-button">{button.label}</div>}
    </figure>
  );
}
