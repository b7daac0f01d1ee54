// Every audit action the API and the workers write has a label in both languages, so the audit
// log page never shows an owner a bare "pos.integration.rotate_secret". The scan reads the files
// that write audit rows and takes their dotted names ("a.b" in code, 'a.b' in SQL); the few dotted
// names there that are not actions are listed below with what they are.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditActionLabel, auditActionLabels } from "../../src/admin/i18n/audit-actions.ts";
import { root, sources } from "./source-files.ts";

/** How a file writes an audit row: Prisma, SQL, or one of the helpers that do. */
const writesAudit = /auditLogEntry\.create|INSERT INTO audit_log|recordAction\w*\(|write\w*Audit\(|\baudit\(client/;

/** Dotted names in audit-writing files that are something else. */
const notActions = new Set([
  "levels.rank", // a program-diff field
  "program.levels_changed", // outbox event
  "broadcast.started", // outbox event
  "guest_import.queued", // outbox event
  "points.adjusted", // outbox event
  "event.rescheduled", // outbox event, inserted in SQL beside the audit row
]);

function actionsWritten(): Set<string> {
  const actions = new Set<string>();
  for (const file of [...sources(join(root, "api", "src")), ...sources(join(root, "workers", "src"))]) {
    const text = readFileSync(file, "utf8");
    if (!writesAudit.test(text)) continue;
    for (const match of text.matchAll(/["']([a-z_]+(?:\.[a-z_]+)+)["']/g)) {
      const name = match[1] ?? "";
      if (!notActions.has(name)) actions.add(name);
    }
  }
  return actions;
}

describe("audit action labels", () => {
  const written = actionsWritten();

  it("label every action the API writes, in Russian and English", () => {
    expect(written.size).toBeGreaterThan(40);
    expect(written.has("points.adjust")).toBe(true); // from SQL
    expect(written.has("staff.invite_accepted")).toBe(true); // from a ternary
    for (const locale of ["en", "ru"] as const) {
      const missing = [...written].filter((action) => !auditActionLabels[locale][action]);
      expect(missing, `missing in ${locale}`).toEqual([]);
    }
  });

  it("say the Russian labels in Russian, and an unknown action as it is", () => {
    expect(Object.entries(auditActionLabels.ru).filter(([, label]) => !/[а-яё]/i.test(label))).toEqual([]);
    expect(auditActionLabel("bot.connect", "ru")).toBe("Бот подключён");
    expect(auditActionLabel("something.new", "ru")).toBe("something.new");
  });
});
