// Prints a suite's measurements as a table, each row beside its baseline, and saves the run.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import type { Measurement } from "./measure.ts";

export interface Comparison {
  suite: string;
  subject: Measurement;
  baseline: Measurement;
  /** what the suite promises, e.g. "at least 0.5 of raw SQL" */
  goal?: { ratioAtLeast?: number; opsPerSecondAtLeast?: number };
}

/** A measured figure against a fixed budget (sizes, load times), not a rate against a baseline. */
export interface Budget {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  atMost?: number;
}

export function renderBudgets(budgets: Budget[]): string {
  const header = ["suite", "measured", "value", "budget"];
  const rows = budgets.map(({ suite, metric, value, unit, atMost }) => [
    suite,
    metric,
    `${value.toFixed(unit === "ms" ? 0 : 1)} ${unit}`,
    atMost === undefined ? "-" : `<= ${atMost} ${unit} ${value <= atMost ? "met" : "MISSED"}`,
  ]);
  return renderRows(header, rows);
}

function renderRows(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

export function renderTable(comparisons: Comparison[]): string {
  const header = ["suite", "measured", "conc.", "ops/s", "p50 ms", "p99 ms", "baseline ops/s", "ratio", "goal"];
  const rows = comparisons.map(({ suite, subject, baseline, goal }) => {
    const ratio = subject.opsPerSecond / baseline.opsPerSecond;
    const goals = [
      goal?.ratioAtLeast === undefined
        ? ""
        : `ratio >= ${goal.ratioAtLeast} ${ratio >= goal.ratioAtLeast ? "met" : "MISSED"}`,
      goal?.opsPerSecondAtLeast === undefined
        ? ""
        : `>= ${goal.opsPerSecondAtLeast}/s ${subject.opsPerSecond >= goal.opsPerSecondAtLeast ? "met" : "MISSED"}`,
    ].filter(Boolean);
    return [
      suite,
      subject.name,
      String(subject.concurrency),
      subject.opsPerSecond.toFixed(0),
      subject.p50Ms.toFixed(2),
      subject.p99Ms.toFixed(2),
      baseline.opsPerSecond.toFixed(0),
      ratio.toFixed(2),
      goals.join(", ") || "-",
    ];
  });
  return renderRows(header, rows);
}

/**
 * Overwrites <name>.json and <name>.md (latest.*: the newest full run), on this machine, with
 * its baselines.
 */
export async function saveResults(
  dir: string,
  comparisons: Comparison[],
  table: string,
  budgets: Budget[] = [],
  name = "latest",
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const at = new Date().toISOString();
  const machine = `${process.platform} ${process.arch}, Node ${process.version}, ${cpus().length} CPUs`;
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify({ at, machine, comparisons, budgets }, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), `# Latest benchmark run\n\n${at} on ${machine}\n\n${table}\n`);
  return join(dir, `${name}.md`);
}
