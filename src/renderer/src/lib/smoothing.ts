/**
 * Exponential moving average as TensorBoard and W&B draw a noisy training curve: each value pulls the average by
 * (1 − weight), and the average is divided by the weight the data so far carry (1 − weight^steps), so the curve
 * starts at the first value instead of rising from zero. A point standing for n steps (a downsampled bucket) counts
 * as n steps of its mean, so the smoothed curve hardly changes when the host downsamples.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number, counts?: readonly number[]): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let acc = 0;
  let mass = 0;
  return values.map((v, i) => {
    if (v === null || !Number.isFinite(v)) return null;
    const keep = weight ** (counts?.[i] ?? 1);
    acc = acc * keep + (1 - keep) * v;
    mass = mass * keep + (1 - keep);
    return acc / mass;
  });
}
