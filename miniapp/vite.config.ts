// The Mini App's build and dev server, and the staff admin view's (admin/index.html, a second
// entry and bundle served at /admin/). In development the server also plays Telegram's part for
// the Mini App (dev/telegram-launch.ts) and forwards /api to the local API, so both run in a
// normal browser, on the API's origin as the admin's SameSite session cookie needs.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";
import { telegramDevLaunch } from "./dev/telegram-launch.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig(({ mode }) => {
  // The repository's .env (the API's settings) is read here, in Node, for the dev server only.
  // Parsed rather than loaded: Vite would take its NODE_ENV=development and build React's
  // development bundle. The browser sees only VITE_* variables from miniapp/.env*.
  const env: Record<string, string | undefined> = {
    ...(existsSync(`${root}.env`) ? parseEnv(readFileSync(`${root}.env`, "utf8")) : {}),
    ...loadEnv(mode, here, "VITE_"),
    ...process.env,
  };
  const apiTarget = env.MINIAPP_API_PROXY ?? `http://127.0.0.1:${env.PORT ?? 3000}`;
  return {
    plugins: [
      react(),
      telegramDevLaunch({ botToken: env.DEMO_BOT_TOKEN ?? "", defaultTenant: env.MINIAPP_DEV_TENANT ?? "demo" }),
    ],
    server: {
      port: Number(env.MINIAPP_PORT ?? 5173),
      strictPort: true,
      proxy: { "/api": { target: apiTarget, changeOrigin: false } },
    },
    preview: { port: Number(env.MINIAPP_PORT ?? 5173), proxy: { "/api": { target: apiTarget } } },
    build: {
      target: "es2022",
      sourcemap: true,
      // The bench reads the manifest to weigh exactly what the card screen loads first.
      manifest: true,
      rolldownOptions: {
        input: { main: `${here}index.html`, admin: `${here}admin/index.html` },
      },
    },
  };
});
