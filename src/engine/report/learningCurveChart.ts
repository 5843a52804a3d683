/**
 * Layout of a learning-curve chart: x = training samples seen, y = held-out score; per series the mean over
 * seeds as a line with markers, over a shaded band (min–max or ±1 std over seeds); grid, axes with ticks,
 * axis labels, a title and a legend to the right of the plot.
 */
import { niceAxis, type Ticks, ticksWithin } from '../../shared/ticks.js';
import { type Chart, type ChartItem, type Rgb, SERIES_COLORS, textHeight, textWidth } from './chart.js';
import { type CurveSeries, type SeriesSummary, summarizeSeries } from './learningCurve.js';
import { formatTick } from './ticks.js';

export type BandKind = 'minmax' | 'std' | 'none';

export interface LearningCurveOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 800 × 500). */
  width?: number;
  height?: number;
  /** What the shaded band shows (default min–max over seeds). */
  band?: BandKind;
  /** Fixed y range; default [0, 1] when every value lies in it (scores), else a nice range around the data. */
  yDomain?: [number, number];
  /** Text scale of ticks, labels and legend (chart.ts: default 2, 14 px capitals); the title is one step larger. */
  fontScale?: number;
  /** Dots at the evaluated points (default true). */
  markers?: boolean;
  /** Per-series colours, in order; default the Okabe–Ito palette. */
  colors?: readonly Rgb[];
}

const INK: Rgb = [34, 34, 34];
const MUTED: Rgb = [102, 102, 102];
const GRID: Rgb = [228, 228, 228];
const WHITE: Rgb = [255, 255, 255];
const BAND_OPACITY = 0.2;
const PAD = 14;
const TICK = 5;

const BAND_NOTE: Record<BandKind, string> = { minmax: 'band: min-max over seeds', std: 'band: mean +/- 1 std over seeds', none: '' };

function bandOf(p: SeriesSummary['points'][number], kind: BandKind): [number, number] {
  if (kind === 'std') return [p.mean - p.std, p.mean + p.std];
  if (kind === 'minmax') return [p.min, p.max];
  return [p.mean, p.mean];
}

/** Half-pixel positions, so 1-pixel lines land on one pixel column or row instead of two half-covered ones. */
const crisp = (v: number): number => Math.round(v - 0.5) + 0.5;

