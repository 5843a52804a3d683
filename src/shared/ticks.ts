/**
 * Axis ticks at "nice" steps (1, 2 or 5 × 10^k), one implementation for the app's charts and the engine's
 * report plots so both draw the same axes for the same range.
 *
 * The step is d3's choice (d3-array `tickIncrement`): of 1, 2, 5 and 10 × 10^k, the one whose number of steps
 * over the range is closest to `count` on a log scale, so a count is a target, not a cap (up to about √2 × count
 * steps). Ticks are whole multiples of the step, computed as integer × step (never by adding steps up, which
 * lets 0.1 + 0.2 noise into the labels) and rounded to 12 significant digits.
 */

export interface Ticks {
  /** The axis range: the given one (`ticksWithin`) or widened to whole steps (`niceAxis`). */
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

const EPS = 1e-9;
const clean = (v: number): number => Number(v.toPrecision(12));

/** The tick step for about `count` steps over [lo, hi]; 0 when the range is empty or not finite. */
export function tickStep(lo: number, hi: number, count = 5): number {
  const span = Math.abs(hi - lo);
  if (!Number.isFinite(span) || span === 0) return 0;
  const raw = span / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return clean((f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.SQRT2 ? 2 : 1) * mag);
}

function multiples(first: number, last: number, step: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => clean((first + i) * step));
}

/**
 * About `count` nice ticks inside [min, max] (ends swapped if reversed): the multiples of `tickStep` that lie in
 * the range, so the ends themselves are ticks only when they are multiples. Equal ends give that one value; a
 * non-finite end gives no ticks.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const step = tickStep(min, max, count);
  return multiples(Math.ceil(min / step - EPS), Math.floor(max / step + EPS), step);
}

function assertFinite(lo: number, hi: number): void {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`axis range must be finite, got [${lo}, ${hi}]`);
}

/**
 * An axis around [lo, hi] widened out to whole steps, so the data never touches the frame between ticks; a
 * zero-width range is first widened by 10% of its value each way (by 1 around zero).
 */
export function niceAxis(lo: number, hi: number, count = 5): Ticks {
  assertFinite(lo, hi);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = tickStep(lo, hi, count);
  const values = multiples(Math.floor(lo / step + EPS), Math.ceil(hi / step - EPS), step);
  return { lo: values[0]!, hi: values[values.length - 1]!, step, values };
}

/** Ticks inside a fixed range [lo, hi] (a score axis from 0 to 1, say); the range is kept as given. */
export function ticksWithin(lo: number, hi: number, count = 5): Ticks {
  assertFinite(lo, hi);
  // One value has no span to step over: take the step its widened axis would use, for the labels' decimals.
  const step = hi === lo ? niceAxis(lo, hi, count).step : tickStep(lo, hi, count);
  return { lo, hi, step, values: niceTicks(lo, hi, count) };
}
