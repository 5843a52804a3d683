/**
 * A running run's live progress: what the runs store keeps from the loop's events (stages of the current round,
 * the running stage's counter) and the fraction of the run done that the header, the run list and the run
 * detail show, and its elapsed time and ETA. It lives in lib/ because the store holds these shapes and stores never
 * import views.
 */
import type { LoopStage, RunStatus } from '../../../shared/records.js';
import { LOOP_STAGES } from '../../../shared/records.js';

export interface LiveStage {
  state: 'running' | 'done';
  ms?: number;
  detail?: string;
}

export interface LiveProgress {
  stage: LoopStage;
  done: number;
  total: number;
  unit: string;
  perSecond?: number;
}

/**
 * Fraction of the whole run done: finished rounds plus the current round's finished stages and the running
 * stage's own progress, over T rounds. Null when T is unknown.
 */
export function runFraction(
  roundsDone: number,
  planned: number | null,
  current: { round: number; stages: Partial<Record<LoopStage, LiveStage>>; progress: LiveProgress | null } | null,
): number | null {
  if (planned === null || planned <= 0) return null;
  let within = 0;
  let base = roundsDone;
  if (current && current.round >= roundsDone) {
    base = current.round;
    const done = LOOP_STAGES.filter((s) => current.stages[s]?.state === 'done').length;
    let partial = 0;
    const p = current.progress;
    if (p && p.total > 0 && current.stages[p.stage]?.state !== 'done') partial = Math.min(1, p.done / p.total);
    within = Math.min(1, (done + partial) / LOOP_STAGES.length);
  }
  return Math.max(0, Math.min(1, (base + within) / planned));
}

export interface RunTiming {
  /** Time spent in rounds: the completed rounds' durations, and the running round's so far. Set-up is not counted. */
  elapsedMs: number;
  /** Time the rounds left will take at the median completed round's pace; null when it cannot be said. */
  etaMs: number | null;
}

/**
 * Elapsed time and ETA of a run from its completed rounds' durations (`RunSummary.roundMs`). The median, not
 * the mean: a round interrupted by a pause keeps its first start, so one long round must not skew the estimate. A
 * run that is not running or paused has no ETA; nor has one with no completed round yet or no planned count.
 */
export function runTiming(
  run: { status: RunStatus; roundMs: readonly number[]; roundStartedAt: number | null; roundsDone: number },
  planned: number | null,
  now: number,
): RunTiming {
  const current = run.status === 'running' && run.roundStartedAt !== null ? Math.max(0, now - run.roundStartedAt) : 0;
  const elapsedMs = run.roundMs.reduce((a, b) => a + b, 0) + current;
  const going = run.status === 'running' || run.status === 'paused' || run.status === 'queued';
  if (!going || planned === null || run.roundMs.length === 0) return { elapsedMs, etaMs: null };
  const sorted = [...run.roundMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const pace = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const left = Math.max(0, planned - run.roundsDone);
  return { elapsedMs, etaMs: Math.max(0, pace * left - current) };
}
