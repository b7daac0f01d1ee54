export { launchChromium } from "./browser.ts";
export { buildMiniApp, miniappRoot } from "./build.ts";
export { miniAppUrl, telegramLaunchHash, telegramThemes } from "./launch.ts";
export { type ServedApp, serveMiniApp } from "./serve.ts";
export { initialScriptBytes } from "./weight.ts";
