import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import type { SceneApi } from '../program/types.js';
import { drawForBin, firstTwo, letterOptions, sample, uniqueVisibleLabels } from './common.js';

function gaps(api: SceneApi, reference: string, candidates: string[]): { relative: number; absolute: number } {
  const ref = api.unique(reference);
  const [d1, d2] = firstTwo(candidates.map((c) => api.distance(ref, api.unique(c))), 'ascending');
  return { relative: d2 > 0 ? (d2 - d1) / d2 : 0, absolute: d2 - d1 };
}

const binOfGap = (g: number): number => (g >= 0.5 ? 0 : g >= 0.25 ? 1 : 2);

const PROGRAM = [
  'const reference = scene.unique(args.reference);',
  'let best = null;',
  'let bestDistance = Infinity;',
  'for (const label of args.candidates) {',
  '  const d = scene.distance(reference, scene.unique(label));',
  '  if (d < bestDistance) { bestDistance = d; best = label; }',
  '}',
  'return best;',
].join('\n');

export const objectRelDistance: FamilySpec = {
  id: 'object_rel_distance',
  answerType: 'choice',
  facts: FAMILY_FACTS.object_rel_distance,
  definition: 'The candidate whose oriented box has the smallest closest-point distance to the reference object.',
  knobs: {
    candidates: 'number of options (3 or 4)',
    relativeGap: '(d₂ − d₁) / d₂ between the closest and second-closest candidate (bins: ≥ 0.5, 0.25–0.5, < 0.25)',
  },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = uniqueVisibleLabels(api);
    const k = rng.chance(0.75) ? 4 : 3;
    const drawn = drawForBin(
      bin,
      () => {
        const pick = sample(rng, labels, k + 1) ?? sample(rng, labels, 4);
        return pick && { pick, gap: gaps(api, pick[0]!, pick.slice(1)).relative };
      },
      ({ gap }) => binOfGap(gap),
    );
    if (!drawn) return { skip: 'fewer than four uniquely named, visible objects' };
    const [reference, ...candidates] = drawn.pick as [string, ...string[]];
    const gap = drawn.gap;
    return {
      family: 'object_rel_distance',
      answerType: 'choice',
      difficulty: { candidates: candidates.length, relativeGap: Math.round(gap * 1000) / 1000 },
      bin: binOfGap(gap),
      question: `Measuring from the closest point of each object, which of these objects (${candidates.join(', ')}) is the closest to the ${reference}?`,
      options: letterOptions(candidates),
      program: PROGRAM,
      args: { reference, candidates },
      named: [reference, ...candidates].map((label) => ({ label, role: 'unique' as const })),
    };
  },
  reference(draft) {
    const [reference, ...candidates] = draft.named.map((n) => n.label);
    if (reference === undefined || candidates.length < 2) throw new Error('the question names fewer than a reference and two candidates');
    return { program: PROGRAM, args: { reference, candidates } };
  },
  margins(api, draft) {
    const [reference, ...candidates] = draft.named.map((n) => n.label);
    const g = gaps(api, reference!, candidates);
    return { relativeGap: g.relative, absoluteGap: g.absolute };
  },
  minMargins: { relativeGap: 0.15, absoluteGap: 0.15 },
};
