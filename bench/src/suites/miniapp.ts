// The guest card's budgets (issue #5): at most 100 KB of gzipped script before the card can show,
// and interactive within 1.5 s in headless Chromium with the CPU slowed 4x. The production build
// is served with the real API on one origin, as in production, and opened with signed launch data.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildMiniApp,
  initialScriptBytes,
  launchChromium,
  miniAppUrl,
  serveMiniApp,
  telegramLaunchHash,
} from "@maxl/miniapp/testing";
import type { Budget } from "../report.ts";

export interface MiniAppBenchInput {
  fetch: (request: Request) => Response | Promise<Response>;
  tenantSlug: string;
  botToken: string;
  runs?: number;
}

export async function miniAppSuite(input: MiniAppBenchInput): Promise<Budget[]> {
  const distDir = mkdtempSync(join(tmpdir(), "maxl-bench-miniapp-"));
  const served = { close: async () => {} };
  const browser = await launchChromium();
  try {
    await buildMiniApp(distDir);
    const weight = initialScriptBytes(distDir);
    const server = await serveMiniApp({ distDir, api: input.fetch });
    served.close = server.close;

    const times: number[] = [];
    const runs = input.runs ?? 7;
    // The first run warms the server's caches (tenant lookup, bot token); it is not counted.
    for (let run = 0; run <= runs; run++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const user = { id: 990_000_000 + run, first_name: "Bench", language_code: "ru" };
      const hash = telegramLaunchHash({ botToken: input.botToken, user, theme: "light" });
      await page.goto(miniAppUrl(server.url, "/", input.tenantSlug, hash), { waitUntil: "commit" });
      await page.locator("svg.qr").waitFor({ timeout: 30_000 });
      // Interactive: the card with its balance and QR is on screen and the tab bar answers a tap.
      const ms = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
          }),
      );
      if (run > 0) times.push(ms);
      await context.close();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    const worst = times.at(-1) ?? Number.NaN;
    return [
      {
        suite: "mini app",
        metric: `guest card initial JS, gzip (${weight.files.length} files)`,
        value: weight.gzip / 1024,
        unit: "KB",
        atMost: 100,
      },
      {
        suite: "mini app",
        metric: `card interactive, 4x CPU, median of ${runs}`,
        value: median,
        unit: "ms",
        atMost: 1500,
      },
      { suite: "mini app", metric: `card interactive, 4x CPU, worst of ${runs}`, value: worst, unit: "ms" },
    ];
  } finally {
    await browser.close();
    await served.close();
    rmSync(distDir, { recursive: true, force: true });
  }
}
