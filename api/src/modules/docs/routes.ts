// Human documentation served by the API itself: Swagger UI over /api/v1/openapi.json (assets
// from the swagger-ui-dist package, so the page works without internet access), and a page per
// problem type, which is what the `type` URI of every problem+json response points at.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ErrorCode, errorCodes } from "@maxl/shared";
import { Hono } from "hono";
import type { AppEnv } from "../../http/context.ts";
import { problem, problemType, statusByCode, titleByCode } from "../../http/problem.ts";
import { problemDescriptions } from "./problem-descriptions.ts";

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const assets: Record<string, { file: string; type: string }> = {
  "swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
};
const cache = new Map<string, string>();

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>MAX Loyalty API</title>
  <link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/v1/docs/init.js"></script>
</body>
</html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });`;

export function docsRoutes() {
  return new Hono<AppEnv>()
    .get("/api/v1/docs", (c) => c.html(docsPage))
    .get("/api/v1/docs/init.js", (c) => c.body(initScript, 200, { "Content-Type": "text/javascript; charset=utf-8" }))
    .get("/api/v1/docs/assets/:name", async (c) => {
      const asset = assets[c.req.param("name")];
      if (!asset) return problem(c, { code: "NOT_FOUND", detail: "No such documentation asset." });
      let body = cache.get(asset.file);
      if (body === undefined) {
        body = await readFile(join(swaggerDir, asset.file), "utf8");
        cache.set(asset.file, body);
      }
      return c.body(body, 200, { "Content-Type": asset.type, "Cache-Control": "public, max-age=86400" });
    })
    .get("/problems/:slug", (c) => {
      const code = errorCodes.find((candidate) => problemType(candidate) === `/problems/${c.req.param("slug")}`);
      if (!code) return problem(c, { code: "NOT_FOUND", detail: "No such problem type." });
      return c.html(problemPage(code));
    });
}

function problemPage(code: ErrorCode): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${titleByCode[code]}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; line-height: 1.5">
  <h1>${titleByCode[code]}</h1>
  <p><code>${code}</code>, HTTP ${statusByCode[code]}</p>
  <p>${problemDescriptions[code]}</p>
  <p>Every problem response carries <code>requestId</code>; quote it when you contact support.</p>
</body>
</html>`;
}
