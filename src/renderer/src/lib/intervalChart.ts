/**
 * A chart of group means with their 95% intervals as bands (the comparison and experiment views): one line per
 * group through its means, a translucent band from lo to hi where the interval exists (n ≥ 2), and n beside
 * each reading. Pure layout; components/IntervalChart.tsx draws it.
 */
import { niceAxis } from '../../../shared/ticks.js';
import { axisScale, nearestIndex, type AxisScale } from './axisScale.js';

export interface IntervalPoint {
  x: number;
  mean: number;
  /** null where there is no interval (a single run). */
  lo: number | null;
  hi: number | null;
  n: number;
  /** What the x is called in the readout, e.g. "round 2" or "3,200 samples". */
  xLabel: string;
}

export interface IntervalSeries {
  id: string;
  name: string;
  color: string;
  points: IntervalPoint[];
}

export interface ChartBox {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface IntervalLayout {
  x: AxisScale;
  y: AxisScale;
  lines: { id: string; name: string; color: string; path: string; band: string; dots: { cx: number; cy: number }[] }[];
}

const f1 = (v: number): string => v.toFixed(1);

/** Scores are fractions; the y axis hugs the data (intervals included) so a point or two of difference shows. */
export function layoutIntervalChart(series: readonly IntervalSeries[], box: ChartBox): IntervalLayout {
  const { width, height, margin } = box;
  const pts = series.flatMap((s) => s.points);
  const xs = pts.map((p) => p.x);
  const ys = pts.flatMap((p) => [p.mean, p.lo ?? p.mean, p.hi ?? p.mean]);
  const xLo = xs.length > 0 ? Math.min(...xs) : 0;
  const xHi = xs.length > 0 ? Math.max(...xs) : 1;
  const yAxis = ys.length > 0 ? niceAxis(Math.max(0, Math.min(...ys) - 0.01), Math.min(1, Math.max(...ys) + 0.01), 5) : { lo: 0, hi: 1 };
  const x = axisScale([xLo, xHi], [margin.left, width - margin.right]);
  const y = axisScale([yAxis.lo, yAxis.hi], [height - margin.bottom, margin.top]);
  y.ticks = y.ticks.map((t) => ({ ...t, label: (t.value * 100).toFixed(Math.abs(yAxis.hi - yAxis.lo) < 0.05 ? 1 : 0) }));
  const lines = series.map((s) => {
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const path = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${f1(x.map(p.x))},${f1(y.map(p.mean))}`).join(' ');
    const withCi = sorted.filter((p) => p.lo !== null && p.hi !== null);
    const band =
      withCi.length === 0
        ? ''
        : [...withCi.map((p, i) => `${i === 0 ? 'M' : 'L'}${f1(x.map(p.x))},${f1(y.map(p.hi!))}`), ...[...withCi].reverse().map((p) => `L${f1(x.map(p.x))},${f1(y.map(p.lo!))}`), 'Z'].join(' ');
    return { id: s.id, name: s.name, color: s.color, path, band, dots: sorted.map((p) => ({ cx: x.map(p.x), cy: y.map(p.mean) })) };
  });
  return { x, y, lines };
}

/** Every series' point nearest to the pointer's x (the crosshair's readout), in series order. */
export function readIntervals(series: readonly IntervalSeries[], x: number): { id: string; name: string; color: string; point: IntervalPoint }[] {
  return series.flatMap((s) => {
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const i = nearestIndex(
      sorted.map((p) => p.x),
      x,
    );
    return i < 0 ? [] : [{ id: s.id, name: s.name, color: s.color, point: sorted[i]! }];
  });
}

/** "62.0 ± 4.9 (n = 3)" or "62.0 (n = 1)": a group's reading, never without its n. */
export function intervalText(p: Pick<IntervalPoint, 'mean' | 'lo' | 'hi' | 'n'>): string {
  const mean = (p.mean * 100).toFixed(1);
  return p.lo === null || p.hi === null ? `${mean} (n = ${p.n})` : `${mean} ± ${(((p.hi - p.lo) / 2) * 100).toFixed(1)} (n = ${p.n})`;
}
