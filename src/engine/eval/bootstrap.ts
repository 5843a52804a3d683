/**
 * Confidence interval for the VSI-Bench overall score by percentile bootstrap over questions.
 *
 * The resampling is stratified by family: each family is resampled with replacement within itself, keeping its
 * own question count. The benchmark's question mix per family is fixed by design, not drawn at random, so an
 * unstratified bootstrap would add variance that the benchmark does not have (and could even drop a family,
 * which changes the overall formula). Each resample's overall is computed by the scorer's own `aggregateScores`
 * so that the interval can never drift from how the point estimate is defined (relative-direction levels merged
 * first, missing levels counted as 0, …).
 */
import { createRng, hashSeed } from '../../shared/random.js';
import { aggregateScores } from './vsiScore.js';

export interface BootstrapOptions {
  /** Number of bootstrap resamples; 1000 is enough for a 95% percentile interval to be stable to ~0.1 point. */
  resamples?: number;
  /** Seed of the resampling stream; the same seed and questions give the same interval. */
  seed?: number;
  /** Two-sided confidence level, in (0, 1). */
  level?: number;
}

export interface BootstrapInterval {
  /** Overall score of the questions as given, in the scorer's units ([0, 1]). */
  overall: number;
  lo: number;
  hi: number;
  /** (hi − lo) / 2; the interval need not be symmetric about `overall`. */
  halfWidth: number;
  resamples: number;
}

export function bootstrapOverall(questions: readonly { family: string; score: number }[], options: BootstrapOptions = {}): BootstrapInterval {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  if (questions.length === 0) throw new RangeError('bootstrapOverall needs at least one question');

  // Group into one flat typed array so the hot loop touches no objects. Families are sorted by name so that the
  // random stream is consumed in the same order however the questions happen to be interleaved.
  const byFamily = new Map<string, number[]>();
  for (const q of questions) {
    if (!Number.isFinite(q.score)) throw new RangeError(`score of a ${q.family} question is not finite: ${q.score}`);
    const list = byFamily.get(q.family);
    if (list) list.push(q.score);
    else byFamily.set(q.family, [q.score]);
  }
  const families = [...byFamily.keys()].sort();
  const start = new Int32Array(families.length + 1);
  const scores = new Float64Array(questions.length);
  let at = 0;
  families.forEach((f, k) => {
    start[k] = at;
    for (const s of byFamily.get(f) as number[]) scores[at++] = s;
  });
  start[families.length] = at;

  const overall = aggregateScores(questions).overall;

  // One row per family whose score is the resampled family mean: aggregateScores then averages a single value
  // per family (exactly that value), so the overall rule is the scorer's and nothing is re-implemented here.
  // The rows are reused across resamples; the per-resample cost of the call is O(families), not O(questions).
  const rows = families.map((family) => ({ family, score: 0 }));
  const rng = createRng(hashSeed(seed, 'vsi-bootstrap'));
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < families.length; k++) {
      const from = start[k] as number;
      const n = (start[k + 1] as number) - from;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += scores[from + rng.int(n)] as number;
      (rows[k] as { score: number }).score = sum / n;
    }
    stats[r] = aggregateScores(rows).overall;
  }
  stats.sort();

  const alpha = (1 - level) / 2;
  const lo = quantileSorted(stats, alpha);
  const hi = quantileSorted(stats, 1 - alpha);
  return { overall, lo, hi, halfWidth: (hi - lo) / 2, resamples };
}

/** Linear interpolation between order statistics (numpy's default), so small resample counts still interpolate. */
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const a = sorted[i] as number;
  const b = sorted[Math.min(i + 1, sorted.length - 1)] as number;
  return a + (h - i) * (b - a);
}

/** "47.3 [46.4, 48.2]": the overall and its interval, scaled (100 → percent, as VSI-Bench is reported). */
export function formatInterval(x: { overall: number; lo: number; hi: number }, scale = 100, digits = 1): string {
  return `${formatNumber(x.overall * scale, digits)} [${formatNumber(x.lo * scale, digits)}, ${formatNumber(x.hi * scale, digits)}]`;
}

/** Typographic minus, matching shared/statistics, and no "−0.0" for values that round to zero. */
function formatNumber(v: number, digits: number): string {
  const text = Math.abs(v).toFixed(digits);
  return v < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}
