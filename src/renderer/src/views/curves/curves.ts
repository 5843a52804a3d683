/**
 * Learning curves: held-out score against training samples seen, one series per run, on shared axes; closed
 * loop drawn solid and baselines dashed/dotted so the comparison reads without a legend lookup.
 */
import type { CurvePoint, CurveSeries } from '../../../../shared/api.js';
import { niceTicks } from '../../../../shared/ticks.js';
import { categoryColor, rgbCss } from '../../lib/colorScale.js';
import { sortFamilies } from '../../lib/families.js';

export interface ChartBox {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface ChartPoint {
  x: number;
  y: number;
  samplesSeen: number;
  round: number;
  value: number;
}

export interface ChartLine {
  runId: string;
  name: string;
  mode: string;
  color: string;
  dash: string;
  d: string;
  points: ChartPoint[];
}

export interface Chart {
  box: ChartBox;
  xDomain: [number, number];
  yDomain: [number, number];
  xTicks: { value: number; x: number; label: string }[];
  yTicks: { value: number; y: number; label: string }[];
  lines: ChartLine[];
}

export function seriesDash(mode: string): string {
  if (mode === 'closed-loop') return '';
  if (mode === 'no-feedback') return '7 4';
  if (mode === 'static') return '2 4';
  return '10 3 2 3';
}

export function seriesColor(index: number): string {
  return rgbCss(categoryColor(index));
}

export function formatSamples(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

/**
 * Lines of a chart: `value(point)` picks the plotted number (overall, or one family's score; undefined drops
 * the point). Scores are fractions; the y axis spans [0, 1] shown as percent unless values exceed 1.
 */
export function buildChart(series: readonly CurveSeries[], box: ChartBox, value: (p: CurvePoint) => number | undefined, colorIndex?: (runId: string) => number): Chart {
  const data = series.map((s) => ({
    s,
    pts: [...s.points]
      .sort((a, b) => a.samplesSeen - b.samplesSeen || a.round - b.round)
      .map((p) => ({ p, v: value(p) }))
      .filter((x): x is { p: CurvePoint; v: number } => x.v !== undefined && Number.isFinite(x.v)),
  }));
  let xMax = 0;
  let yMax = 1;
  for (const { pts } of data) for (const { p, v } of pts) {
    xMax = Math.max(xMax, p.samplesSeen);
    yMax = Math.max(yMax, v);
  }
  const xDomain: [number, number] = [0, xMax > 0 ? xMax : 1];
  const yDomain: [number, number] = [0, yMax];
  const { width, height, margin } = box;
  const iw = Math.max(1, width - margin.left - margin.right);
  const ih = Math.max(1, height - margin.top - margin.bottom);
  const sx = (v: number): number => margin.left + (v / xDomain[1]) * iw;
  const sy = (v: number): number => margin.top + ih - (v / yDomain[1]) * ih;
  const pct = yDomain[1] <= 1;
  const lines: ChartLine[] = data.map(({ s, pts }, i) => {
    const points = pts.map(({ p, v }) => ({ x: sx(p.samplesSeen), y: sy(v), samplesSeen: p.samplesSeen, round: p.round, value: v }));
    const d = points.map((pt, k) => `${k === 0 ? 'M' : 'L'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
    return { runId: s.runId, name: s.name, mode: s.mode, color: seriesColor(colorIndex ? colorIndex(s.runId) : i), dash: seriesDash(s.mode), d, points };
  });
  return {
    box,
    xDomain,
    yDomain,
    xTicks: niceTicks(0, xDomain[1], 5).map((v) => ({ value: v, x: sx(v), label: formatSamples(v) })),
    yTicks: niceTicks(0, yDomain[1], 4).map((v) => ({ value: v, y: sy(v), label: pct ? `${Math.round(v * 100)}` : String(v) })),
    lines,
  };
}

/** Families any series reports, in vocabulary order (for the small multiples). */
export function curveFamilies(series: readonly CurveSeries[]): string[] {
  return sortFamilies(series.flatMap((s) => s.points.flatMap((p) => Object.keys(p.families))));
}

/** Nearest point of any line to the pointer (for hover), within `maxDist` pixels. */
export function nearestPoint(chart: Chart, px: number, py: number, maxDist = 24): { line: ChartLine; point: ChartPoint } | null {
  let best: { line: ChartLine; point: ChartPoint } | null = null;
  let bestD = maxDist * maxDist;
  for (const line of chart.lines) for (const point of line.points) {
    const d = (point.x - px) ** 2 + (point.y - py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = { line, point };
    }
  }
  return best;
}
