// Imported right after dom.ts by tests whose in-process API calls YooKassa: the YooKassa SDK
// sends through axios, which picks jsdom's XMLHttpRequest when it sees one (and jsdom then makes
// a CORS preflight to the fake). The page itself uses fetch, so without XHR axios uses Node's http.
delete (globalThis as Record<string, unknown>).XMLHttpRequest;
