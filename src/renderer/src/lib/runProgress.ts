/**
 * A running run's live progress: what the runs store keeps from the loop's events (stages of the current round,
 * the running stage's counter) and the fraction of the run done that the header, the run list and the run
 * detail show. It lives in lib/ because the store holds these shapes and stores never import views.
 */
import type { LoopStage } from '../../../shared/records.js';
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
