import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { binByUpperBounds, namedLabel } from './common.js';

const COUNT_BINS = [3, 6]; // 1–2, 3–5, 6+

const PROGRAM = 'return scene.count(args.category);';

export const objectCounting: FamilySpec = {
  id: 'object_counting',
  answerType: 'number',
  facts: FAMILY_FACTS.object_counting,
  definition: 'The number of annotated instances of the category in the scene (every instance must be seen along the trajectory).',
  knobs: { count: 'number of instances (bins: 1–2, 3–5, ≥ 6)' },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = api.labels();
    if (labels.length === 0) return { skip: 'the scene has no objects' };
    const inBin = labels.filter((l) => binByUpperBounds(api.count(l), COUNT_BINS) === bin);
    const label = rng.pick(inBin.length > 0 ? inBin : labels);
    const count = api.count(label);
    return {
      family: 'object_counting',
      answerType: 'number',
      difficulty: { count },
      bin: binByUpperBounds(count, COUNT_BINS),
      question: `How many ${label}(s) are in this room?`,
      program: PROGRAM,
      args: { category: label },
      named: [{ label, role: 'every' }],
    };
  },
  reference: (draft) => ({ program: PROGRAM, args: { category: namedLabel(draft, 0) } }),
  margins: () => ({}),
  minMargins: {},
};
