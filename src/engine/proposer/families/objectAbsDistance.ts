import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { binByUpperBounds, drawForBin, namedLabel, sample, uniqueVisibleLabels } from './common.js';

const DISTANCE_BINS = [1, 2.5];
const PROGRAM = 'const a = scene.unique(args.a);\nconst b = scene.unique(args.b);\nreturn scene.round(scene.distance(a, b), 2);';

export const objectAbsDistance: FamilySpec = {
  id: 'object_abs_distance',
  answerType: 'number',
  facts: FAMILY_FACTS.object_abs_distance,
  definition: 'Euclidean distance in metres between the closest points of the two oriented boxes, rounded to 0.01 m.',
  knobs: { distance: 'ground-truth distance in metres (bins: < 1, 1–2.5, ≥ 2.5)' },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = uniqueVisibleLabels(api);
    const drawn = drawForBin(
      bin,
      () => {
        const pick = sample(rng, labels, 2);
        return pick && { pick, d: api.distance(api.unique(pick[0]!), api.unique(pick[1]!)) };
      },
      ({ d }) => binByUpperBounds(d, DISTANCE_BINS),
    );
    if (!drawn) return { skip: 'fewer than two uniquely named, visible objects' };
    const [a, b] = drawn.pick as [string, string];
    const d = drawn.d;
    return {
      family: 'object_abs_distance',
      answerType: 'number',
      difficulty: { distance: Math.round(d * 100) / 100 },
      bin: binByUpperBounds(d, DISTANCE_BINS),
      question: `Measuring from the closest point of each object, what is the direct distance between the ${a} and the ${b} (in meters)?`,
      program: PROGRAM,
      args: { a, b },
      named: [{ label: a, role: 'unique' }, { label: b, role: 'unique' }],
    };
  },
  reference: (draft) => ({ program: PROGRAM, args: { a: namedLabel(draft, 0), b: namedLabel(draft, 1) } }),
  margins(api, draft) {
    const [a, b] = draft.named.map((n) => api.unique(n.label));
    return { distance: api.distance(a!, b!) };
  },
  // Touching objects make the answer 0, which relative accuracy cannot score, and 5 cm is within box noise.
  minMargins: { distance: 0.1 },
};
