// Telegram's HTML subset as the Bot API documents it ("Formatting options", HTML style): every tag
// and attribute it lists, its four named entities and all numeric ones, the 4096-character limit
// counted in UTF-16 code units after the markup, the nesting Telegram keeps, refusals that say
// what is wrong and where, and the HTML written back for Telegram.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseTelegramHtml,
  TELEGRAM_TEXT_LIMIT,
  type TelegramElement,
  type TelegramNode,
  toTelegramHtml,
} from "./telegram-html.ts";

const text = (value: string): TelegramNode => ({ kind: "text", text: value });
const el = (tag: TelegramElement["tag"], children: TelegramNode[], extra: Partial<TelegramElement> = {}) =>
  ({ kind: "element", tag, children, ...extra }) as TelegramElement;

function parsed(source: string) {
  const result = parseTelegramHtml(source);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to parse: ${result.message} at ${result.offset}`);
  return result;
}

function refused(source: string) {
  const result = parseTelegramHtml(source);
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} to be refused`);
  return { message: result.message, offset: result.offset };
}

/** Parsed, then written back for Telegram. */
const sent = (source: string) => toTelegramHtml(parsed(source).nodes);

describe("the tags Telegram documents", () => {
  it.each([
    ["<b>x</b>", "b"],
    ["<strong>x</strong>", "b"],
    ["<i>x</i>", "i"],
    ["<em>x</em>", "i"],
    ["<u>x</u>", "u"],
    ["<ins>x</ins>", "u"],
    ["<s>x</s>", "s"],
    ["<strike>x</strike>", "s"],
    ["<del>x</del>", "s"],
    ['<span class="tg-spoiler">x</span>', "spoiler"],
    ["<tg-spoiler>x</tg-spoiler>", "spoiler"],
    ["<code>x</code>", "code"],
    ["<pre>x</pre>", "pre"],
    ["<blockquote>x</blockquote>", "blockquote"],
  ] as const)("%s is %s", (source, tag) => {
    expect(parsed(source).nodes).toEqual([el(tag, [text("x")])]);
  });

  it("writes the aliases back as one canonical tag each", () => {
    expect(sent("<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>")).toBe(
      "<b>a</b><i>b</i><u>c</u><s>d</s><s>e</s>",
    );
    expect(sent('<span class="tg-spoiler">x</span>')).toBe("<tg-spoiler>x</tg-spoiler>");
  });

  it("reads tag names in any case, as HTML does", () => {
    expect(parsed("<B>x</b>").nodes).toEqual([el("b", [text("x")])]);
  });

  it("nests the documented example of styles in styles", () => {
    const source =
      '<b>bold <i>italic bold <s>italic bold strikethrough <span class="tg-spoiler">italic bold strikethrough spoiler</span></s> <u>underline italic bold</u></i> bold</b>';
    expect(sent(source)).toBe(
      "<b>bold <i>italic bold <s>italic bold strikethrough <tg-spoiler>italic bold strikethrough spoiler</tg-spoiler></s> <u>underline italic bold</u></i> bold</b>",
    );
  });

  it("takes a link's href (http, https and tg://), decoding its entities and quoting it when written back", () => {
    expect(parsed('<a href="http://www.example.com/">inline URL</a>').nodes).toEqual([
      el("a", [text("inline URL")], { href: "http://www.example.com/" }),
    ]);
    expect(parsed("<a href='tg://user?id=123456789'>mention</a>").nodes[0]).toMatchObject({
      href: "tg://user?id=123456789",
    });
    expect(sent('<a href="https://cafe.test/?a=1&amp;b=&quot;2&quot;">menu</a>')).toBe(
      '<a href="https://cafe.test/?a=1&amp;b=&quot;2&quot;">menu</a>',
    );
    // unquoted, which Telegram itself would not read past the ":", goes quoted
    expect(sent("<a href=https://cafe.test/menu>menu</a>")).toBe('<a href="https://cafe.test/menu">menu</a>');
  });

  it("refuses a link with no address, or one that is not http(s) or tg", () => {
    expect(refused("<a>x</a>").message).toBe("a link needs href with an http(s):// or tg:// address");
    expect(refused('<a href="javascript:alert(1)">x</a>').message).toMatch(/http\(s\):\/\/ or tg:\/\//);
    expect(refused('<a href="https://cafe.test/a b">x</a>').offset).toBe(0);
  });

  it('gives a <pre> its language only through a <code class="language-…"> that is all of it', () => {
    const source = '<pre><code class="language-python">print("hi")</code></pre>';
    expect(parsed(source).nodes).toEqual([el("pre", [el("code", [text('print("hi")')])], { language: "python" })]);
    expect(sent(source)).toBe('<pre><code class="language-python">print("hi")</code></pre>');
    // the documented rule: no language for a standalone <code>
    expect(sent('<code class="language-python">x</code>')).toBe("<code>x</code>");
  });

  it("keeps a blockquote expandable", () => {
    expect(parsed("<blockquote expandable>long\ntext</blockquote>").nodes).toEqual([
      el("blockquote", [text("long\ntext")], { expandable: true }),
    ]);
    expect(sent("<blockquote expandable>x</blockquote>")).toBe("<blockquote expandable>x</blockquote>");
  });

  it("takes a custom emoji by its id, with an ordinary emoji inside", () => {
    const source = '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>';
    expect(parsed(source).nodes).toEqual([el("emoji", [text("👍")], { emojiId: "5368324170671202286" })]);
    expect(sent(source)).toBe(source);
    expect(sent('<tg-emoji emoji-id="1">👍🏽</tg-emoji><tg-emoji emoji-id="2">🇷🇺</tg-emoji>')).toBe(
      '<tg-emoji emoji-id="1">👍🏽</tg-emoji><tg-emoji emoji-id="2">🇷🇺</tg-emoji>',
    );
  });

  it("refuses a custom emoji Telegram would refuse: no id, id 0 or past 64 bits, or no ordinary emoji inside", () => {
    expect(refused("<tg-emoji>👍</tg-emoji>").message).toMatch(/needs an emoji-id/);
    expect(refused('<tg-emoji emoji-id="0">👍</tg-emoji>').message).toMatch(/needs an emoji-id/);
    expect(refused('<tg-emoji emoji-id="9223372036854775808">👍</tg-emoji>').message).toMatch(/needs an emoji-id/);
    expect(sent('<tg-emoji emoji-id="9223372036854775807">👍</tg-emoji>')).toContain("9223372036854775807");
    expect(refused('<tg-emoji emoji-id="5">like</tg-emoji>')).toEqual({
      message: "<tg-emoji> must hold one ordinary emoji, shown where the custom one cannot be",
      offset: 27,
    });
  });

  it("takes a date and time by its unix moment and format", () => {
    const source = '<tg-time unix="1647531900" format="wDT">22:45 tomorrow</tg-time>';
    expect(parsed(source).nodes).toEqual([el("time", [text("22:45 tomorrow")], { unix: 1647531900, format: "wDT" })]);
    expect(sent(source)).toBe(source);
    for (const format of ["r", "t", "T", "d", "D", "w", "wdt", "DT"]) {
      expect(parseTelegramHtml(`<tg-time unix="1" format="${format}">x</tg-time>`).ok, format).toBe(true);
    }
    expect(sent('<tg-time unix="1647531900">22:45</tg-time>')).toBe('<tg-time unix="1647531900">22:45</tg-time>');
    expect(refused('<tg-time unix="1" format="rt">x</tg-time>').message).toMatch(/format is "r"/);
    expect(refused('<tg-time unix="1" format="Tw">x</tg-time>').message).toMatch(/in that order/);
    expect(refused("<tg-time>x</tg-time>").message).toMatch(/needs unix/);
  });

  it("refuses every tag Telegram does not list, naming it and where it starts", () => {
    expect(refused("Hi <p>there</p>")).toEqual({ message: "Telegram does not support the <p> tag", offset: 3 });
    expect(refused("<script>alert(1)</script>").message).toBe("Telegram does not support the <script> tag");
    expect(refused("line<br>break")).toEqual({ message: "Telegram does not support the <br> tag", offset: 4 });
    expect(refused("<span>x</span>").message).toBe('Telegram supports <span> only as <span class="tg-spoiler">');
  });
});

describe("entities", () => {
  it("decodes the four named ones Telegram knows", () => {
    expect(parsed("&lt;b&gt; &amp; &quot;hi&quot;").nodes).toEqual([text('<b> & "hi"')]);
  });

  it("decodes numeric ones, decimal and hex, beyond the basic plane too", () => {
    expect(parsed("&#65;&#x42;&#x1F600;&#128512;").nodes).toEqual([text("AB😀😀")]);
  });

  it("refuses a named entity Telegram does not know, at its position", () => {
    expect(refused("a&nbsp;b")).toEqual({
      message: 'Telegram knows only &lt; &gt; &amp; &quot;, not "&nbsp;"',
      offset: 1,
    });
  });

  it("refuses numeric entities that are no character: 0, surrogates, past U+10FFFF", () => {
    expect(refused("x&#0;")).toEqual({ message: '"&#0;" is not a character', offset: 1 });
    expect(refused("&#xD83D;").message).toBe('"&#xD83D;" is not a character');
    expect(refused("&#x110000;").message).toBe('"&#x110000;" is not a character');
  });

  it("decodes entities inside attributes", () => {
    expect(parsed('<a href="https://x.test/?q=&lt;1&gt;">x</a>').nodes[0]).toMatchObject({
      href: "https://x.test/?q=<1>",
    });
  });

  it("takes a stray & or > as itself, and writes every &, < and > of the text back escaped", () => {
    expect(parsed("Fish & chips -> 5 > 3, R&D").nodes).toEqual([text("Fish & chips -> 5 > 3, R&D")]);
    expect(sent("Fish & chips -> 5 > 3 &lt; 4 &amp;amp")).toBe("Fish &amp; chips -&gt; 5 &gt; 3 &lt; 4 &amp;amp");
    // "&amp" without its ";" is not an entity here: it stays as typed
    expect(parsed("&amp").nodes).toEqual([text("&amp")]);
  });

  it('refuses a "<" that starts no tag, where it stands', () => {
    expect(refused("1 < 2")).toEqual({ message: 'write "&lt;" for "<" that does not start a tag', offset: 2 });
    expect(refused("<b>x</b> <").offset).toBe(9);
    expect(refused("<b").offset).toBe(0);
    expect(refused("<>").offset).toBe(0);
  });
});

describe("tags that do not balance", () => {
  it("names the tag never closed and where it opened", () => {
    expect(refused("Hi <b>there")).toEqual({ message: "<b> is never closed", offset: 3 });
    expect(refused("<b><i>x</i>")).toEqual({ message: "<b> is never closed", offset: 0 });
  });

  it("names a closing tag that closes nothing, or the wrong one", () => {
    expect(refused("x</b>")).toEqual({ message: "</b> closes nothing", offset: 1 });
    expect(refused("<b><i>x</b></i>")).toEqual({ message: "</b> closes <i>, which is still open", offset: 7 });
    // an alias closes only its own name, as Telegram matches them
    expect(refused("<strong>x</b>").message).toBe("</b> closes <strong>, which is still open");
  });
});

describe("nesting, as Telegram keeps it", () => {
  it("lets the styles hold and sit in anything but code, a style inside itself included", () => {
    for (const source of [
      "<b>a <b>b</b></b>",
      "<b><i><b>x</b></i></b>",
      '<a href="https://x.test"><b>bold link</b></a>',
      '<b><a href="https://x.test">link in bold</a></b>',
      "<i><code>code in italics</code></i>",
      "<b><blockquote>quote in bold</blockquote></b>",
      '<tg-spoiler><tg-emoji emoji-id="1">👍</tg-emoji></tg-spoiler>',
    ]) {
      expect(parseTelegramHtml(source).ok, source).toBe(true);
    }
  });

  it("lets a blockquote hold anything but another blockquote", () => {
    expect(
      parseTelegramHtml('<blockquote><a href="https://x.test">l</a> <code>c</code><pre>p</pre></blockquote>').ok,
    ).toBe(true);
    expect(refused("<blockquote>a <blockquote expandable>b</blockquote></blockquote>")).toEqual({
      message: "<blockquote> cannot be inside <blockquote>",
      offset: 14,
    });
    expect(refused("<blockquote><b><blockquote>x</blockquote></b></blockquote>").offset).toBe(15);
  });

  it("refuses anything inside code or a date-time, and anything but its code inside pre", () => {
    expect(refused("<code><b>x</b></code>")).toEqual({ message: "<b> cannot be inside <code>", offset: 6 });
    expect(refused('<tg-time unix="1"><b>x</b></tg-time>').message).toBe("<b> cannot be inside <tg-time>");
    expect(refused("<pre><i>x</i></pre>").message).toBe("<i> cannot be inside <pre>");
  });

  it("refuses a link, custom emoji, code or pre inside one another", () => {
    expect(refused('<a href="https://x.test"><code>x</code></a>')).toEqual({
      message: "<code> cannot be inside <a>",
      offset: 25,
    });
    expect(refused('<a href="https://x.test"><b><a href="https://y.test">y</a></b></a>').message).toBe(
      "<a> cannot be inside <a>",
    );
    expect(refused('<a href="https://x.test"><tg-emoji emoji-id="1">👍</tg-emoji></a>').message).toBe(
      "<tg-emoji> cannot be inside <a>",
    );
    expect(refused('<a href="https://x.test"><blockquote>q</blockquote></a>').message).toBe(
      "<blockquote> cannot be inside <a>",
    );
    expect(refused('<tg-emoji emoji-id="1"><a href="https://x.test">👍</a></tg-emoji>').message).toBe(
      "<a> cannot be inside <tg-emoji>",
    );
  });

  it("refuses a <pre> whose <code> is not all of it, since Telegram would drop the language", () => {
    const message = "a <pre> with a <code> holds nothing else: put all of it inside the <code>";
    expect(refused('<pre>x = 1\n<code class="language-python">y</code></pre>')).toEqual({ message, offset: 11 });
    expect(refused('<pre><code class="language-python">y</code>\n</pre>')).toEqual({ message, offset: 43 });
    expect(refused('<pre><code class="language-c">a</code><code>b</code></pre>').message).toBe(message);
  });
});

describe("the length, as Telegram counts it", () => {
  it("is the text without its markup, in UTF-16 code units", () => {
    expect(parsed('<b>Hi</b> <a href="https://x.test/a-long-address">there</a>').length).toBe(8);
    expect(parsed("&lt;&amp;&gt;").length).toBe(3);
    // an emoji outside the basic plane is two code units, as Telegram counts
    expect(parsed("😀").length).toBe(2);
    expect(parsed("&#x1F600;").length).toBe(2);
    expect(parsed("я").length).toBe(1);
  });

  it("leaves out what Telegram strips: carriage returns, and blanks around the message", () => {
    expect(parsed("a\r\nb").length).toBe(3);
    expect(parsed("\n  hello  \n\n").length).toBe(5);
    // blanks inside an entity at the start stay: Telegram trims the start only up to the first entity
    expect(parsed("  <b> hello</b> ").length).toBe(6);
  });

  it("reaches exactly the limit with 4096 characters in markup, and goes past it with one more", () => {
    expect(parsed(`<i>${"я".repeat(TELEGRAM_TEXT_LIMIT)}</i>`).length).toBe(4096);
    expect(parsed(`<i>${"я".repeat(TELEGRAM_TEXT_LIMIT)}</i>!`).length).toBe(4097);
    expect(parsed("😀".repeat(2048)).length).toBe(4096);
    expect(parsed(`${"😀".repeat(2048)}x`).length).toBe(4097);
  });
});

// Trees that keep Telegram's nesting rules, for the properties below.
const plainText = fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).map(text);
const href = fc.webUrl({ withQueryParameters: true, withFragments: true }).filter((url) => !/\s/.test(url));
const styleTags = fc.constantFrom("b", "i", "u", "s", "spoiler") as fc.Arbitrary<TelegramElement["tag"]>;

