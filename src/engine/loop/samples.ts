/**
 * Between the proposer's QA, the store's rows and the solver's samples. Every stage builds its solver inputs
 * from stored rows (not from what the previous stage held in memory), so a resumed run feeds the solver
 * exactly what an uninterrupted one did.
 */
import type { Observation } from '../../shared/observation.js';
import { defaultPerceptionConfig } from '../../shared/observation.js';
import type { Family } from '../../shared/proposer.js';
import { hashSeed } from '../../shared/random.js';
import type { BenchmarkQuestionRecord, JsonObject, JsonValue, NewQa, QaRecord } from '../../shared/records.js';
import type { Scene } from '../../shared/scene.js';
import { observeScene } from '../perception/observe.js';
import type { QA } from '../proposer/types.js';
import type { SolverQuestion, SolverSample } from '../solver/features.js';

/** Observations per scene, made once: seeded by the data seed so every run sees the same noisy detections. */
export class Observations {
  private readonly cache = new Map<string, Observation>();

  constructor(
    private readonly scenes: ReadonlyMap<string, Scene>,
    private readonly dataSeed: number,
    private readonly frames: number,
  ) {}

  get(sceneId: string): Observation {
    let o = this.cache.get(sceneId);
    if (!o) {
      const scene = this.scenes.get(sceneId);
      if (!scene) throw new Error(`scene ${sceneId} is not part of this run`);
      o = observeScene(scene, { ...defaultPerceptionConfig(hashSeed(this.dataSeed, sceneId)), frames: this.frames });
      this.cache.set(sceneId, o);
    }
    return o;
  }
}

function jsonable(v: unknown): JsonValue {
  if (v === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(v)) as JsonValue;
  } catch {
    return String(v);
  }
}

export function toNewQa(runId: string, round: number, qa: QA): NewQa {
  const failing = qa.filterVerdicts.find((v) => !v.passed);
  return {
    runId,
    round,
    sceneId: qa.sceneId,
    proposalId: qa.id,
    proposer: qa.proposer,
    family: qa.family,
    difficulty: jsonable(qa.difficulty) as JsonObject,
    bin: qa.bin,
    question: qa.question,
    options: qa.options ?? null,
    answerType: qa.answerType,
    answer: qa.answer ?? null,
    program: qa.program,
    programResult: jsonable(qa.programResult),
    verdict: qa.verdict,
    rejectedBy: qa.rejectedBy ?? null,
    reason: qa.verdict === 'accepted' ? null : (failing?.reason ?? null),
    filterVerdicts: qa.filterVerdicts.map((v) => ({ filter: v.filter, passed: v.passed, ...(v.reason !== undefined ? { reason: v.reason } : {}), ...(v.value !== undefined && Number.isFinite(v.value) ? { value: v.value } : {}) })),
    named: qa.named.map((n) => ({ label: n.label, role: n.role })),
    args: qa.args ?? null,
    frame: qa.frame ?? null,
    seed: qa.seed,
  };
}

/**
 * The solver's view of a stored question. `named` and `frame` are absent only for a benchmark question that does not
 * say (an imported one): the solver then finds the labels and the frame in the question's text.
 */
export function questionOfRecord(r: QaRecord | BenchmarkQuestionRecord): SolverQuestion {
  return {
    id: String(r.id),
    family: r.family as Family,
    question: r.question,
    ...(r.options ? { options: r.options } : {}),
    answerType: r.answerType,
    ...(r.named ? { named: r.named.map((n) => ({ label: n.label })) } : {}),
    ...(r.frame !== null ? { frame: r.frame } : {}),
    ...(r.answer !== null ? { answer: r.answer } : {}),
  };
}

export function sampleOfRecord(r: QaRecord | BenchmarkQuestionRecord, observations: Observations): SolverSample {
  return { qa: questionOfRecord(r), observation: observations.get(r.sceneId), sceneId: r.sceneId };
}
