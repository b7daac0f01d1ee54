// Telegram's HTML subset (core.telegram.org/bots/api#html-style), read the way Telegram reads it,
// so a broadcast is refused with a clear message before it is sent rather than by Telegram's "can't
// parse entities" halfway through an audience. The same tree is what the admin view previews and
// what the sender writes back as HTML (with every stray "&" and ">" escaped, every attribute
// quoted), so the preview shows what guests will see. Pure: no DOM, used by the API and the
// browser alike.
//
// Where Telegram would accept a text but quietly drop part of its formatting, the text is refused
// instead, so the preview never promises what guests will not get: the nesting rules of the Bot
// API's "Formatting options" (bold, italic, underline, strikethrough and spoiler go anywhere but
// inside code; a link, a custom emoji, code, pre and a date-time hold none of each other; a
// blockquote holds anything but another blockquote) and a <pre>'s language, which Telegram takes
// only from a <code class="language-…"> that is the whole of the <pre>.

/** What Telegram accepts in a text message: 4096 characters after entities are parsed. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export type TelegramTag = "b" | "i" | "u" | "s" | "spoiler" | "a" | "code" | "pre" | "blockquote" | "emoji" | "time";

export interface TelegramElement {
  kind: "element";
  tag: TelegramTag;
  /** a: href; pre: language; blockquote: expandable; emoji: the custom emoji's id; time: unix, format */
  href?: string;
  language?: string;
  expandable?: boolean;
  emojiId?: string;
  unix?: number;
  format?: string;
  children: TelegramNode[];
}

export interface TelegramText {
  kind: "text";
  text: string;
}

export type TelegramNode = TelegramElement | TelegramText;

export type TelegramHtmlResult =
  | {
      ok: true;
      nodes: TelegramNode[];
      /** UTF-16 code units, as Telegram counts: "\r" dropped, leading and trailing blanks trimmed */
      length: number;
    }
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
  "tg-time": "time",
};

/** Telegram's splittable entities: they may hold, and sit inside, anything but code and pre. */
const styles: ReadonlySet<TelegramTag> = new Set(["b", "i", "u", "s", "spoiler"]);

const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** A custom emoji's id is a positive 64-bit integer; Telegram refuses 0 and anything larger. */
const INT64_MAX = 9_223_372_036_854_775_807n;
/** One emoji, as the content of <tg-emoji> must be (a flag, a keycap and a ZWJ family included). */
// biome-ignore lint/complexity/useRegexLiterals: TypeScript allows the "v" flag in a literal only from an ES2024 target; Node 20 and the browsers have it
const ONE_EMOJI = new RegExp("^\\p{RGI_Emoji}$", "v");
/** The date-time entity's format string, as the Bot API documents it. */
const TIME_FORMAT = /^(?:r|w?[dD]?[tT]?)$/;

type Problem = { message: string; offset: number };

