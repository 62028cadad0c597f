// Coverage power-law fit: recovery of known a, b; dropped c ∈ {0, 1}; degenerate and invalid input.
import { describe, expect, it } from "vitest";
import { type CoveragePoint, fitCoveragePowerLaw, mulberry32, predictCoverage } from "../../src/index.js";

const KS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
const curve = (a: number, b: number, ks = KS): CoveragePoint[] => ks.map((k) => ({ k, coverage: Math.exp(a * k ** b) }));

describe("fitCoveragePowerLaw", () => {
  it.each([
    [-2, -0.5],
    [-0.7, -0.3],
    [-5, -1.2],
  ])("recovers a=%s b=%s from exact data", (a, b) => {
    const fit = fitCoveragePowerLaw(curve(a, b))!;
    expect(fit.a).toBeCloseTo(a, 9);
    expect(fit.b).toBeCloseTo(b, 9);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.r2Log).toBeCloseTo(1, 12);
    expect(fit.used).toBe(KS.length);
  });

  it("drops coverage 0 and 1 from the fit but scores the curve against them", () => {
    const points = [{ k: 0.5, coverage: 0 }, ...curve(-2, -0.5), { k: 1e12, coverage: 1 }];
    const fit = fitCoveragePowerLaw(points)!;
    expect(fit.used).toBe(KS.length);
    expect(fit.a).toBeCloseTo(-2, 9);
    expect(fit.b).toBeCloseTo(-0.5, 9);
    // exp(−2·0.5^−0.5) ≈ 0.059 against an observed 0: close but not exact.
    expect(fit.r2).toBeLessThan(1);
    expect(fit.r2).toBeGreaterThan(0.99);
  });

  it("fits noisy data loosely and reports it", () => {
    const rand = mulberry32(3);
    const noisy = curve(-2, -0.5).map((p) => ({ k: p.k, coverage: Math.min(0.999, p.coverage * (1 + (rand() - 0.5) * 0.06)) }));
    const fit = fitCoveragePowerLaw(noisy)!;
    expect(fit.b).toBeCloseTo(-0.5, 1);
    expect(fit.r2).toBeGreaterThan(0.95);
    expect(fit.r2Log).toBeLessThan(1);
  });

  it("returns null without two usable points at distinct k", () => {
    expect(fitCoveragePowerLaw([])).toBeNull();
    expect(fitCoveragePowerLaw([{ k: 1, coverage: 0.3 }])).toBeNull();
    expect(fitCoveragePowerLaw([{ k: 1, coverage: 0 }, { k: 2, coverage: 0.5 }, { k: 4, coverage: 1 }])).toBeNull();
    expect(fitCoveragePowerLaw([{ k: 4, coverage: 0.3 }, { k: 4, coverage: 0.4 }])).toBeNull();
  });

  it.each([
    [{ k: 0, coverage: 0.5 }],
    [{ k: -1, coverage: 0.5 }],
    [{ k: Number.POSITIVE_INFINITY, coverage: 0.5 }],
    [{ k: 2, coverage: 1.5 }],
    [{ k: 2, coverage: -0.1 }],
    [{ k: 2, coverage: Number.NaN }],
  ])("rejects %o", (bad) => expect(() => fitCoveragePowerLaw([{ k: 1, coverage: 0.2 }, bad])).toThrow(RangeError));
});

describe("predictCoverage", () => {
  it("evaluates exp(a·k^b) and extrapolates a fitted curve", () => {
    expect(predictCoverage({ a: -2, b: -0.5 }, 4)).toBeCloseTo(Math.exp(-1), 14);
    const fit = fitCoveragePowerLaw(curve(-2, -0.5, [1, 2, 4, 8, 16]))!;
    expect(predictCoverage(fit, 10_000)).toBeCloseTo(Math.exp(-2 / 100), 9);
  });

  it("rejects k ≤ 0 and non-finite k", () => {
    expect(() => predictCoverage({ a: -1, b: -1 }, 0)).toThrow(RangeError);
    expect(() => predictCoverage({ a: -1, b: -1 }, Number.NaN)).toThrow(RangeError);
  });
});
