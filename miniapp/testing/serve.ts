// One origin for the built Mini App, the admin view and the API, as the production reverse proxy
// gives it: /api/* goes to the API's fetch handler, everything else is a file of the build, and
// any other path is the app's index.html (admin/index.html under /admin/): screens are
// client-side routes. One origin also lets the admin's SameSite=Strict session cookie reach /api.
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { serve } from "@hono/node-server";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

async function file(distDir: string, pathname: string): Promise<Response | null> {
  const path = normalize(join(distDir, decodeURIComponent(pathname)));
  if (!path.startsWith(distDir)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
  } catch {
    return null;
  }
  const immutable = pathname.startsWith("/assets/");
  return new Response(await readFile(path), {
    headers: {
      "Content-Type": types[extname(path)] ?? "application/octet-stream",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    },
  });
}

export function serveMiniApp(options: {
  distDir: string;
  api: (request: Request) => Response | Promise<Response>;
}): Promise<ServedApp> {
  const distDir = normalize(options.distDir);
  return new Promise((resolve) => {
    const server = serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        fetch: async (request) => {
          const { pathname } = new URL(request.url);
          if (pathname.startsWith("/api/")) return options.api(request);
          if (pathname === "/admin") return Response.redirect(new URL("/admin/", request.url), 308);
          // The admin view lives under /admin/ with its own page; its routes are in the hash.
          const page = pathname.startsWith("/admin/") ? "/admin/index.html" : "/index.html";
          return (await file(distDir, pathname)) ?? (await file(distDir, page)) ?? new Response(null, { status: 404 });
        },
      },
      (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise((done) => server.close(() => done())),
        }),
    );
  });
}
