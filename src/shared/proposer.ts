/**
 * Proposer vocabulary shared by the engine, the store and the UI. Family ids are VSI-Bench's own
 * `question_type` strings where a family exists there, so exported data lines up with the benchmark.
 */
export const VSI_FAMILIES = [
  'object_counting',
  'object_abs_distance',
  'object_size_estimation',
  'room_size_estimation',
  'object_rel_distance',
  'object_rel_direction_easy',
  'object_rel_direction_medium',
  'object_rel_direction_hard',
  'obj_appearance_order',
  'route_planning',
] as const;

/** Families beyond VSI-Bench, each verifiable from the metadata (definitions in src/engine/proposer/families). */
export const EXTRA_FAMILIES = ['object_height_comparison', 'object_rel_size', 'camera_object_distance'] as const;

export const FAMILIES = [...VSI_FAMILIES, ...EXTRA_FAMILIES] as const;
export type Family = (typeof FAMILIES)[number];

export type AnswerType = 'number' | 'choice';

/** Units of numeric answers: metres, centimetres, square metres. */
export type NumericUnit = 'm' | 'cm' | 'm2';
export type AnswerUnit = 'choice' | 'count' | NumericUnit;

/** What each family answers with: an option letter, a count, or a measurement in its unit (as VSI-Bench asks it). */
export const FAMILY_UNIT: Readonly<Record<Family, AnswerUnit>> = {
  object_counting: 'count',
  object_abs_distance: 'm',
  object_size_estimation: 'cm',
  room_size_estimation: 'm2',
  object_rel_distance: 'choice',
  object_rel_direction_easy: 'choice',
  object_rel_direction_medium: 'choice',
  object_rel_direction_hard: 'choice',
  obj_appearance_order: 'choice',
  route_planning: 'choice',
  object_height_comparison: 'choice',
  object_rel_size: 'choice',
  camera_object_distance: 'm',
};

/**
 * How a question names an object: 'unique' — exactly one instance, which must be seen; 'every' — a category
 * whose every instance must be seen (counting); 'any' — a category of which at least one instance is seen
 * (first appearance). Carried from proposal to store (`qa.named`) to solver (the label slots).
 */
export interface NamedObject {
  label: string;
  role: 'unique' | 'every' | 'any';
}

/** A program's arguments (plain JSON): the question's specifics a family's fixed program template reads. */
export type ProgramArgs = Record<string, string | number | string[]>;

export type Bucket = 'easy' | 'frontier' | 'hard';

export interface BucketThresholds {
  /** Confidence above which a sample is easy (default 0.9). */
  easy: number;
  /** Confidence below which a sample is hard (default 0.1). */
  hard: number;
}

export const DEFAULT_THRESHOLDS: BucketThresholds = { easy: 0.9, hard: 0.1 };

export function bucketOf(confidence: number, t: BucketThresholds = DEFAULT_THRESHOLDS): Bucket {
  if (confidence > t.easy) return 'easy';
  if (confidence < t.hard) return 'hard';
  return 'frontier';
}

/** Difficulty knobs a family was generated with, e.g. { optionGap: 0.3, distractors: 3 }. */
export type DifficultyParams = Record<string, number | string | boolean>;

/** A cell of the generation mix: which scene, which family, which difficulty bin. */
export interface MixKey {
  sceneId: string;
  family: Family;
  /** Coarse difficulty bin index (0 = easiest knob settings), see each family's `binOf`. */
  bin: number;
}

export interface MixEntry extends MixKey {
  weight: number;
}

/** The next round's generation weights; entries sum to 1. */
export interface Mix {
  entries: MixEntry[];
}

/** One solver judgement the controller learns from. */
export interface ConfidenceSample extends MixKey {
  confidence: number;
  correct?: boolean;
  /** A selection rule's per-sample score (p̂(1 − p̂), reducible loss); strategies that rank by it average it per cell. */
  score?: number;
}
