import { superlativeFamily } from './superlative.js';

export const objectRelSize = superlativeFamily({
  id: 'object_rel_size',
  definition: 'The candidate with the largest oriented-box volume.',
  measure: 'volume',
  gapKnob: 'relativeGap',
  gapDoc: '(V₁ − V₂) / V₁ between the largest and second-largest volume (bins: ≥ 0.6, 0.35–0.6, < 0.35)',
  gap: (best, second) => (best - second) / best,
  binBounds: [0.6, 0.35],
  minGap: 0.2,
  digits: 3,
  question: (labels) => `Which of these objects (${labels.join(', ')}) is the largest by volume?`,
});
