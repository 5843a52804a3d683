/**
 * Training dynamics charts, rendering-free: a run's per-step values of one statistic on the chosen x axis, the
 * raw values (drawn faint, with the min–max band of downsampled buckets), their EMA (drawn strong), and what a
 * crosshair at some x reads from every run.
 */
import type { TrainingPoint, TrainingSeries } from '../../../../shared/api.js';
import { axisScale, nearestIndex, type AxisScale } from '../../lib/axisScale.js';
import type { ChartBox } from '../../lib/intervalChart.js';
import { emaSmooth } from '../../lib/smoothing.js';
import type { TrainingAxis } from '../../state/trainingStore.js';

export type TrainingMetric = 'loss' | 'lr' | 'gradNorm';

export const TRAINING_METRICS: readonly { key: TrainingMetric; label: string }[] = [
  { key: 'loss', label: 'loss' },
  { key: 'lr', label: 'learning rate' },
  { key: 'gradNorm', label: 'gradient norm' },
];

export const AXIS_LABELS: Record<TrainingAxis, string> = {
  step: 'optimizer step',
  round: 'round',
  time: 'training time (s)',
};

/** Where a point sits on an axis: a bucket's middle step, its mean round position, its mean training time. */
export function xOf(p: TrainingPoint, axis: TrainingAxis): number {
  return axis === 'step' ? (p.step + p.stepLast) / 2 : axis === 'round' ? p.roundPosition : p.trainingMs / 1000;
}

export function valueOf(p: TrainingPoint, metric: TrainingMetric): { mean: number; min: number; max: number } | null {
  if (metric === 'loss') return { mean: p.loss, min: p.lossMin, max: p.lossMax };
  if (metric === 'lr') return { mean: p.lr, min: p.lrMin, max: p.lrMax };
  return p.gradNorm === null ? null : { mean: p.gradNorm, min: p.gradNormMin!, max: p.gradNormMax! };
}

export interface DynLine {
  runId: string;
  name: string;
  color: string;
  /** Ascending x; the arrays below are parallel to it. */
  xs: number[];
  points: TrainingPoint[];
  raw: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  smooth: (number | null)[];
}

/**
 * One line per run: its points on the axis (x ≤ 0 dropped on a log axis, where they have no place) and the EMA of
 * the raw means, each bucket weighted by the steps it stands for.
 */
export function buildLines(series: readonly TrainingSeries[], metric: TrainingMetric, axis: TrainingAxis, logX: boolean, smoothing: number, colorOf: (runId: string) => string): DynLine[] {
  return series.map((s) => {
    const kept = s.points.filter((p) => !logX || xOf(p, axis) > 0).sort((a, b) => xOf(a, axis) - xOf(b, axis));
    const values = kept.map((p) => valueOf(p, metric));
    const raw = values.map((v) => v?.mean ?? null);
    return {
      runId: s.runId,
      name: s.name,
      color: colorOf(s.runId),
      xs: kept.map((p) => xOf(p, axis)),
      points: kept,
      raw,
      min: values.map((v) => v?.min ?? null),
      max: values.map((v) => v?.max ?? null),
      smooth: smoothing > 0 ? emaSmooth(raw, smoothing, kept.map((p) => p.n)) : raw,
    };
  });
}

export interface DynChart {
  x: AxisScale;
  y: AxisScale;
  paths: { runId: string; color: string; raw: string; band: string; smooth: string }[];
  empty: boolean;
}

const f1 = (v: number): string => v.toFixed(1);

/** Path through the non-null values; a gap (no gradient norm recorded) starts a new segment. */
function linePath(xs: readonly number[], ys: readonly (number | null)[], x: AxisScale, y: AxisScale): string {
  let out = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    out += `${out ? ' ' : ''}${pen ? 'L' : 'M'}${f1(x.map(xs[i]!))},${f1(y.map(v))}`;
    pen = true;
  }
  return out;
}

/** The min–max band of downsampled buckets (empty when every point is a single step). */
function bandPath(line: DynLine, x: AxisScale, y: AxisScale): string {
  const idx = line.xs.map((_, i) => i).filter((i) => line.min[i] !== null && line.max[i] !== null);
  if (idx.length < 2 || idx.every((i) => line.points[i]!.n === 1)) return '';
  const top = idx.map((i, k) => `${k === 0 ? 'M' : 'L'}${f1(x.map(line.xs[i]!))},${f1(y.map(line.max[i]!))}`);
  const bottom = [...idx].reverse().map((i) => `L${f1(x.map(line.xs[i]!))},${f1(y.map(line.min[i]!))}`);
  return [...top, ...bottom, 'Z'].join(' ');
}

/** Axes over every line's x and raw range (band included, so a spike is never clipped). */
export function layoutDynChart(lines: readonly DynLine[], box: ChartBox, logX: boolean): DynChart {
  const { width, height, margin } = box;
  const xs = lines.flatMap((l) => l.xs);
  const ys = lines.flatMap((l) => [...l.min, ...l.max, ...l.smooth].filter((v): v is number => v !== null));
  const empty = xs.length === 0 || ys.length === 0;
  const xLo = empty ? (logX ? 1 : 0) : Math.min(...xs);
  const xHi = empty ? 10 : Math.max(...xs);
  const x = axisScale([xLo, xHi], [margin.left, width - margin.right], logX);
  const y = axisScale(empty ? [0, 1] : [Math.min(...ys), Math.max(...ys)], [height - margin.bottom, margin.top], false, 4);
  return {
    x,
    y,
    empty,
    paths: lines.map((l) => ({ runId: l.runId, color: l.color, raw: linePath(l.xs, l.raw, x, y), band: bandPath(l, x, y), smooth: linePath(l.xs, l.smooth, x, y) })),
  };
}

export interface Reading {
  runId: string;
  name: string;
  color: string;
  x: number;
  step: number;
  stepLast: number;
  n: number;
  raw: number | null;
  min: number | null;
  max: number | null;
  smooth: number | null;
}

/** What the crosshair at `x` reads: each run's point nearest to it (runs with no point there are left out). */
export function readAt(lines: readonly DynLine[], x: number): Reading[] {
  return lines.flatMap((l) => {
    const i = nearestIndex(l.xs, x);
    if (i < 0) return [];
    const p = l.points[i]!;
    return [{ runId: l.runId, name: l.name, color: l.color, x: l.xs[i]!, step: p.step, stepLast: p.stepLast, n: p.n, raw: l.raw[i]!, min: l.min[i]!, max: l.max[i]!, smooth: l.smooth[i]! }];
  });
}