const tree = fc.letrec<{ any: TelegramNode; inLink: TelegramNode; inQuote: TelegramNode }>((tie) => ({
  any: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    plainText,
    fc.tuple(styleTags, fc.array(tie("any"), { minLength: 1, maxLength: 3 })).map(([tag, kids]) => el(tag, kids)),
    fc
      .tuple(href, fc.array(tie("inLink"), { minLength: 1, maxLength: 3 }))
      .map(([url, kids]) => el("a", kids, { href: url })),
    plainText.map((one) => el("code", [one])),
    fc
      .tuple(plainText, fc.option(fc.constantFrom("python", "c++", "ts"), { nil: undefined }))
      .map(([one, language]) => (language ? el("pre", [el("code", [one])], { language }) : el("pre", [one]))),
    fc
      .tuple(fc.boolean(), fc.array(tie("inQuote"), { minLength: 1, maxLength: 3 }))
      .map(([expandable, kids]) => el("blockquote", kids, expandable ? { expandable } : {})),
  ),
  inLink: fc.oneof(
    { depthSize: "small" },
    plainText,
    fc.tuple(styleTags, fc.array(tie("inLink"), { minLength: 1, maxLength: 2 })).map(([tag, kids]) => el(tag, kids)),
  ),
  inQuote: fc.oneof(
    { depthSize: "small" },
    plainText,
    fc.tuple(styleTags, fc.array(tie("inQuote"), { minLength: 1, maxLength: 2 })).map(([tag, kids]) => el(tag, kids)),
    plainText.map((one) => el("code", [one])),
  ),
})).any;

