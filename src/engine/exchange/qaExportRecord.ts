/**
 * An accepted QA as a VSI-Bench record, plus what makes it traceable and steerable: the round that
 * proposed it, its program and arguments (re-runnable against the scene), its difficulty knobs and bin, and
 * the solver's latest confidence and bucket for it.
 */
import type { Bucket } from '../../shared/proposer.js';
import type { JsonObject, JsonValue, QaRecord } from '../../shared/records.js';
import { vsiSceneName } from './sceneNames.js';
import { groundTruthText, type VsiRecord } from './vsiRecord.js';

export interface ExportedQaRecord extends VsiRecord {
  /** The store's question id (VSI-Bench ids are integers too). */
  id: number;
  round: number;
  /** Body of `function (scene, args) { … }` that computes the ground truth (README › The proposer). */
  program: string;
  /** The program's arguments (labels, frame, …); null for a self-contained program. */
  args: JsonValue;
  difficulty: JsonObject;
  bin: number;
  /** The solver's latest confidence and bucket; null until it has answered. */
  confidence: number | null;
  bucket: Bucket | null;
  /** The stored scene id and the proposal's id, to find the question again in the workspace. */
  scene_id: string;
  proposal_id: string;
}

/** null when the QA has no ground truth (a failed program; accepted QA always have one). */
export function exportRecordOf(qa: QaRecord, dataset: string): ExportedQaRecord | null {
  if (qa.answer === null) return null;
  return {
    id: qa.id,
    dataset,
    scene_name: vsiSceneName(qa.sceneId),
    question_type: qa.family,
    question: qa.question,
    options: qa.options,
    ground_truth: groundTruthText(qa.answer),
    round: qa.round,
    program: qa.program,
    args: qa.args,
    difficulty: qa.difficulty,
    bin: qa.bin,
    confidence: qa.confidence,
    bucket: qa.bucket,
    scene_id: qa.sceneId,
    proposal_id: qa.proposalId,
  };
}