/** Decodes the entities Telegram supports; a "&" that starts none of them stays itself. */
function decode(raw: string, at: number): { text: string } | Problem {
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
      // Telegram reads "&#0;" as those four characters, and a lone surrogate breaks the message.
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
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

/**
 * Whether Telegram keeps `child` inside the open `ancestor` (Bot API, "Formatting options": message
 * entities can be nested). `direct`: the ancestor is the child's parent.
 */
function mayHold(ancestor: TelegramElement, child: TelegramTag, direct: boolean): boolean {
  if (styles.has(ancestor.tag)) return true;
  switch (ancestor.tag) {
    case "blockquote":
      return child !== "blockquote";
    case "pre":
      // <pre><code class="language-…">: the one way to give a block its language
      return child === "code" && direct && ancestor.children.length === 0;
    case "a":
    case "emoji":
      return styles.has(child);
    default:
      // code and date-time hold nothing
      return false;
  }
}

function textOf(nodes: readonly TelegramNode[]): string {
  return nodes.map((node) => (node.kind === "text" ? node.text : textOf(node.children))).join("");
}

/** Checks an element's attributes as Telegram reads them and sets what it carries. */
function readAttributes(element: TelegramElement, name: string, attrs: Map<string, string>, lt: number) {
  const problem = (message: string): Problem => ({ message, offset: lt });
  switch (element.tag) {
    case "spoiler":
      if (name === "span" && attrs.get("class") !== "tg-spoiler") {
        return problem('Telegram supports <span> only as <span class="tg-spoiler">');
      }
      return null;
    case "a": {
      const href = decode(attrs.get("href") ?? "", lt);
      if ("message" in href) return href;
      if (!/^(https?:\/\/|tg:\/\/)\S+$/i.test(href.text)) {
        return problem("a link needs href with an http(s):// or tg:// address");
      }
      element.href = href.text;
      return null;
    }
    case "blockquote":
      if (attrs.has("expandable")) element.expandable = true;
      return null;
    case "emoji": {
      const id = attrs.get("emoji-id") ?? "";
      if (!/^[1-9][0-9]{0,18}$/.test(id) || BigInt(id) > INT64_MAX) {
        return problem("<tg-emoji> needs an emoji-id, the custom emoji's number");
      }
      element.emojiId = id;
      return null;
    }
    case "time": {
      const unix = attrs.get("unix") ?? "";
      if (!/^[0-9]{1,12}$/.test(unix)) return problem("<tg-time> needs unix, the moment in seconds since 1970");
      const format = attrs.get("format");
      if (format !== undefined && !TIME_FORMAT.test(format)) {
        return problem('<tg-time> format is "r", or some of "w", "d" or "D", "t" or "T" in that order');
      }
      element.unix = Number(unix);
      if (format) element.format = format;
      return null;
    }
    default:
      return null;
  }
}

/** What a closing tag must find true of the element it closes. */
function closingProblem(open: Open, closeAt: number): Problem | null {
  const { element } = open;
  if (element.tag === "emoji" && !ONE_EMOJI.test(textOf(element.children))) {
    return {
      message: "<tg-emoji> must hold one ordinary emoji, shown where the custom one cannot be",
      offset: closeAt,
    };
  }
  return null;
}

/** Parses text written in Telegram's HTML subset; the first problem found is reported. */
export function parseTelegramHtml(source: string): TelegramHtmlResult {
  const root: TelegramElement = { kind: "element", tag: "b", children: [] };
  const stack: Open[] = [];
  const current = () => stack.at(-1)?.element ?? root;
  // the message's text as Telegram will hold it, and where its first entity starts
  let plain = "";
  let firstEntityAt: number | null = null;
  let index = 0;
  const addText = (raw: string, at: number): Problem | null => {
    if (raw === "") return null;
    const decoded = decode(raw, at);
    if ("message" in decoded) return decoded;
    const parent = current();
    if (parent.tag === "pre" && stack.length > 0 && parent.children.some((child) => child.kind === "element")) {
      return { message: "a <pre> with a <code> holds nothing else: put all of it inside the <code>", offset: at };
    }
    plain += decoded.text;
    const last = parent.children.at(-1);
    if (last?.kind === "text") last.text += decoded.text;
    else parent.children.push({ kind: "text", text: decoded.text });
    return null;
  };

  while (index < source.length) {
    const lt = source.indexOf("<", index);
    const textEnd = lt < 0 ? source.length : lt;
    // A stray ">" is text to Telegram as well; it goes back escaped.
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
      const refused = closingProblem(open, lt);
      if (refused) return { ok: false, ...refused };
      stack.pop();
    } else {
      const element: TelegramElement = { kind: "element", tag: canonical, children: [] };
      for (const [depth, open] of stack.entries()) {
        if (!mayHold(open.element, canonical, depth === stack.length - 1)) {
          const inPre = open.element.tag === "pre" && canonical === "code";
          return {
            ok: false,
            message: inPre
              ? "a <pre> with a <code> holds nothing else: put all of it inside the <code>"
              : `<${name}> cannot be inside <${open.name}>`,
            offset: lt,
          };
        }
      }
      const attrs = attributesOf(tag[3] ?? "");
      const refused = readAttributes(element, name, attrs, lt);
      if (refused) return { ok: false, ...refused };
      const parent = current();
      if (canonical === "code" && parent.tag === "pre" && stack.length > 0) {
        const language = /^language-([\w+#-]{1,40})$/.exec(attrs.get("class") ?? "");
        if (language?.[1]) parent.language = language[1];
      }
      parent.children.push(element);
      stack.push({ element, name, offset: lt });
      firstEntityAt ??= plain.length;
    }
    index = gt + 1;
  }
  const unclosed = stack.at(-1);
  if (unclosed) return { ok: false, message: `<${unclosed.name}> is never closed`, offset: unclosed.offset };
  return { ok: true, nodes: root.children, length: countedLength(plain, firstEntityAt) };
}

/**
 * The length Telegram holds the message to: it drops "\r", trims spaces and line breaks at the
 * end, and at the start up to the first entity.
 */
function countedLength(plain: string, firstEntityAt: number | null): number {
  const dropped = (text: string) => text.length - text.replaceAll("\r", "").length;
  const lead = /^[ \n\r]*/.exec(plain.slice(0, firstEntityAt ?? plain.length))?.[0] ?? "";
  const kept = plain.slice(lead.length).replace(/[ \n\r]+$/, "");
  return kept.length - dropped(kept);
}

const escapeHtml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const attribute = (value: string) => escapeHtml(value).replaceAll('"', "&quot;");

const tagNames: Record<"b" | "i" | "u" | "s" | "spoiler" | "code", string> = {
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
          return `<a href="${attribute(node.href ?? "")}">${inner}</a>`;
        case "pre": {
          // the language rides on the inner <code class="language-…">, which is the whole block
          const [code] = node.children;
          if (node.language && code?.kind === "element" && node.children.length === 1) {
            return `<pre><code class="language-${attribute(node.language)}">${toTelegramHtml(code.children)}</code></pre>`;
          }
          return `<pre>${inner}</pre>`;
        }
        case "blockquote":
          return `<blockquote${node.expandable ? " expandable" : ""}>${inner}</blockquote>`;
        case "emoji":
          return `<tg-emoji emoji-id="${attribute(node.emojiId ?? "")}">${inner}</tg-emoji>`;
        case "time": {
          const format = node.format ? ` format="${attribute(node.format)}"` : "";
          return `<tg-time unix="${node.unix ?? 0}"${format}>${inner}</tg-time>`;
        }
        default:
          return `<${tagNames[node.tag]}>${inner}</${tagNames[node.tag]}>`;
      }
    })
    .join("");
}
