// Markdown tables and SVG charts for docs/RESULTS.md: small formatting helpers, nothing measured here.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ChartSeries, lineChart } from "@thinktime/core";

export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
export const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export class Charts {
  readonly written: string[] = [];
  constructor(
    private readonly dir: string,
    /** How the markdown links them (relative to RESULTS.md). */
    private readonly href: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes `name`.svg and returns the markdown image line. */
  chart(name: string, options: { title: string; xLabel: string; yLabel: string; xLog?: boolean; series: ChartSeries[] }): string {
    writeFileSync(join(this.dir, `${name}.svg`), lineChart({ yMin: 0, yMax: 1, ...options }));
    this.written.push(`${name}.svg`);
    return `![${options.title}](${this.href}/${name}.svg)`;
  }
}
