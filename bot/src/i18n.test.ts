// Every text exists in both languages, and every key the code names exists: a missing key would
// reach a guest as the bare key ("till-quote") instead of a sentence.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createI18n, locales } from "./i18n.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function keysOf(locale: string): string[] {
  const source = readFileSync(join(root, "bot", "locales", `${locale}.ftl`), "utf8");
  return [...source.matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((match) => match[1] ?? "").sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "testing" ? [] : sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Keys named as string literals: t("…"), ctx.t("…"), hears("…"), key: "error-…". */
function keysUsed(): Set<string> {
  const used = new Set<string>();
  for (const file of [...sources(join(root, "bot", "src")), ...sources(join(root, "api", "src"))]) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\b(?:t|hears)\("([a-z][a-z0-9-]+)"/g)) used.add(match[1] ?? "");
    for (const match of text.matchAll(/\bkey: "(error-[a-z0-9-]+)"/g)) used.add(match[1] ?? "");
  }
  return used;
}

describe("bot texts", () => {
  it("has the same keys in Russian and English", () => {
    expect(keysOf("en")).toEqual(keysOf("ru"));
  });

  it("has every key the code uses, in every language", () => {
    const used = keysUsed();
    expect(used.size).toBeGreaterThan(80);
    for (const locale of locales) {
      const known = new Set(keysOf(locale));
      const missing = [...used].filter((key) => !known.has(key));
      expect(missing, `missing in ${locale}`).toEqual([]);
    }
  });

  it("declines points properly in Russian", () => {
    const i18n = createI18n();
    expect([1, 2, 5, 11, 21, 22, 25].map((count) => i18n.t("ru", "points", { count }))).toEqual([
      "1 балл",
      "2 балла",
      "5 баллов",
      "11 баллов",
      "21 балл",
      "22 балла",
      "25 баллов",
    ]);
  });
});
