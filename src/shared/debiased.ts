/**
 * The held-out benchmark in two versions, full and debiased (src/engine/loop/debiased.ts removes the questions a
 * blind, text-only model answers correctly with high confidence), and the vision-minus-blind gap per family:
 * what the solver gains over a model that never sees the scene. The engine's export and the workbench's run view
 * both read these shapes, so they show the same figures.
 */
import type { HeldoutScore } from './loop.js';

/** The same score on both versions of the benchmark. */
export interface TwoVersions {
  full: HeldoutScore;
  debiased: HeldoutScore;
}

/** What the host says about a run's benchmark: the blind model's scores and what the rule removed. */
export interface BenchmarkDebias {
  /** The removal rule in words (threshold included), as fixed in loop/debiased.ts. */
  rule: string;
  questions: { full: number; debiased: number };
  removedByFamily: { family: string; removed: number; of: number }[];
  blind: TwoVersions;
}

export interface GapRow {
  /** A family, or null for the overall score (VSI-Bench's mean over families). */
  family: string | null;
  solver: { full: number | null; debiased: number | null };
  blind: { full: number | null; debiased: number | null };
  /** Solver minus blind, in score points 0…1; null where either is missing. */
  gap: { full: number | null; debiased: number | null };
  n: { full: number; debiased: number };
}

function familyScore(s: HeldoutScore | undefined, family: string | null): { score: number | null; n: number } {
  if (!s) return { score: null, n: 0 };
  if (family === null) return { score: s.overall, n: s.families.reduce((a, f) => a + f.n, 0) };
  const row = s.families.find((f) => f.family === family);
  return row ? { score: row.score, n: row.n } : { score: null, n: 0 };
}

const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/**
 * Per family (in the order the full benchmark lists them) and overall: the solver's and the blind model's scores
 * on both versions and their difference. `solver` may lack the debiased version (a run scored before it was
 * recorded): those cells are null.
 */
export function visionBlindGaps(solver: { full: HeldoutScore; debiased?: HeldoutScore }, blind: TwoVersions): GapRow[] {
  const families = [...new Set([...blind.full.families, ...solver.full.families].map((f) => String(f.family)))];
  return [...families, null].map((family) => {
    const s = { full: familyScore(solver.full, family), debiased: familyScore(solver.debiased, family) };
    const b = { full: familyScore(blind.full, family), debiased: familyScore(blind.debiased, family) };
    return {
      family,
      solver: { full: s.full.score, debiased: s.debiased.score },
      blind: { full: b.full.score, debiased: b.debiased.score },
      gap: { full: minus(s.full.score, b.full.score), debiased: minus(s.debiased.score, b.debiased.score) },
      n: { full: b.full.n, debiased: b.debiased.n },
    };
  });
}

/** A run's benchmark in both versions: the blind model's scores, and the solver's after its latest evaluated round. */
export interface RunDebias extends BenchmarkDebias {
  /** Null before the run's first evaluation; `debiased` absent for a run scored before it was recorded. */
  solver: { round: number; full: HeldoutScore; debiased?: HeldoutScore } | null;
}
