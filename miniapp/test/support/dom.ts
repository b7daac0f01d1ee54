// A jsdom page for component tests that also run the real API in the same process. Import it
// first, in a test file left in Vitest's node environment. Vitest's own jsdom environment
// transforms every module for the browser, and Vite then rewrites the server's
// `new URL("../migrations", import.meta.url)` into a page URL (http://localhost/...), which breaks
// the API. Here the modules stay Node's and only the page's globals are added.
import { JSDOM } from "jsdom";
import { afterAll } from "vitest";
import { populateGlobal } from "vitest/runtime";

const dom = new JSDOM("<!DOCTYPE html>", { url: "http://localhost:3000/", pretendToBeVisual: true });
// Node's own URL, Request, fetch and friends stay: the in-process API needs them.
const { keys, originals } = populateGlobal(globalThis, dom.window, { bindFunctions: true });

afterAll(() => {
  dom.window.close();
  for (const key of keys) delete (globalThis as Record<string, unknown>)[key];
  for (const [key, value] of originals) (globalThis as Record<string | symbol, unknown>)[key] = value;
});
