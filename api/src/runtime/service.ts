// How each process (API, bot, workers) starts: a failure an operator can fix (a setting, an
// unreachable service) is one line naming it; anything else is a bug and keeps its stack.
import { StartupError } from "@maxl/db";
import { ConfigError } from "@maxl/shared";

export function runService(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(`${service}: ${error.message}`);
    } else {
      console.error(`${service}: failed to start`, error);
    }
    process.exit(1);
  });
}
