// Telegram's HTML subset (core.telegram.org/bots/api#html-style), read the way Telegram reads it,
// so a broadcast is refused with a clear message before it is sent rather than by Telegram's "can't
// parse entities" halfway through an audience. The same tree is what the admin view previews and
// what the sender writes back as HTML (with every stray "&", "<" and ">" escaped), so the preview
// shows what guests will see. Pure: no DOM, used by the API and the browser alike.

/** What Telegram accepts in a text message: 4096 characters after entities are parsed. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export type TelegramTag = "b" | "i" | "u" | "s" | "spoiler" | "a" | "code" | "pre" | "blockquote" | "emoji";

export interface TelegramElement {
  kind: "element";
  tag: TelegramTag;
  /** a: href; pre: language; blockquote: expandable; emoji: the custom emoji's id */
  href?: string;
  language?: string;
  expandable?: boolean;
  emojiId?: string;
  children: TelegramNode[];
}

export interface TelegramText {
  kind: "text";
  text: string;
}

export type TelegramNode = TelegramElement | TelegramText;

export type TelegramHtmlResult =
  | { ok: true; nodes: TelegramNode[] /** UTF-16 code units, as Telegram counts */; length: number }
  | { ok: false; message: string; offset: number };

const aliases: Record<string, TelegramTag> = {
  b: "b",
  strong: "b",
  i: "i",
  em: "i",
  u: "u",
  ins: "u",
  s: "s",
  strike: "s",
  del: "s",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "a",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
  "tg-emoji": "emoji",
};

const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Decodes the entities Telegram supports; a "&" that starts none of them stays itself. */
function decode(raw: string, at: number): { text: string } | { message: string; offset: number } {
  let text = "";
  let index = 0;
  while (index < raw.length) {
    const amp = raw.indexOf("&", index);
    if (amp < 0) {
      text += raw.slice(index);
      break;
    }
    text += raw.slice(index, amp);
    const entity = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{0,31});/.exec(raw.slice(amp));
    if (!entity?.[1]) {
      text += "&";
      index = amp + 1;
      continue;
    }
    const name = entity[1];
    if (name.startsWith("#")) {
      const code = name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return { message: `"&${name};" is not a character`, offset: at + amp };
      }
      text += String.fromCodePoint(code);
    } else {
      const named = entities[name];
      if (named === undefined) {
        return { message: `Telegram knows only &lt; &gt; &amp; &quot;, not "&${name};"`, offset: at + amp };
      }
      text += named;
    }
    index = amp + entity[0].length;
  }
  return { text };
}

interface Open {
  element: TelegramElement;
  name: string;
  offset: number;
}

const ATTRIBUTE = /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributesOf(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1]?.toLowerCase();
    if (name) found.set(name, match[2] ?? match[3] ?? match[4] ?? "");
  }
  return found;
}

