// Axis ticks: round linear steps widened to the data, powers of two on log axes, never an empty range.
import { describe, expect, it } from "vitest";
import { linearAxis, log2Axis } from "../../src/metrics/axis-ticks.js";

const labels = (axis: { ticks: { label: string }[] }) => axis.ticks.map((t) => t.label);

describe("linearAxis", () => {
  it("widens free ends to round ticks", () => {
    const axis = linearAxis(0.31, 0.78, {});
    expect([axis.lo, axis.hi]).toEqual([0.3, 0.8]);
    expect(labels(axis)).toEqual(["0.3", "0.4", "0.5", "0.6", "0.7", "0.8"]);
  });

  it("keeps fixed ends and ticks only inside them", () => {
    const axis = linearAxis(0.2, 0.5, { lo: 0, hi: 1 });
    expect([axis.lo, axis.hi]).toEqual([0, 1]);
    expect(labels(axis)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"]);
  });

  it("pads an empty range and handles missing data", () => {
    const flat = linearAxis(0.5, 0.5, {});
    expect(flat.lo).toBeLessThan(0.5);
    expect(flat.hi).toBeGreaterThan(0.5);
    expect(linearAxis(null, null, {})).toMatchObject({ lo: 0, hi: 1 });
    expect(linearAxis(5, 9, { hi: 1 }).hi).toBe(1);
    expect(linearAxis(5, 9, { hi: 1 }).lo).toBeLessThan(1);
    expect(() => linearAxis(0, 1, { lo: 2, hi: 2 })).toThrow(RangeError);
  });

  it("ticks tiny ranges without collapsing them", () => {
    const axis = linearAxis(1e-300, 2e-300, {});
    expect(axis.lo).toBeLessThan(axis.hi);
    expect(labels(axis)).toEqual(["1e-300", "1.2e-300", "1.4e-300", "1.6e-300", "1.8e-300", "2e-300"]);
  });

  it("never labels -0", () => {
    expect(labels(linearAxis(-1, 1, {}))).toContain("0");
    expect(labels(linearAxis(-1, 1, {}))).not.toContain("-0");
  });
});

describe("log2Axis", () => {
  it("spans powers of two around the data", () => {
    const axis = log2Axis(3, 100);
    expect([axis.lo, axis.hi]).toEqual([2, 128]);
    expect(labels(axis)).toEqual(["2", "4", "8", "16", "32", "64", "128"]);
  });

  it("thins ticks past ten powers and writes extremes as 2^e", () => {
    // 21 powers: every third one.
    expect(labels(log2Axis(1, 2 ** 20))).toEqual(["1", "8", "64", "512", "4096", "32768", "262144"]);
    expect(labels(log2Axis(2 ** -30, 2 ** -25))[0]).toBe("2^-30");
  });

  it("never collapses to one point", () => {
    expect(log2Axis(4, 4)).toMatchObject({ lo: 2, hi: 8 });
    expect(log2Axis(null, null)).toMatchObject({ lo: 1, hi: 2 });
  });
});
