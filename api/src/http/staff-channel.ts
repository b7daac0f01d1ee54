// Where a staff request came from, for the audit log: a till-only token is minted from the Mini
// App's Telegram launch data; a full token belongs to a sign-in with e-mail and password (the
// admin web view, or an integrator's script).
import type { Context } from "hono";
import type { Actor } from "../core/context.ts";
import type { AppEnv } from "./context.ts";

export function staffChannel(c: Context<AppEnv>): NonNullable<Actor["channel"]> {
  return c.get("staff")?.scope === "till" ? "miniapp" : "web";
}
