import type { ConfidenceSample, Family, Mix, MixKey } from '../../../../src/shared/proposer.js';
import { DEFAULT_THRESHOLDS } from '../../../../src/shared/proposer.js';
import type { ControllerInput } from '../../../../src/engine/proposer/controller/index.js';

export const A: Family = 'object_counting';
export const B: Family = 'object_abs_distance';
export const C: Family = 'object_rel_distance';

export function grid(families: readonly Family[], scenes: readonly string[], bins = 1): MixKey[] {
  return families.flatMap((family) => scenes.flatMap((sceneId) => Array.from({ length: bins }, (_, bin) => ({ sceneId, family, bin }))));
}

export const samplesAt = (cell: MixKey, confidences: readonly number[]): ConfidenceSample[] =>
  confidences.map((confidence) => ({ ...cell, confidence }));

export const repeat = (x: number, n: number): number[] => Array.from({ length: n }, () => x);

export const uniformMix = (cells: readonly MixKey[]): Mix => ({ entries: cells.map((c) => ({ ...c, weight: 1 / cells.length })) });

export function input(over: Partial<ControllerInput> & Pick<ControllerInput, 'cells'>): ControllerInput {
  return { round: 0, previous: { entries: [] }, samples: [], thresholds: DEFAULT_THRESHOLDS, ...over };
}

export function familyWeight(mix: Mix, family: Family): number {
  return mix.entries.filter((e) => e.family === family).reduce((a, e) => a + e.weight, 0);
}

export const sum = (mix: Mix): number => mix.entries.reduce((a, e) => a + e.weight, 0);

/** A: every sample easy, B: every sample hard, C: every sample frontier; 2 scenes, 20 samples a cell. */
export function easyHardFrontier(): { cells: MixKey[]; samples: ConfidenceSample[] } {
  const cells = grid([A, B, C], ['s1', 's2']);
  const conf: Record<string, number> = { [A]: 0.99, [B]: 0.01, [C]: 0.5 };
  return { cells, samples: cells.flatMap((c) => samplesAt(c, repeat(conf[c.family]!, 20))) };
}