/** Adjacent texts joined, as the parser builds them. */
function normalized(nodes: readonly TelegramNode[]): TelegramNode[] {
  const out: TelegramNode[] = [];
  for (const node of nodes) {
    const item = node.kind === "text" ? { ...node } : { ...node, children: normalized(node.children) };
    const last = out.at(-1);
    if (item.kind === "text" && last?.kind === "text") last.text += item.text;
    else out.push(item);
  }
  return out;
}

const plainOf = (nodes: readonly TelegramNode[]): string =>
  nodes.map((node) => (node.kind === "text" ? node.text : plainOf(node.children))).join("");

describe("properties", () => {
  it("any tree Telegram accepts, written back, parses to the same tree", () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), (nodes) => {
        const html = toTelegramHtml(nodes);
        const again = parseTelegramHtml(html);
        if (!again.ok) throw new Error(`${again.message} at ${again.offset} in ${html}`);
        expect(again.nodes).toEqual(normalized(nodes));
      }),
    );
  });

  it("any text, escaped, is that text exactly, counted in UTF-16 code units", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        const result = parseTelegramHtml(toTelegramHtml([text(value)]));
        if (!result.ok) throw new Error(result.message);
        expect(plainOf(result.nodes)).toBe(value);
        const telegram = value.replaceAll("\r", "").replace(/^[ \n]+|[ \n]+$/g, "");
        expect(result.length).toBe(telegram.length);
      }),
    );
  });

  it("never throws, and a refusal points inside the text", () => {
    const token = fc.constantFrom(
      "<b>",
      "</b>",
      "<i>",
      "</i>",
      "<strong>",
      "</strong>",
      '<a href="https://x.test/?a=1&amp;b=2">',
      "<a href=tg://user?id=1>",
      "</a>",
      "<code>",
      "</code>",
      "<pre>",
      "</pre>",
      '<code class="language-js">',
      "<blockquote>",
      "<blockquote expandable>",
      "</blockquote>",
      '<tg-emoji emoji-id="7">',
      "</tg-emoji>",
      "👍",
      "&",
      "&amp;",
      "&lt;",
      "&#x1F600;",
      "&nbsp;",
      "<",
      ">",
      "x",
      "я",
      " ",
      "\n",
    );
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 14 }).map((parts) => parts.join("")),
        (source) => {
          const result = parseTelegramHtml(source);
          if (!result.ok) {
            expect(result.offset).toBeGreaterThanOrEqual(0);
            expect(result.offset).toBeLessThan(source.length);
            expect(result.message.length).toBeGreaterThan(0);
            return;
          }
          // what is sent reads back as what was previewed, with the same length
          const again = parseTelegramHtml(toTelegramHtml(result.nodes));
          if (!again.ok) throw new Error(`${again.message} in ${toTelegramHtml(result.nodes)}`);
          expect(again.nodes).toEqual(result.nodes);
          expect(again.length).toBe(result.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("written-back HTML has no stray &, < or > in its text", () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 3 }), (nodes) => {
        const outside = toTelegramHtml(nodes).replace(/<\/?[a-z-]+(?:\s[^>]*)?>/g, "");
        expect(outside).not.toMatch(/[<>]/);
        expect(outside.replace(/&(?:lt|gt|amp|quot);/g, "")).not.toContain("&");
      }),
    );
  });
});
