// Dependency-free SVG line charts, so benchmark reports can be written as plain files with no plotting stack.
import { type Axis, linearAxis, log2Axis } from "./axis-ticks.js";

export interface ChartSeries {
  name: string;
  /** [x, y] pairs, drawn in the order given; a non-finite pair (or x ≤ 0 on a log axis) is skipped and breaks the line. */
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
  /** Draw a dot at each point (default false). */
  markers?: boolean;
  /** Draw the connecting line (default true); `line: false, markers: true` makes a scatter series. */
  line?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Base-2 log x axis ticked at powers of two, for k = 1, 2, 4, … sample counts. */
  xLog?: boolean;
  /** Fixed y range; an unset end follows the data, widened to a round tick. */
  yMin?: number;
  yMax?: number;
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
}

/** Tableau 10: distinct for ten series, then repeating in order. */
export const CHART_PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
] as const;

const MARGIN = { top: 44, bottom: 56, left: 72, right: 16 };
const LEGEND_ROW = 20;

/**
 * A standalone SVG document (xmlns set): title, axes with ticks, labels and gridlines, one path per series clipped
 * to the plot area, and a legend on the right. Text is XML-escaped; coordinates are rounded to 0.01 so that the same
 * options always give the same string, and no NaN can reach the output. RangeError for a size too small to hold a
 * plot, or a non-finite or empty fixed y range.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const legendWidth = options.series.length === 0 ? 0 : Math.min(240, 44 + 7 * Math.max(...options.series.map((s) => s.name.length)));
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: width - MARGIN.right - legendWidth,
    bottom: height - MARGIN.bottom,
  };
  if (!(plot.right - plot.left >= 40 && plot.bottom - plot.top >= 40)) {
    throw new RangeError(`a ${width}×${height} chart leaves no room for the plot`);
  }
  for (const v of [options.yMin, options.yMax]) {
    if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`yMin and yMax must be finite, got ${v}`);
  }
  if (options.yMin !== undefined && options.yMax !== undefined && options.yMin >= options.yMax) {
    throw new RangeError(`yMin must be below yMax, got ${options.yMin} and ${options.yMax}`);
  }

  const xLog = options.xLog === true;
  const usable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!xLog || x > 0);
  const kept = options.series.flatMap((s) => s.points.filter(([x, y]) => usable(x, y)));
  const xs = kept.map(([x]) => x);
  const ys = kept.map(([, y]) => y);
  const xAxis = xLog ? log2Axis(minOf(xs), maxOf(xs)) : linearAxis(minOf(xs), maxOf(xs), {});
  const yAxis = linearAxis(minOf(ys), maxOf(ys), { lo: options.yMin, hi: options.yMax });
  const t = (x: number) => (xLog ? Math.log2(x) : x);
  const sx = (x: number) => plot.left + ((t(x) - t(xAxis.lo)) / (t(xAxis.hi) - t(xAxis.lo))) * (plot.right - plot.left);
  const sy = (y: number) => plot.bottom - ((y - yAxis.lo) / (yAxis.hi - yAxis.lo)) * (plot.bottom - plot.top);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${num(plot.left)}" y="${num(plot.top)}" width="${num(plot.right - plot.left)}" height="${num(plot.bottom - plot.top)}"/></clipPath></defs>`,
    `<text x="${num(width / 2)}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  out.push(...axisLines(xAxis, yAxis, plot, sx, sy));
  out.push(
    `<text x="${num((plot.left + plot.right) / 2)}" y="${num(height - 14)}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="18" y="${num((plot.top + plot.bottom) / 2)}" text-anchor="middle" transform="rotate(-90 18 ${num((plot.top + plot.bottom) / 2)})">${escapeXml(options.yLabel)}</text>`,
  );
  out.push(`<g clip-path="url(#plot-area)">`);
  for (const [i, s] of options.series.entries()) out.push(...seriesShapes(s, colourOf(i), usable, sx, sy));
  out.push("</g>");
  out.push(...legend(options.series, plot.right + 16, plot.top));
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot hold at all. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

type Box = { left: number; top: number; right: number; bottom: number };

function axisLines(xAxis: Axis, yAxis: Axis, plot: Box, sx: (x: number) => number, sy: (y: number) => number): string[] {
  const grid: string[] = [];
  const marks: string[] = [];
  const labels: string[] = [];
  for (const tick of xAxis.ticks) {
    const x = num(sx(tick.value));
    grid.push(`<line x1="${x}" y1="${num(plot.top)}" x2="${x}" y2="${num(plot.bottom)}"/>`);
    marks.push(`<line x1="${x}" y1="${num(plot.bottom)}" x2="${x}" y2="${num(plot.bottom + 5)}"/>`);
    labels.push(`<text x="${x}" y="${num(plot.bottom + 19)}" text-anchor="middle">${escapeXml(tick.label)}</text>`);
  }
  for (const tick of yAxis.ticks) {
    const y = num(sy(tick.value));
    grid.push(`<line x1="${num(plot.left)}" y1="${y}" x2="${num(plot.right)}" y2="${y}"/>`);
    marks.push(`<line x1="${num(plot.left - 5)}" y1="${y}" x2="${num(plot.left)}" y2="${y}"/>`);
    labels.push(`<text x="${num(plot.left - 8)}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(tick.label)}</text>`);
  }
  return [
    `<g stroke="#e6e6e6" stroke-width="1">`, ...grid, "</g>",
    `<g stroke="#333333" stroke-width="1">`,
    `<line x1="${num(plot.left)}" y1="${num(plot.bottom)}" x2="${num(plot.right)}" y2="${num(plot.bottom)}"/>`,
    `<line x1="${num(plot.left)}" y1="${num(plot.top)}" x2="${num(plot.left)}" y2="${num(plot.bottom)}"/>`,
    ...marks, "</g>",
    `<g fill="#333333">`, ...labels, "</g>",
  ];
}

function seriesShapes(
  s: ChartSeries,
  colour: string,
  usable: (x: number, y: number) => boolean,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string[] {
  const shapes: string[] = [];
  let d = "";
  let pen = "M";
  const dots: string[] = [];
  for (const [x, y] of s.points) {
    if (!usable(x, y)) {
      pen = "M";
      continue;
    }
    d += `${d === "" ? "" : " "}${pen}${num(sx(x))} ${num(sy(y))}`;
    pen = "L";
    dots.push(`<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="3" fill="${colour}"/>`);
  }
  if (s.line !== false && d !== "") {
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    shapes.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
  }
  if (s.markers) shapes.push(...dots);
  return shapes;
}

function legend(series: readonly ChartSeries[], left: number, top: number): string[] {
  if (series.length === 0) return [];
  const rows = series.map((s, i) => {
    const y = top + 10 + i * LEGEND_ROW;
    const colour = colourOf(i);
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const line = s.line === false ? "" : `<line x1="${num(left)}" y1="${num(y)}" x2="${num(left + 24)}" y2="${num(y)}" stroke="${colour}" stroke-width="2"${dash}/>`;
    const dot = s.markers ? `<circle cx="${num(left + 12)}" cy="${num(y)}" r="3" fill="${colour}"/>` : "";
    return `${line}${dot}<text x="${num(left + 30)}" y="${num(y)}" dominant-baseline="middle">${escapeXml(s.name)}</text>`;
  });
  return [`<g>`, ...rows, "</g>"];
}

function colourOf(i: number): string {
  return CHART_PALETTE[i % CHART_PALETTE.length]!;
}

/**
 * A coordinate or size as SVG text: rounded to 0.01, no "-0", clamped so off-chart data cannot reach exponent form.
 * Only a degenerate scale (data spanning more than the doubles hold) gives a non-finite value; it is drawn at 0.
 */
function num(v: number): string {
  if (Number.isNaN(v)) return "0";
  const r = Math.round(Math.min(1e6, Math.max(-1e6, v)) * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

function minOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => Math.min(a, b));
}

function maxOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => Math.max(a, b));
}
