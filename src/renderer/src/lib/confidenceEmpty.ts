/**
 * Why a scene has no solver confidences in a run, so the viewer can say what to do instead of showing
 * "0 answered questions": a held-out scene's questions are the run's benchmark (scored per round in Curves,
 * never answered by the loop), a scene outside the run has none, and a training scene may simply have no
 * answered question naming its objects yet.
 */
import type { RunDetail } from '../../../shared/api.js';

export interface NoConfidence {
  reason: 'heldout' | 'not-in-run' | 'none-answered';
  runId: string;
  runName: string;
  /** The run's training scenes (where confidences exist), at most `limit`, for "open one of these". */
  trainScenes: string[];
}

export function explainNoConfidence(sceneId: string, run: Pick<RunDetail, 'run' | 'split'>, limit = 5): NoConfidence {
  const entry = run.split.find((s) => s.sceneId === sceneId);
  const reason = entry === undefined ? 'not-in-run' : entry.split === 'heldout' ? 'heldout' : 'none-answered';
  const trainScenes = run.split.filter((s) => s.split === 'train' && s.sceneId !== sceneId).slice(0, limit).map((s) => s.sceneId);
  return { reason, runId: run.run.id, runName: run.run.name, trainScenes };
}
