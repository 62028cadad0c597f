// Benchmark metrics and plots: pass@k, coverage power-law fits, selection accuracy, and SVG charts.
export { passAtK, meanPassAtK } from "./pass-at-k.js";
export { fitCoveragePowerLaw, predictCoverage, type CoveragePoint, type PowerLawFit } from "./power-law-fit.js";
export {
  DEFAULT_SUBSETS,
  pickerFor,
  selectionAccuracy,
  type Picker,
  type ScoreKey,
  type ScoredSample,
  type Selection,
  type SelectionAccuracy,
  type SubsetOptions,
} from "./selection.js";
export { CHART_PALETTE, escapeXml, lineChart, type ChartSeries, type LineChartOptions } from "./svg-plot.js";
