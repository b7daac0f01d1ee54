// A DOM for tests that also run the API in process. Vitest's jsdom environment turns
// import.meta.url into an http URL, which the database package's migration paths cannot take, so
// these tests run in Node and get jsdom's window as globals here (imported first). Node's own
// fetch, URL and TextEncoder stay: only what Node lacks is taken from the window.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", {
  url: "http://admin.test/admin/",
  pretendToBeVisual: true,
});
const globals = globalThis as Record<string, unknown>;
const window = dom.window as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globalThis) continue;
  try {
    globals[key] = window[key];
  } catch {
    // a few window members are getters that refuse another receiver; nothing React needs
  }
}
globals.window = dom.window;
globals.document = dom.window.document;
globals.IS_REACT_ACT_ENVIRONMENT = true;

// These pages wait on the real API in this process; on a loaded CI machine (91 files at once) the
// first page load of a file has taken over testing-library's default second. The wait is a
// ceiling, not a delay: a fast run finds the text as soon as it appears.
const { configure } = await import("@testing-library/react");
configure({ asyncUtilTimeout: 10_000 });
