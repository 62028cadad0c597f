// SVG charts: well-formed standalone documents, escaping, skipped points, axes, and byte-identical output.
import { describe, expect, it } from "vitest";
import { CHART_PALETTE, type LineChartOptions, escapeXml, lineChart } from "../../src/metrics/index.js";
import { checkXml } from "./xml-check.js";

const KS = [1, 2, 4, 8, 16, 32, 64];
const options = (): LineChartOptions => ({
  title: `Coverage & accuracy <k> "GSM8K"`,
  xLabel: "samples k",
  yLabel: "fraction solved",
  xLog: true,
  yMin: 0,
  yMax: 1,
  series: [
    { name: "pass@k", points: KS.map((k) => [k, 1 - 0.6 ** k]) },
    { name: "majority", points: KS.map((k) => [k, 0.4 + 0.03 * Math.log2(k)]), dashed: true },
    { name: "fit <exp>", points: KS.map((k) => [k, Math.exp(-0.9 * k ** -0.5)]), line: false, markers: true },
  ],
});

const textOf = (svg: string, el: string) => [...svg.matchAll(new RegExp(`<${el}[^>]*>([^<]*)</${el}>`, "g"))].map((m) => m[1]);

describe("lineChart", () => {
  it("writes one well-formed svg root with the SVG namespace", () => {
    const svg = lineChart(options());
    const { root, elements } = checkXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(root.attrs.viewBox).toBe("0 0 720 440");
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(elements.filter((e) => e.name === "path")).toHaveLength(2);
    expect(elements.filter((e) => e.name === "circle")).toHaveLength(KS.length + 1);
  });

  it("is byte-identical for equal options", () => {
    expect(lineChart(options())).toBe(lineChart(options()));
  });

  it("escapes the title, labels and series names", () => {
    const svg = lineChart(options());
    expect(textOf(svg, "title")).toEqual(["Coverage &amp; accuracy &lt;k&gt; &quot;GSM8K&quot;"]);
    expect(svg).toContain("fit &lt;exp&gt;");
    expect(svg).not.toContain("<k>");
  });

  it("draws axes, gridlines, power-of-two x ticks and fixed y ticks", () => {
    const svg = lineChart(options());
    const labels = textOf(svg, "text");
    for (const k of KS) expect(labels).toContain(String(k));
    for (const y of ["0", "0.2", "0.4", "0.6", "0.8", "1"]) expect(labels).toContain(y);
    expect(labels).toContain("samples k");
    expect(labels).toContain("fraction solved");
    expect(svg.match(/<line /g)!.length).toBeGreaterThanOrEqual(2 * (KS.length + 6) + 2);
  });

  it("gives each series its own palette colour, dashes dashed ones", () => {
    const svg = lineChart(options());
    const strokes = [...svg.matchAll(/<path [^>]*stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    expect(strokes).toEqual([CHART_PALETTE[0], CHART_PALETTE[1]]);
    expect(svg).toContain(`fill="${CHART_PALETTE[2]}"`);
    expect(svg.match(/<path [^>]*stroke-dasharray/g)).toHaveLength(1);
  });

  it("skips non-finite points and x ≤ 0 on a log axis, breaking the line there", () => {
    const svg = lineChart({
      title: "t",
      xLabel: "x",
      yLabel: "y",
      xLog: true,
      series: [{ name: "gappy", points: [[1, 0.1], [2, Number.NaN], [4, 0.3], [0, 0.5], [8, Number.POSITIVE_INFINITY], [16, 0.4], [32, 0.5]] }],
    });
    checkXml(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const d = /<path d="([^"]*)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(3);
    expect(d.match(/L/g)).toHaveLength(1);
  });

  it("stays valid with no series, no usable points, or one point", () => {
    for (const series of [[], [{ name: "empty", points: [[Number.NaN, 1]] as [number, number][] }], [{ name: "one", points: [[3, 3]] as [number, number][] }]]) {
      for (const xLog of [false, true]) {
        const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", xLog, series });
        checkXml(svg);
        expect(svg).not.toMatch(/NaN|Infinity/);
      }
    }
  });

  it("clips data outside a fixed y range instead of rescaling", () => {
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", yMin: 0, yMax: 1, series: [{ name: "s", points: [[0, -5], [1, 1e300]] }] });
    checkXml(svg);
    expect(svg).toContain(`clip-path="url(#plot-area)"`);
    expect(svg).not.toMatch(/e\+|NaN/);
  });

  it("survives data at the limits of a double", () => {
    for (const points of [[[0, -1e308], [1, 1e308]], [[1, 1e-300], [2, 2e-300]], [[1e-300, 1], [1e300, 2]]] as [number, number][][]) {
      for (const xLog of [false, true]) {
        const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", xLog, series: [{ name: "s", points, markers: true }] });
        checkXml(svg);
        expect(svg).not.toMatch(/NaN|Infinity/);
      }
    }
  });

  it("drops control characters XML cannot hold", () => {
    const svg = lineChart({ title: "bell\u0007 & tab\t", xLabel: "x", yLabel: "y", series: [] });
    checkXml(svg);
    expect(textOf(svg, "title")).toEqual(["bell &amp; tab\t"]);
  });

  it("rejects an empty or non-finite y range and a size with no room to plot", () => {
    const base = { title: "t", xLabel: "x", yLabel: "y", series: [] };
    expect(() => lineChart({ ...base, yMin: 1, yMax: 1 })).toThrow(RangeError);
    expect(() => lineChart({ ...base, yMin: Number.NaN })).toThrow(RangeError);
    expect(() => lineChart({ ...base, width: 100 })).toThrow(RangeError);
  });
});

describe("escapeXml", () => {
  it("escapes the five XML specials", () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f");
  });
});
