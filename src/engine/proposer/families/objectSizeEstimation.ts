import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { binByUpperBounds, namedLabel, uniqueVisibleLabels } from './common.js';

const SIZE_BINS = [50, 150];

const PROGRAM = 'return Math.round(scene.longestDimension(scene.unique(args.object)) * 100);';

export const objectSizeEstimation: FamilySpec = {
  id: 'object_size_estimation',
  answerType: 'number',
  facts: FAMILY_FACTS.object_size_estimation,
  definition: "The largest of the oriented box's three edge lengths, in centimetres, rounded to the nearest centimetre.",
  knobs: { sizeCm: 'ground-truth size in cm (bins: < 50, 50–150, ≥ 150)' },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = uniqueVisibleLabels(api);
    if (labels.length === 0) return { skip: 'no uniquely named, visible object' };
    const inBin = labels.filter((l) => binByUpperBounds(api.longestDimension(api.unique(l)) * 100, SIZE_BINS) === bin);
    const label = rng.pick(inBin.length > 0 ? inBin : labels);
    const size = Math.round(api.longestDimension(api.unique(label)) * 100);
    return {
      family: 'object_size_estimation',
      answerType: 'number',
      difficulty: { sizeCm: size },
      bin: binByUpperBounds(size, SIZE_BINS),
      question: `What is the length of the longest dimension (length, width, or height) of the ${label}, measured in centimeters?`,
      program: PROGRAM,
      args: { object: label },
      named: [{ label, role: 'unique' }],
    };
  },
  reference: (draft) => ({ program: PROGRAM, args: { object: namedLabel(draft, 0) } }),
  margins: () => ({}),
  minMargins: {},
};
