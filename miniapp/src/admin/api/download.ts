// CSV downloads. The files need the Bearer token, which a plain <a href> would not send, so the
// file is fetched through the signed-in client and handed to the browser as a Blob URL.
import { ProblemError } from "./client.ts";

/** The file name from Content-Disposition (filename*= first, then filename=). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1]) return decodeURIComponent(encoded[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** Saves a CSV answer as a file; a problem answer becomes a ProblemError for the page to show. */
export async function saveDownload(request: Promise<Response>, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await request;
  } catch (error) {
    throw new ProblemError(0, error instanceof Error ? error.message : "network error", null, null);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { detail?: string; messageKey?: string; code?: string };
    throw new ProblemError(
      response.status,
      body.detail ?? response.statusText,
      body.messageKey ?? null,
      body.code ?? null,
    );
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileNameOf(response.headers.get("Content-Disposition"), fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL may go once the browser has taken it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A fresh key for a change that must happen once however often it is sent. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
