/**
 * Learning-curve plots: held-out score against training samples seen, one series per training mode, each the
 * mean over seeds with a shaded band. The same laid-out chart (learningCurveChart.ts) is written as SVG
 * (svg.ts) or rasterised in software into a PNG (raster.ts + the perception PNG encoder), so neither needs a
 * plotting library, a font file or a browser.
 */
import { encodePng } from '../perception/png.js';
import { learningCurveChart, type LearningCurveOptions } from './learningCurveChart.js';
import type { CurveSeries } from './learningCurve.js';
import { rasterizeChart } from './raster.js';
import { chartToSvg } from './svg.js';

export type { BandKind, LearningCurveOptions } from './learningCurveChart.js';
export type { CurvePoint, CurveRun, CurveSeries, SeriesSummary, SummaryPoint } from './learningCurve.js';
export { summarizeSeries } from './learningCurve.js';
export { learningCurveChart } from './learningCurveChart.js';

export function learningCurveSvg(series: readonly CurveSeries[], options: LearningCurveOptions = {}): string {
  return chartToSvg(learningCurveChart(series, options));
}

/** The chart as RGB pixels (3 bytes per pixel, rows top to bottom). */
export function learningCurveRgb(series: readonly CurveSeries[], options: LearningCurveOptions = {}): { width: number; height: number; rgb: Uint8Array } {
  const canvas = rasterizeChart(learningCurveChart(series, options));
  return { width: canvas.width, height: canvas.height, rgb: canvas.rgb };
}

export function learningCurvePng(series: readonly CurveSeries[], options: LearningCurveOptions = {}): Uint8Array {
  const img = learningCurveRgb(series, options);
  return encodePng(img.rgb, img.width, img.height);
}