export function learningCurveChart(series: readonly CurveSeries[], options: LearningCurveOptions = {}): Chart {
  const width = options.width ?? 800;
  const height = options.height ?? 500;
  const s = options.fontScale ?? 2;
  if (!Number.isInteger(s) || s < 1 || s > 8) throw new RangeError(`fontScale must be a whole number from 1 to 8, got ${s}`);
  const band = options.band ?? 'minmax';
  const title = options.title ?? 'Learning curves';
  const xLabel = options.xLabel ?? 'training samples seen';
  const yLabel = options.yLabel ?? 'held-out score';
  const colors = options.colors ?? SERIES_COLORS;
  const summaries = series.map(summarizeSeries);
  const th = textHeight(s);
  const titleScale = s + 1;

  // Domains.
  const xs = summaries.flatMap((x) => x.points.map((p) => p.x));
  const ys = summaries.flatMap((x) => x.points.flatMap((p) => [p.mean, ...bandOf(p, band)]));
  const hasData = xs.length > 0;
  let yTicks: Ticks;
  if (options.yDomain) yTicks = ticksWithin(options.yDomain[0], options.yDomain[1], 5);
  else if (!hasData || (Math.min(...ys) >= 0 && Math.max(...ys) <= 1)) yTicks = ticksWithin(0, 1, 5);
  else yTicks = niceAxis(Math.min(0, ...ys), Math.max(...ys), 5);
  const yMax = Math.max(...yTicks.values.map(Math.abs));
  const yTickLabels = yTicks.values.map((v) => formatTick(v, yTicks.step, yMax));

  // Margins from what has to fit in them.
  const legendNames = summaries.map((x) => `${x.name} (${x.runs} seed${x.runs === 1 ? '' : 's'})`);
  const swatch = 6 * s + 12;
  const note = BAND_NOTE[band];
  const legendW = Math.max(0, ...legendNames.map((n) => swatch + 8 + textWidth(n, s)), textWidth(note, Math.max(1, s - 1))) + 2 * PAD;
  const left = PAD + th + PAD + Math.max(0, ...yTickLabels.map((l) => textWidth(l, s))) + 6 + TICK;
  const right = legendW + PAD;
  const top = PAD + (title ? textHeight(titleScale) + PAD : 0);
  const bottom = PAD + th + PAD + th + 6 + TICK;
  const x0 = left;
  const x1 = width - right;
  const y0 = top;
  const y1 = height - bottom;
  if (x1 - x0 < 60 || y1 - y0 < 60) throw new RangeError(`a ${width}×${height} chart leaves no room for the plot at font scale ${s}; make it larger or the font smaller`);

  // The x axis spans exactly the evaluated range: widening it to a whole tick could leave a third of it empty.
  const xTarget = Math.max(2, Math.min(10, Math.floor((x1 - x0) / (textWidth('00.0k', s) + 40))));
  const xLo = hasData ? Math.min(...xs) : 0;
  const xHi = hasData ? Math.max(...xs) : 1;
  const xTicks = xHi > xLo ? ticksWithin(xLo, xHi, xTarget) : niceAxis(xLo, xHi, xTarget);
  const xMax = Math.max(...xTicks.values.map(Math.abs));
  const sx = (x: number): number => x0 + ((x - xTicks.lo) / (xTicks.hi - xTicks.lo)) * (x1 - x0);
  const sy = (y: number): number => Math.min(y1, Math.max(y0, y1 - ((y - yTicks.lo) / (yTicks.hi - yTicks.lo)) * (y1 - y0)));

  const items: ChartItem[] = [{ kind: 'rect', x: x0, y: y0, w: x1 - x0, h: y1 - y0, fill: WHITE, role: 'plot' }];
  for (const v of yTicks.values) items.push({ kind: 'polyline', points: [[x0, crisp(sy(v))], [x1, crisp(sy(v))]], stroke: GRID, width: 1, role: 'grid' });
  for (const v of xTicks.values) items.push({ kind: 'polyline', points: [[crisp(sx(v)), y0], [crisp(sx(v)), y1]], stroke: GRID, width: 1, role: 'grid' });

  // Bands under every line, so no series' band covers another's mean.
  summaries.forEach((sum, i) => {
    // One seed has no spread to show.
    if (band === 'none' || sum.runs < 2 || sum.points.length < 2) return;
    const color = colors[i % colors.length]!;
    const upper = sum.points.map((p) => [sx(p.x), sy(bandOf(p, band)[1])] as const);
    const lower = sum.points.map((p) => [sx(p.x), sy(bandOf(p, band)[0])] as const).reverse();
    items.push({ kind: 'polygon', points: [...upper, ...lower], fill: color, opacity: BAND_OPACITY, role: 'band', series: sum.name });
  });
  summaries.forEach((sum, i) => {
    const color = colors[i % colors.length]!;
    if (sum.points.length > 0) items.push({ kind: 'polyline', points: sum.points.map((p) => [sx(p.x), sy(p.mean)] as const), stroke: color, width: 2.5, role: 'mean', series: sum.name });
    if (options.markers ?? true) for (const p of sum.points) items.push({ kind: 'circle', cx: sx(p.x), cy: sy(p.mean), r: 3.5, fill: color, series: sum.name });
  });

  // Axes, ticks and their labels.
  const axisX = crisp(x0);
  const axisY = crisp(y1);
  items.push({ kind: 'polyline', points: [[axisX, y0], [axisX, axisY], [x1, axisY]], stroke: INK, width: 1, role: 'axis' });
  yTicks.values.forEach((v, i) => {
    const y = crisp(sy(v));
    items.push({ kind: 'polyline', points: [[axisX - TICK, y], [axisX, y]], stroke: INK, width: 1, role: 'tick' });
    items.push({ kind: 'text', x: axisX - TICK - 6, y, text: yTickLabels[i]!, scale: s, color: INK, anchor: 'end', baseline: 'middle', role: 'tick-label' });
  });
  xTicks.values.forEach((v) => {
    const x = crisp(sx(v));
    items.push({ kind: 'polyline', points: [[x, axisY], [x, axisY + TICK]], stroke: INK, width: 1, role: 'tick' });
    items.push({ kind: 'text', x, y: axisY + TICK + 6, text: formatTick(v, xTicks.step, xMax), scale: s, color: INK, anchor: 'middle', baseline: 'top', role: 'tick-label' });
  });
  items.push({ kind: 'text', x: (x0 + x1) / 2, y: height - PAD, text: xLabel, scale: s, color: INK, anchor: 'middle', baseline: 'bottom', role: 'axis-label' });
  items.push({ kind: 'text', x: PAD, y: (y0 + y1) / 2, text: yLabel, scale: s, color: INK, anchor: 'middle', baseline: 'top', rotate: -90, role: 'axis-label' });
  if (title) items.push({ kind: 'text', x: (x0 + x1) / 2, y: PAD, text: title, scale: titleScale, color: INK, anchor: 'middle', baseline: 'top', role: 'title' });
  if (!hasData) items.push({ kind: 'text', x: (x0 + x1) / 2, y: (y0 + y1) / 2, text: 'no data', scale: s, color: MUTED, anchor: 'middle', baseline: 'middle', role: 'empty' });

  // Legend: a band patch crossed by the series' line, then its name and seed count.
  const lx = x1 + PAD + PAD;
  let ly = y0;
  summaries.forEach((sum, i) => {
    const color = colors[i % colors.length]!;
    const mid = ly + th / 2;
    if (band !== 'none' && sum.runs > 1) items.push({ kind: 'rect', x: lx, y: ly - 2, w: swatch, h: th + 4, fill: color, opacity: BAND_OPACITY, role: 'legend-band' });
    items.push({ kind: 'polyline', points: [[lx, mid], [lx + swatch, mid]], stroke: color, width: 2.5, role: 'legend-line', series: sum.name });
    items.push({ kind: 'text', x: lx + swatch + 8, y: mid, text: legendNames[i]!, scale: s, color: INK, anchor: 'start', baseline: 'middle', role: 'legend' });
    ly += th + 12;
  });
  if (note && summaries.length > 0) items.push({ kind: 'text', x: lx, y: ly + 4, text: note, scale: Math.max(1, s - 1), color: MUTED, anchor: 'start', baseline: 'top', role: 'legend-note' });

  return { width, height, background: [250, 250, 250], title, items };
}
