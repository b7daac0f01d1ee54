// Sets a clone up to run: checks Node, installs the workspace from the lockfile, writes .env on
// first use and generates the Prisma client. Plain Node with no dependencies, because it runs
// before anything is installed. Safe to run again: each step is a no-op when already done.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node ${process.versions.node} is too old: MAX Loyalty needs Node 20.19 or newer.`);
}

// Under `pnpm <script>` npm_execpath is the running pnpm; otherwise fetch the pinned one.
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
const pnpm = process.env.npm_execpath?.includes("pnpm")
  ? [process.execPath, process.env.npm_execpath]
  : ["npx", "--yes", pinned];

step("Installing dependencies", () => run([...pnpm, "install", "--frozen-lockfile"]));
step("Checking .env", ensureEnvFile);
step("Generating the Prisma client", () => run([...pnpm, "--filter", "@maxl/db", "generate"]));
// The end-to-end tests drive the system's Chromium (playwright-core cannot download its own
// browser here), so the test command asks for it; `pnpm dev` does not need it.
if (process.argv.includes("--with-browser")) step("Checking Chromium", ensureChromium);

function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path) => path && existsSync(path));
  if (found) {
    console.log(`  found ${found}`);
    return;
  }
  const aptGet = ["/usr/bin/apt-get", "/bin/apt-get"].find((path) => existsSync(path));
  if (!aptGet || process.getuid?.() !== 0) {
    fail(
      "Chromium is needed by the end-to-end tests. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    spawnSync(aptGet, ["install", "-y", "--no-install-recommends", "chromium"], { cwd: root, stdio: "inherit", env });
  // A fresh machine may have no package lists yet.
  if (install().status !== 0) {
    run([aptGet, "update"]);
    if (install().status !== 0) fail("apt-get could not install chromium.");
  }
}

function ensureEnvFile() {
  const envPath = join(root, ".env");
  if (!existsSync(envPath)) {
    writeFileSync(envPath, readFileSync(join(root, ".env.example"), "utf8"));
    console.log("  created .env from .env.example");
  }
  // Secrets are never committed: each clone generates its own on first use.
  const secrets = {
    APP_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
    JWT_SECRET: () => randomBytes(48).toString("base64url"),
  };
  let text = readFileSync(envPath, "utf8");
  for (const [name, generate] of Object.entries(secrets)) {
    const empty = new RegExp(`^${name}=[ \\t]*$`, "m");
    if (empty.test(text)) {
      text = text.replace(empty, `${name}=${generate()}`);
      console.log(`  wrote a new random ${name} into .env`);
    } else if (!new RegExp(`^${name}=`, "m").test(text)) {
      text = `${text.trimEnd()}\n${name}=${generate()}\n`;
      console.log(`  added a random ${name} to .env`);
    }
  }
  writeFileSync(envPath, text);
}

function step(title, action) {
  console.log(`bootstrap: ${title}`);
  action();
}

function run([command, ...args]) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) fail(`"${[command, ...args].join(" ")}" failed (exit ${result.status}).`);
}

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}
