// Shared ending for the db command-line tools: expected failures (bad configuration, an
// unreachable or unprepared database) print one clear message; anything else prints its stack.
import { ConfigError } from "@maxl/shared";
import { StartupError } from "../connection-errors.ts";

export async function runCli(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(`${name}: ${error.message}`);
    } else {
      console.error(`${name}: failed`, error);
    }
    process.exitCode = 1;
  }
}
