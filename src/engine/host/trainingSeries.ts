/**
 * Training dynamics for the workbench's charts: per-step loss, learning rate and gradient norm of each run, on
 * three x axes (optimizer step, round, training time). A long run is downsampled here rather than in the renderer
 * so that overlaying many runs does not ship every step of each: a reference-preset arm trains 4,000 steps, and a
 * chart is about 1,000 pixels wide. Each bucket keeps its mean, minimum and maximum, so a loss spike or a gradient
 * blow-up that lasted one step is still drawn (as the band's edge) instead of being averaged away.
 */
import type { TrainingPoint, TrainingSeries } from '../../shared/api.js';
import type { TrainingStatRecord } from '../../shared/records.js';
import { getRun } from '../store/runs.js';
import type { Store } from '../store/store.js';
import { listTrainingStats } from '../store/training.js';

export const DEFAULT_TRAINING_POINTS = 1000;

interface Placed {
  row: TrainingStatRecord;
  position: number;
  ms: number;
}

/**
 * Each step's place on the round and time axes. A round's k-th of n steps sits at round + k/n, so round r's
 * training fills (r, r + 1]; time adds the rounds before it (each round's clock restarts with its training stage).
 */
function place(rows: readonly TrainingStatRecord[]): Placed[][] {
  const rounds: TrainingStatRecord[][] = [];
  for (const row of rows) {
    const last = rounds.at(-1);
    if (last && last[0]!.round === row.round) last.push(row);
    else rounds.push([row]);
  }
  let offset = 0;
  return rounds.map((list) => {
    const placed = list.map((row, i) => ({ row, position: row.round + (i + 1) / list.length, ms: offset + row.elapsedMs }));
    offset += Math.max(...list.map((r) => r.elapsedMs));
    return placed;
  });
}

function bucket(items: readonly Placed[]): TrainingPoint {
  const n = items.length;
  const mean = (f: (p: Placed) => number): number => items.reduce((a, p) => a + f(p), 0) / n;
  const norms = items.map((p) => p.row.gradNorm).filter((g): g is number => g !== null);
  return {
    step: items[0]!.row.step,
    stepLast: items[n - 1]!.row.step,
    round: items[0]!.row.round,
    roundPosition: mean((p) => p.position),
    trainingMs: mean((p) => p.ms),
    n,
    loss: mean((p) => p.row.loss),
    lossMin: Math.min(...items.map((p) => p.row.loss)),
    lossMax: Math.max(...items.map((p) => p.row.loss)),
    lr: mean((p) => p.row.lr),
    lrMin: Math.min(...items.map((p) => p.row.lr)),
    lrMax: Math.max(...items.map((p) => p.row.lr)),
    gradNorm: norms.length > 0 ? norms.reduce((a, b) => a + b, 0) / norms.length : null,
    gradNormMin: norms.length > 0 ? Math.min(...norms) : null,
    gradNormMax: norms.length > 0 ? Math.max(...norms) : null,
  };
}

/**
 * The points of one run's steps (in round, step order): every step when there are at most `maxPoints`, else
 * buckets of b consecutive steps within a round, b = ⌈total / (maxPoints − rounds + 1)⌉. A round's last bucket
 * may be smaller; since ⌈n_r / b⌉ < n_r / b + 1 for each round, the count stays within maxPoints (given no more
 * rounds than points; past that, one bucket per round).
 */
export function trainingPoints(rows: readonly TrainingStatRecord[], maxPoints = DEFAULT_TRAINING_POINTS): { points: TrainingPoint[]; downsampled: boolean } {
  const rounds = place(rows);
  if (rows.length <= maxPoints) return { points: rounds.flat().map((p) => bucket([p])), downsampled: false };
  const size = Math.ceil(rows.length / Math.max(1, maxPoints - rounds.length + 1));
  const points: TrainingPoint[] = [];
  for (const list of rounds) for (let i = 0; i < list.length; i += size) points.push(bucket(list.slice(i, i + size)));
  return { points, downsampled: true };
}

export function buildTrainingSeries(store: Store, runIds: readonly string[], maxPoints = DEFAULT_TRAINING_POINTS): TrainingSeries[] {
  return [...new Set(runIds)].map((id) => {
    const run = getRun(store, id);
    const rows = listTrainingStats(store, id);
    return { runId: id, name: run.name, mode: run.mode, status: run.status, total: rows.length, ...trainingPoints(rows, maxPoints) };
  });
}
