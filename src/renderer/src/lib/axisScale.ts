/**
 * One chart axis: data → pixels, linear or logarithmic, with ticks and their labels. A log axis is what a
 * researcher reaches for when the interesting part of a loss curve is its first hundred steps of thousands.
 */
import { niceTicks } from '../../../shared/ticks.js';
import { formatCount } from './format.js';

export interface AxisScale {
  domain: [number, number];
  range: [number, number];
  log: boolean;
  map(v: number): number;
  invert(px: number): number;
  ticks: { value: number; px: number; label: string }[];
}

/** "0.001", "2.5", "12k", "1e-7": short enough for an axis, exact enough to read a learning rate. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4) return formatCount(v);
  return String(Number(v.toPrecision(4)));
}

/** Powers of ten inside the domain; with fewer than two, also their 2× and 5× multiples; else linear ticks. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  for (let e = first; e <= last; e++) if (inside(10 ** e)) out.push(Number((10 ** e).toPrecision(12)));
  if (out.length >= 2) return out;
  const more: number[] = [];
  for (let e = first; e <= last; e++) for (const m of [1, 2, 5]) if (inside(m * 10 ** e)) more.push(Number((m * 10 ** e).toPrecision(12)));
  return more.length >= 2 ? more : niceTicks(lo, hi, 4);
}

/**
 * `domain` must be ordered; a log axis needs a positive lower end (callers drop x ≤ 0 first). An empty span is
 * widened so a single point is drawn in the middle rather than dividing by zero.
 */
export function axisScale(domain: [number, number], range: [number, number], log = false, count = 5): AxisScale {
  let [lo, hi] = domain;
  if (log && !(lo > 0)) throw new RangeError(`a log axis needs a positive domain, got [${lo}, ${hi}]`);
  if (hi === lo) {
    if (log) {
      lo /= 2;
      hi *= 2;
    } else {
      const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
      lo -= pad;
      hi += pad;
    }
  }
  const f = log ? Math.log10 : (v: number) => v;
  const fi = log ? (v: number) => 10 ** v : (v: number) => v;
  const [a, b] = [f(lo), f(hi)];
  const [r0, r1] = range;
  const map = (v: number): number => r0 + ((f(v) - a) / (b - a)) * (r1 - r0);
  const invert = (px: number): number => fi(a + ((px - r0) / (r1 - r0)) * (b - a));
  const values = log ? logTicks(lo, hi) : niceTicks(lo, hi, count);
  return { domain: [lo, hi], range, log, map, invert, ticks: values.map((value) => ({ value, px: map(value), label: formatTick(value) })) };
}

/** Index of the value in ascending `xs` nearest to `x` (the earlier on a tie); −1 for an empty list. */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[hi]! - x) < Math.abs(x - xs[lo]!) ? hi : lo;
}
