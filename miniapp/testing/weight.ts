// What the guest card screen downloads before it can show anything: the entry chunk and every chunk
// it imports statically (not the lazily loaded staff views), gzipped as a server would send them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export function initialScriptBytes(distDir: string): { raw: number; gzip: number; files: string[] } {
  const manifest = JSON.parse(readFileSync(join(distDir, ".vite", "manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  // The build has two entries (the card's index.html and the admin view's admin/index.html);
  // the card's is the one guests load.
  const entry = Object.entries(manifest).find(([key, chunk]) => chunk.isEntry && key === "index.html");
  if (!entry) throw new Error("the build manifest has no index.html entry chunk");
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry[0]);
  let raw = 0;
  let gzip = 0;
  for (const file of seen) {
    const bytes = readFileSync(join(distDir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: [...seen] };
}
