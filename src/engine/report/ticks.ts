/** Axis ticks at "nice" steps (1, 2 or 5 × 10^k) and labels short enough for a small chart. */

export interface Ticks {
  /** The axis range, widened to whole steps so the data never touches the frame between ticks. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
}

function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** About `target` ticks covering [lo, hi]; a zero-width range is widened around its value. */
export function niceTicks(lo: number, hi: number, target = 5): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`axis range must be finite, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, target);
  const start = Math.floor(lo / step + 1e-9);
  const end = Math.ceil(hi / step - 1e-9);
  // Multiplying integers by the step (rather than adding steps up) keeps 0.1 + 0.2 noise out of the labels.
  const values = Array.from({ length: end - start + 1 }, (_, i) => Number(((start + i) * step).toPrecision(12)));
  return { lo: values[0]!, hi: values[values.length - 1]!, step, values };
}

/** Ticks inside a fixed range [lo, hi] (a score axis from 0 to 1, say). */
export function ticksWithin(lo: number, hi: number, target = 5): Ticks {
  const t = niceTicks(lo, hi, target);
  return { lo, hi, step: t.step, values: t.values.filter((v) => v >= lo - 1e-9 && v <= hi + 1e-9) };
}

/** A tick label: as many decimals as the step needs, thousands as k and millions as M. */
export function formatTick(value: number, step: number, maxAbs: number = Math.abs(value)): string {
  const [div, suffix] = maxAbs >= 1e7 ? [1e6, 'M'] : maxAbs >= 1e4 ? [1e3, 'k'] : [1, ''];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / div) + 1e-9)));
  const v = value / div;
  const text = (Math.abs(v) < 1e-12 ? 0 : v).toFixed(decimals);
  return `${text}${value === 0 ? '' : suffix}`;
}
