/**
 * "Which of these objects is the most …?" families: the answer is the candidate maximising one scene-API
 * measure, and the margin is the gap between the best and the runner-up.
 */
import type { Family } from '../../../shared/proposer.js';
import type { SceneApi } from '../program/types.js';
import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { drawForBin, firstTwo, letterOptions, sample, uniqueVisibleLabels } from './common.js';

export interface SuperlativeSpec {
  id: Family;
  definition: string;
  /** The scene-API function measured (the program calls it by this name). */
  measure: 'top' | 'volume';
  /** Name of the recorded gap knob and its documentation. */
  gapKnob: string;
  gapDoc: string;
  /** Gap between the largest and second-largest measured values. */
  gap(best: number, second: number): number;
  /** Lower bounds of bins 0 and 1 (bin 2 is below the second). */
  binBounds: [number, number];
  minGap: number;
  /** Digits the recorded gap is rounded to. */
  digits: number;
  question(labels: string[]): string;
}

export function superlativeFamily(s: SuperlativeSpec): FamilySpec {
  const gapOf = (api: SceneApi, labels: string[]): number => {
    const [best, second] = firstTwo(labels.map((l) => api[s.measure](api.unique(l))), 'descending');
    return s.gap(best, second);
  };
  const binOf = (g: number): number => (g >= s.binBounds[0] ? 0 : g >= s.binBounds[1] ? 1 : 2);
  const program = `return args.candidates.reduce((best, l) => (scene.${s.measure}(scene.unique(l)) > scene.${s.measure}(scene.unique(best)) ? l : best));`;
  return {
    id: s.id,
    answerType: 'choice',
    facts: FAMILY_FACTS[s.id],
    definition: s.definition,
    knobs: { [s.gapKnob]: s.gapDoc },
    bins: 3,
    draft({ api, rng, bin }) {
      const labels = uniqueVisibleLabels(api);
      const drawn = drawForBin(
        bin,
        () => {
          const pick = sample(rng, labels, 3);
          return pick && { pick, gap: gapOf(api, pick) };
        },
        ({ gap }) => binOf(gap),
      );
      if (!drawn) return { skip: 'fewer than three uniquely named, visible objects' };
      const { pick: candidates, gap } = drawn;
      const scale = 10 ** s.digits;
      return {
        family: s.id,
        answerType: 'choice',
        difficulty: { [s.gapKnob]: Math.round(gap * scale) / scale },
        bin: binOf(gap),
        question: s.question(candidates),
        options: letterOptions(candidates),
        program,
        args: { candidates },
        named: candidates.map((label) => ({ label, role: 'unique' as const })),
      };
    },
    reference(draft) {
      if (draft.named.length < 2) throw new Error('the question names fewer than two candidates');
      return { program, args: { candidates: draft.named.map((n) => n.label) } };
    },
    margins: (api, draft) => ({ [s.gapKnob]: gapOf(api, draft.named.map((n) => n.label)) }),
    minMargins: { [s.gapKnob]: s.minGap },
  };
}
