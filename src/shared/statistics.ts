/**
 * Small-sample statistics for comparing groups of runs across seeds: the experiment's arms, and the workbench's
 * comparison and experiment views. In src/shared so the engine's report and the renderer format a result in the
 * same words ("no difference" whenever the interval holds 0).
 *
 * Arms are typically run with a handful of seeds (3–10), so intervals use Student's t, not the normal
 * approximation: at df = 2 the 95% quantile is 4.30, not 1.96, and a normal interval would claim differences
 * that the data do not support. Everything returned is JSON-safe (no NaN, no ±Infinity): where an interval is
 * undefined (fewer than two values) its bounds are null.
 */

export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 when n < 2. */
  sd: number;
  lo: number | null;
  hi: number | null;
  /** Half-width of the two-sided t interval: t(1 − α/2, n − 1) · sd / √n. */
  halfWidth: number | null;
}

export type Verdict = 'better' | 'worse' | 'no difference';

export interface PairedDifference extends MeanInterval {
  /** 'better' only when the whole interval of a − b lies above 0, 'worse' when below, else 'no difference'. */
  verdict: Verdict;
}

/** Mean of `values` with a two-sided Student-t confidence interval at `level`. */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  checkLevel(level);
  const n = values.length;
  if (n === 0) throw new RangeError('meanInterval needs at least one value');
  let sum = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`meanInterval got a non-finite value: ${v}`);
    sum += v;
  }
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: 0, lo: null, hi: null, halfWidth: null };
  // Two passes: the one-pass Σx² − n·mean² formula cancels badly when the spread is small next to the mean,
  // which is exactly the case for scores of similar runs.
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = (tQuantile(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - halfWidth, hi: mean + halfWidth, halfWidth };
}

/**
 * Paired comparison of two arms: a[i] and b[i] must come from the same seed, so the seed-to-seed variation
 * (which is usually larger than the effect) cancels in a[i] − b[i].
 */
export function pairedDifference(a: readonly number[], b: readonly number[], level = 0.95): PairedDifference {
  if (a.length !== b.length) {
    throw new RangeError(`pairedDifference needs the same seeds in both arms: got ${a.length} values against ${b.length}`);
  }
  const r = meanInterval(
    a.map((x, i) => x - (b[i] as number)),
    level,
  );
  const verdict: Verdict = r.lo !== null && r.lo > 0 ? 'better' : r.hi !== null && r.hi < 0 ? 'worse' : 'no difference';
  return { ...r, verdict };
}

/** "41.7 ± 3.2" (± the half-width at the interval's level), or "41.7 (n = 1)" when there is no interval. */
export function formatMeanInterval(r: MeanInterval, scale = 1, digits = 1): string {
  const mean = formatNumber(r.mean * scale, digits);
  return r.halfWidth === null ? `${mean} (n = ${r.n})` : `${mean} ± ${formatNumber(r.halfWidth * scale, digits)}`;
}

/** "+2.1 [0.4, 3.8] better", "−0.5 [−2.0, 1.0] no difference", or "+2.1 (n = 1) no difference". */
export function formatDifference(r: PairedDifference, scale = 1, digits = 1): string {
  const text = formatNumber(r.mean * scale, digits);
  const mean = text === formatNumber(0, digits) || text.startsWith('\u2212') ? text : `+${text}`;
  const interval = r.lo === null || r.hi === null ? `(n = ${r.n})` : `[${formatNumber(r.lo * scale, digits)}, ${formatNumber(r.hi * scale, digits)}]`;
  return `${mean} ${interval} ${r.verdict}`;
}

/** Typographic minus (U+2212) for negatives, and no "−0.0" for values that round to zero. */
function formatNumber(v: number, digits: number): string {
  const text = Math.abs(v).toFixed(digits);
  return v < 0 && Number(text) !== 0 ? `\u2212${text}` : text;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom (df > 0, not necessarily an integer):
 * the t with P(T ≤ t) = p. Found by bisection on the exact CDF (regularized incomplete beta), which is accurate
 * to ~1e-12 everywhere, unlike the closed-form approximations that degrade at df = 1–3 where we need them most.
 * For df > 1e5 the incomplete beta loses digits (ln Γ of huge arguments), so the Cornish–Fisher expansion
 * around the normal quantile is used instead; its error there is far below 1e-12.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile needs p in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`tQuantile needs df > 0, got ${df}`);
  if (p === 0.5) return 0;
  // Work with the smaller tail probability so that p close to 1 does not lose digits to 1 − p.
  const q = p < 0.5 ? p : 1 - p;
  const sign = p < 0.5 ? -1 : 1;
  if (df > 1e5) return sign * cornishFisherT(normalUpperQuantile(q), df);
  return sign * invertDecreasing((t) => tUpperTail(t, df), q);
}

/** Abramowitz & Stegun 26.7.5: t quantile as a series in 1/df around the normal quantile z. */
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/** P(T > t) for t ≥ 0: ½ · I_{df/(df+t²)}(df/2, ½). Both x and 1 − x are formed directly to keep their digits. */
function tUpperTail(t: number, df: number): number {
  const t2 = t * t;
  return 0.5 * regularizedBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** z with P(Z > z) = q for a standard normal, q ≤ ½; P(Z > z) = ½ · Q(½, z²/2). */
function normalUpperQuantile(q: number): number {
  return invertDecreasing((z) => 0.5 * regularizedGammaQ(0.5, (z * z) / 2), q);
}

/** The x ≥ 0 with f(x) = target for a decreasing f with f(0) ≥ target, by bracketing and bisection. */
function invertDecreasing(f: (x: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  while (f(hi) > target) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Number.MAX_VALUE;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10000;

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Lanczos approximation (g = 7, 9 terms), ~15 significant digits; reflection for x < ½. */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** I_x(a, b), with y = 1 − x passed separately (Numerical Recipes' betai, Lentz continued fraction). */
function regularizedBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y));
  // The continued fraction converges fast only on this side of the mean; use the symmetry I_x(a,b) = 1 − I_y(b,a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(y, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const clamp = (v: number): number => (Math.abs(v) < TINY ? TINY : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clamp(1 + aa * d);
    c = clamp(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clamp(1 + aa * d);
    c = clamp(1 + aa / c);
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Q(a, x) = Γ(a, x) / Γ(a): series for x < a + 1, continued fraction otherwise (Numerical Recipes' gammq). */
function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let ap = a;
    let term = 1 / a;
    let sum = term;
    for (let i = 0; i < MAX_ITER && Math.abs(term) >= Math.abs(sum) * EPS; i++) {
      ap += 1;
      term *= x / ap;
      sum += term;
    }
    return 1 - sum * front;
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = 1 / (Math.abs(d) < TINY ? TINY : d);
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return front * h;
}
