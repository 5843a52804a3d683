/**
 * Benchmarks print figures and ratios; they never assert. Each bench module exports `run(ctx)` returning rows.
 */
export interface BenchRow {
  /** What was measured, e.g. "PLY parse, binary little-endian, 5M points". */
  name: string;
  value: number;
  /** e.g. "points/s", "ms", "rows/s", "×". */
  unit: string;
  /** The target, when the issue states one, and anything a reader needs to interpret the figure. */
  note?: string;
}

export interface BenchContext {
  /** A scratch folder the bench may fill; removed afterwards. */
  tmpDir: string;
  /** `--quick` shrinks sizes so the harness itself can be smoke-tested. */
  quick: boolean;
  log(message: string): void;
}

export interface BenchModule {
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Wall time of fn in milliseconds, best of `repeats`, after one warm-up unless disabled. */
export async function timeIt(fn: () => unknown, repeats = 3, warmup = true): Promise<number> {
  if (warmup) await fn();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}
