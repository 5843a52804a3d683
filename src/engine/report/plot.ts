/**
 * Learning-curve plots: held-out score against training samples seen, one series per training mode, each the
 * mean over seeds with a shaded band. The chart is laid out once (learningCurveChart.ts) and written as SVG
 * (svg.ts); the PNG is that SVG rendered by resvg, so the two cannot drift apart.
 */
import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { learningCurveChart, type LearningCurveOptions } from './learningCurveChart.js';
import type { CurveSeries } from './learningCurve.js';
import { chartToSvg } from './svg.js';

export type { BandKind, LearningCurveOptions } from './learningCurveChart.js';
export type { CurvePoint, CurveRun, CurveSeries, SeriesSummary, SummaryPoint } from './learningCurve.js';
export { summarizeSeries } from './learningCurve.js';
export { learningCurveChart } from './learningCurveChart.js';

/**
 * Where DejaVu Sans Mono (the first family the SVG asks for) lives: Debian's fonts-dejavu-core, which
 * fontconfig pulls in, and the same font on other Linux distributions.
 */
export const PLOT_FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/TTF/DejaVuSansMono.ttf',
  '/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf',
  '/usr/share/fonts/dejavu/DejaVuSansMono.ttf',
];

let fontOptions: ResvgRenderOptions['font'] | undefined;

/**
 * With the font file present, resvg loads that file alone, so a PNG is byte-for-byte the same on every machine
 * that has it and never depends on what else is installed. Without it (macOS, Windows, a Linux without DejaVu)
 * resvg falls back to the system's fonts, where the SVG's later families (Menlo, Consolas, monospace) match,
 * and otherwise to the first system font.
 */
export function plotFontOptions(candidates: readonly string[] = PLOT_FONT_FILES): NonNullable<ResvgRenderOptions['font']> {
  const file = candidates.find((f) => existsSync(f));
  if (file) return { loadSystemFonts: false, fontFiles: [file], defaultFontFamily: 'DejaVu Sans Mono', monospaceFamily: 'DejaVu Sans Mono' };
  return { loadSystemFonts: true };
}

export function learningCurveSvg(series: readonly CurveSeries[], options: LearningCurveOptions = {}): string {
  return chartToSvg(learningCurveChart(series, options));
}

/** The SVG chart as a PNG of the same size (the SVG's width and height, in pixels). */
export function learningCurvePng(series: readonly CurveSeries[], options: LearningCurveOptions = {}): Uint8Array {
  fontOptions ??= plotFontOptions();
  return new Resvg(learningCurveSvg(series, options), { font: fontOptions, fitTo: { mode: 'original' }, logLevel: 'off' }).render().asPng();
}
