/**
 * The proposer's records. A Proposal is a candidate question with its Program, before execution; a QA is what
 * execution and the filters made of it. A generative proposer (a model writing question + program) produces
 * the same Proposal shape and goes through the same execute/filter path.
 */
import type { AnswerType, DifficultyParams, Family, NamedObject, ProgramArgs } from '../../shared/proposer.js';
import type { FilterVerdict, QaVerdict } from '../../shared/records.js';
import type { Rng } from '../../shared/random.js';
import type { FamilyFacts } from '../familyFacts.js';
import type { SceneApi } from './program/types.js';

export interface Proposal {
  /** Deterministic id: `<sceneId>/<family>/<seed>`. */
  id: string;
  sceneId: string;
  family: Family;
  /** Who proposed it ('programmatic', or a model's name). */
  proposer: string;
  difficulty: DifficultyParams;
  bin: number;
  question: string;
  /** Lettered options ("A. left") for choice questions. */
  options?: string[];
  answerType: AnswerType;
  /**
   * Body of `function (scene, args) { … }`: derives the answer from the read-only scene API. A family's
   * program is one fixed template and the question's specifics (labels, frame) travel in `args`, so the
   * sandbox compiles each template once; a proposer may also write a self-contained program without args.
   */
  program: string;
  /** The program's arguments (plain JSON), shown beside it and passed on every re-run. */
  args?: ProgramArgs;
  named: NamedObject[];
  /** Extra frame index the question refers to (camera_object_distance). */
  frame?: number;
  seed: number;
  /**
   * Why a generative proposer's answer could not be read as a draft (not JSON, missing or mistyped fields):
   * such a proposal is recorded, rejected by the `response` filter, and never executed.
   */
  malformed?: string;
}

export type { FilterVerdict, NamedObject, ProgramArgs };

export interface QA extends Proposal {
  /** The program's return value as given (option text, or a number). */
  programResult?: unknown;
  /** Ground truth as scored: an option letter for choice questions, a number for numeric ones. */
  answer?: string | number;
  /** Every filter's verdict, in filter order; the store keeps them as `NewQa.filterVerdicts`. */
  filterVerdicts: FilterVerdict[];
  verdict: QaVerdict;
  /** First failing filter, when rejected. */
  rejectedBy?: string;
}

/** What a family needs to draft proposals for one scene. */
export interface DraftContext {
  sceneId: string;
  api: SceneApi;
  rng: Rng;
  /** Target difficulty bin; a family may miss it and report the bin it actually produced. */
  bin: number;
}

export type Draft = Omit<Proposal, 'id' | 'sceneId' | 'proposer' | 'seed'>;

export interface FamilySpec {
  id: Family;
  answerType: AnswerType;
  /** What other layers know of the family without the proposer: FAMILY_FACTS[id] (src/engine/familyFacts.ts). */
  facts: FamilyFacts;
  /** Ground-truth definition, shown in docs and the UI. */
  definition: string;
  /** Names and meaning of the difficulty knobs this family records. */
  knobs: Record<string, string>;
  /** Number of difficulty bins (bin 0 = easiest). */
  bins: number;
  /** Most distinct questions the family can ask of one scene, when that is small (room size: one). */
  maxPerScene?: number;
  /** Drafts one proposal, or explains why this scene cannot host one. */
  draft(ctx: DraftContext): Draft | { skip: string };
  /**
   * The family's own program and arguments for a question naming these objects (and frame). A self-contained
   * program (a generative proposer's) must agree with it, or its answer does not follow from the scene as the
   * family defines it. Throws when the named objects do not fit the family.
   */
  reference(draft: Pick<Draft, 'named' | 'frame'>): { program: string; args: ProgramArgs };
  /**
   * Margins that decide whether the answer is unambiguous, measured host-side with the same scene API.
   * Each is compared against the family's thresholds by the ambiguity filter.
   */
  margins(api: SceneApi, draft: Draft): Record<string, number>;
  /** Smallest acceptable value of each margin. */
  minMargins: Record<string, number>;
}
