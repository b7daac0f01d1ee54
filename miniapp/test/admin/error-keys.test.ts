// Every refusal the API can send the admin view has a sentence in both languages: a key the API
// throws without one here would reach a Russian-speaking owner as the API's English detail. The
// reverse holds too, so a renamed key cannot leave its old sentence behind. The scan reads the
// API's sources (domain verbs in api/src/core, problems in api/src/http and the modules).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorTexts, type KeyedText } from "../../src/admin/i18n/error-texts.ts";
import { root, sources } from "./source-files.ts";

const apiSources = () => [...sources(join(root, "api", "src")), ...sources(join(root, "shared", "src"))];

/**
 * The string literals of every `key:` / `messageKey:` expression, ternaries included
 * (`key: retryable ? "a" : "b"`); a literal in a type union (`key: "a" | "b"`) is not a key.
 * Telegram launch-data problems (`init-data-*`) are the Mini App's, which has its own texts;
 * field-level keys (`field-*`, api/src/http/field-keys.ts) have theirs in field-texts.ts.
 */
export function keysThrown(files: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const expression of text.matchAll(/\b(?:key|messageKey):\s*([^,}]*)/g)) {
      // A value is the whole expression or a branch (after ? or :), never a compared status.
      for (const literal of (expression[1] ?? "").matchAll(/(?:^|[?:]\s*)"([a-z][a-z0-9-]*)"(?!\s*\|)/g)) {
        const key = literal[1] ?? "";
        if (!key.startsWith("init-data-") && !key.startsWith("field-")) keys.add(key);
      }
    }
  }
  return keys;
}

/** Each `new ServiceError(...)` call's text, by balancing brackets from its opening one. */
function serviceErrorCalls(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const calls: string[] = [];
  for (let at = text.indexOf("new ServiceError("); at >= 0; at = text.indexOf("new ServiceError(", at + 1)) {
    let depth = 0;
    let end = at + "new ServiceError".length;
    for (; end < text.length; end++) {
      const char = text[end] ?? "";
      if ("([{".includes(char)) depth++;
      else if (")]}".includes(char) && --depth === 0) break;
    }
    calls.push(text.slice(at, end + 1));
  }
  return calls;
}

const sample = {
  seconds: 90,
  business: "Cafe",
  reason: "Bad Request",
  level: "Gold",
  guests: 3,
  price: 100,
  available: 40,
  expected: "RUB",
  got: "EUR",
  limit: 50,
  share: 30,
  max: 20,
  left: "150.00",
  minutes: 10,
  hours: 48,
  status: "dead",
  plan: "Start",
  used: 5,
  count: 2,
  name: "Anna",
  refundable: "10.00",
  currency: "RUB",
};
const said = (text: KeyedText | undefined) => (typeof text === "function" ? text(sample) : text);

describe("the admin view's texts for the API's refusals", () => {
  const thrown = keysThrown(apiSources());

  it("every ServiceError the API throws names a message key", () => {
    const keyless = apiSources().flatMap((file) =>
      serviceErrorCalls(file)
        .filter((call) => !/\bkey:/.test(call))
        .map((call) => `${file.slice(root.length)}: ${call.slice(0, 100)}`),
    );
    expect(keyless).toEqual([]);
  });

  it("has a Russian and an English sentence for every key the API throws", () => {
    expect(thrown.size).toBeGreaterThan(120);
    for (const locale of ["en", "ru"] as const) {
      const missing = [...thrown].filter((key) => !said(errorTexts[locale][key]));
      expect(missing, `missing in ${locale}`).toEqual([]);
    }
  });

  it("writes the Russian sentences in Russian, placeholders filled", () => {
    const notRussian = Object.entries(errorTexts.ru).filter(([, text]) => !/[а-яё]/i.test(said(text) ?? ""));
    expect(notRussian.map(([key]) => key)).toEqual([]);
    const unfilled = [...Object.values(errorTexts.ru), ...Object.values(errorTexts.en)]
      .map(said)
      .filter((text) => text?.includes("undefined") || text?.includes("NaN"));
    expect(unfilled).toEqual([]);
  });

  it("keeps no sentence for a key nobody throws", () => {
    expect(Object.keys(errorTexts.en).filter((key) => !thrown.has(key))).toEqual([]);
  });

  it("the scan finds keys in a ternary and skips a type union", () => {
    const keys = keysThrown([join(root, "api", "src", "core", "billing", "start-checkout.ts")]);
    expect(keys.has("billing-yookassa-unreachable")).toBe(true);
    expect(keys.has("billing-yookassa-refused-payment")).toBe(true);
    const refund = keysThrown([join(root, "api", "src", "core", "loyalty", "refund-check.ts")]);
    expect(refund.has("returned")).toBe(false);
    expect(refund.has("earned")).toBe(false);
    const checkIn = keysThrown([join(root, "api", "src", "core", "events", "check-in.ts")]);
    expect(checkIn.has("error-checkin-waitlisted")).toBe(true);
    expect(checkIn.has("waitlisted")).toBe(false);
  });
});
