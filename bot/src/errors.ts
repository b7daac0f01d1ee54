// A domain refusal becomes a sentence in the user's language; anything else is a bug that is
// logged and answered with an apology (bot.catch). Conversations keep results serialisable, so
// verbs run inside them through `attempt`.
import { isServiceError } from "@maxl/shared";
import type { Translate } from "./i18n.ts";

export type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; key: string | null; vars: Record<string, string | number>; message: string };

/** Runs a verb; a ServiceError becomes a value (so a conversation can store it), anything else throws. */
export async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return { ok: false, key: error.key ?? null, vars: error.vars ?? {}, message: error.message };
  }
}

/** The refusal in the user's language, or the verb's own (English) sentence if it has no key. */
export function refusal(
  t: Translate,
  failed: { key: string | null; vars: Record<string, string | number>; message: string },
): string {
  if (!failed.key) return failed.message;
  const text = t(failed.key, failed.vars);
  return text === failed.key ? failed.message : text;
}
