/**
 * Learning-curve data: per series (a training mode, say), one run per seed, each a list of (training samples
 * seen, held-out score) points. Seeds rarely evaluate at exactly the same sample counts (acceptance varies per
 * round), so each run is linearly interpolated onto the union of all x values and a seed only counts at x
 * values inside its own range: never extrapolated.
 */

export interface CurvePoint {
  x: number;
  y: number;
}

export interface CurveRun {
  /** The seed (or any label) of this run, for reference. */
  seed?: number | string;
  points: CurvePoint[];
}

export interface CurveSeries {
  name: string;
  runs: CurveRun[];
}

export interface SummaryPoint {
  x: number;
  /** Runs covering this x. */
  n: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (n − 1); 0 for one run. */
  std: number;
}

export interface SeriesSummary {
  name: string;
  runs: number;
  points: SummaryPoint[];
}

function checkRun(series: string, run: CurveRun, r: number): CurvePoint[] {
  const pts = [...run.points].sort((a, b) => a.x - b.x);
  pts.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new RangeError(`series "${series}" run ${r} point ${i}: expected finite x and y, got (${p.x}, ${p.y})`);
  });
  return pts;
}

function interpolate(pts: readonly CurvePoint[], x: number): number | undefined {
  if (pts.length === 0 || x < pts[0]!.x || x > pts[pts.length - 1]!.x) return undefined;
  let i = 0;
  while (i < pts.length - 1 && pts[i + 1]!.x < x) i++;
  const a = pts[i]!;
  const b = pts[Math.min(i + 1, pts.length - 1)]!;
  if (a.x === x) return a.y;
  if (b.x === x || b.x === a.x) return b.y;
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
}

export function summarizeSeries(series: CurveSeries): SeriesSummary {
  const runs = series.runs.map((r, i) => checkRun(series.name, r, i)).filter((r) => r.length > 0);
  const xs = [...new Set(runs.flatMap((r) => r.map((p) => p.x)))].sort((a, b) => a - b);
  const points: SummaryPoint[] = [];
  for (const x of xs) {
    const ys = runs.map((r) => interpolate(r, x)).filter((y): y is number => y !== undefined);
    if (ys.length === 0) continue;
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    const variance = ys.length > 1 ? ys.reduce((s, y) => s + (y - mean) ** 2, 0) / (ys.length - 1) : 0;
    points.push({ x, n: ys.length, mean, min: Math.min(...ys), max: Math.max(...ys), std: Math.sqrt(variance) });
  }
  return { name: series.name, runs: runs.length, points };
}