/** Parses text written in Telegram's HTML subset; the first problem found is reported. */
export function parseTelegramHtml(source: string): TelegramHtmlResult {
  const root: TelegramElement = { kind: "element", tag: "b", children: [] };
  const stack: Open[] = [];
  const current = () => stack.at(-1)?.element ?? root;
  let length = 0;
  let index = 0;
  const addText = (raw: string, at: number): { message: string; offset: number } | null => {
    if (raw === "") return null;
    const decoded = decode(raw, at);
    if ("message" in decoded) return decoded;
    const parent = current();
    length += decoded.text.length;
    const last = parent.children.at(-1);
    if (last?.kind === "text") last.text += decoded.text;
    else parent.children.push({ kind: "text", text: decoded.text });
    return null;
  };

  while (index < source.length) {
    const lt = source.indexOf("<", index);
    const textEnd = lt < 0 ? source.length : lt;
    if (source.slice(index, textEnd).includes(">")) {
      return {
        ok: false,
        message: 'write "&gt;" for ">" outside a tag',
        offset: index + source.slice(index).indexOf(">"),
      };
    }
    const problem = addText(source.slice(index, textEnd), index);
    if (problem) return { ok: false, ...problem };
    if (lt < 0) break;
    const gt = source.indexOf(">", lt);
    const tag = gt < 0 ? null : /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^>]*)?)>$/.exec(source.slice(lt, gt + 1));
    if (!tag || gt < 0) {
      return { ok: false, message: 'write "&lt;" for "<" that does not start a tag', offset: lt };
    }
    const closing = tag[1] === "/";
    const name = (tag[2] ?? "").toLowerCase();
    const canonical = aliases[name];
    if (!canonical) {
      return { ok: false, message: `Telegram does not support the <${name}> tag`, offset: lt };
    }
    if (closing) {
      const open = stack.at(-1);
      if (!open || open.name !== name) {
        return {
          ok: false,
          message: open ? `</${name}> closes <${open.name}>, which is still open` : `</${name}> closes nothing`,
          offset: lt,
        };
      }
      stack.pop();
    } else {
      const attrs = attributesOf(tag[3] ?? "");
      const element: TelegramElement = { kind: "element", tag: canonical, children: [] };
      const parent = current();
      if (stack.length > 0 && (parent.tag === "code" || (parent.tag === "pre" && canonical !== "code"))) {
        return { ok: false, message: `<${name}> cannot be inside <${stack.at(-1)?.name}>`, offset: lt };
      }
      if (stack.some((open) => open.element.tag === canonical)) {
        return { ok: false, message: `<${name}> cannot be inside another <${name}>`, offset: lt };
      }
      if (canonical === "spoiler" && name === "span" && attrs.get("class") !== "tg-spoiler") {
        return { ok: false, message: 'Telegram supports <span> only as <span class="tg-spoiler">', offset: lt };
      }
      if (canonical === "a") {
        const href = decode(attrs.get("href") ?? "", lt);
        if ("message" in href) return { ok: false, ...href };
        if (!/^(https?:\/\/|tg:\/\/)\S+$/i.test(href.text)) {
          return { ok: false, message: "a link needs href with an http(s):// or tg:// address", offset: lt };
        }
        element.href = href.text;
      }
      if (canonical === "code" && parent.tag === "pre" && stack.length > 0) {
        const language = /^language-([\w+#-]{1,40})$/.exec(attrs.get("class") ?? "");
        if (language?.[1]) parent.language = language[1];
      }
      if (canonical === "blockquote" && attrs.has("expandable")) element.expandable = true;
      if (canonical === "emoji") {
        const id = attrs.get("emoji-id") ?? "";
        if (!/^\d{1,20}$/.test(id)) return { ok: false, message: "<tg-emoji> needs an emoji-id", offset: lt };
        element.emojiId = id;
      }
      parent.children.push(element);
      stack.push({ element, name, offset: lt });
    }
    index = gt + 1;
  }
  const unclosed = stack.at(-1);
  if (unclosed) return { ok: false, message: `<${unclosed.name}> is never closed`, offset: unclosed.offset };
  return { ok: true, nodes: root.children, length };
}

const escapeHtml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

const tagNames: Record<Exclude<TelegramTag, "a" | "pre" | "blockquote" | "emoji">, string> = {
  b: "b",
  i: "i",
  u: "u",
  s: "s",
  spoiler: "tg-spoiler",
  code: "code",
};

/** The tree written back as the HTML Telegram is sent: canonical tags, every entity escaped. */
export function toTelegramHtml(nodes: readonly TelegramNode[]): string {
  return nodes
    .map((node) => {
      if (node.kind === "text") return escapeHtml(node.text);
      const inner = toTelegramHtml(node.children);
      switch (node.tag) {
        case "a":
          return `<a href="${escapeHtml(node.href ?? "").replaceAll('"', "&quot;")}">${inner}</a>`;
        case "pre": {
          // the language rides on the inner <code class="language-…">, which the children carry
          return `<pre>${node.language ? inner.replace(/^<code>/, `<code class="language-${node.language}">`) : inner}</pre>`;
        }
        case "blockquote":
          return `<blockquote${node.expandable ? " expandable" : ""}>${inner}</blockquote>`;
        case "emoji":
          return `<tg-emoji emoji-id="${node.emojiId ?? ""}">${inner}</tg-emoji>`;
        default:
          return `<${tagNames[node.tag]}>${inner}</${tagNames[node.tag]}>`;
      }
    })
    .join("");
}
