// Builds the Mini App the way production does, into a folder of the caller's choosing, for the
// end-to-end tests and the bench.
import { fileURLToPath } from "node:url";
import { build } from "vite";

export const miniappRoot = fileURLToPath(new URL("..", import.meta.url));

export async function buildMiniApp(outDir: string): Promise<void> {
  // Vite builds React's development bundle when NODE_ENV says development or test, as it does
  // under `pnpm bench` (.env) and Vitest; the tests and the bench must see what guests get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await buildProduction(outDir);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

async function buildProduction(outDir: string): Promise<void> {
  await build({
    mode: "production",
    root: miniappRoot,
    configFile: `${miniappRoot}vite.config.ts`,
    // The config imports TypeScript from the workspace (the dev launch signer), which Node's own
    // loader cannot; Vite's module runner can.
    configLoader: "runner",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
}
