import { superlativeFamily } from './superlative.js';

export const objectHeightComparison = superlativeFamily({
  id: 'object_height_comparison',
  definition: "The candidate whose oriented box reaches highest (largest world Z of its top), i.e. elevation, not the object's own height.",
  measure: 'top',
  gapKnob: 'topGap',
  gapDoc: 'metres between the highest and second-highest top (bins: ≥ 0.5, 0.2–0.5, < 0.2)',
  gap: (best, second) => best - second,
  binBounds: [0.5, 0.2],
  minGap: 0.1,
  digits: 2,
  question: (labels) => `Which of these objects (${labels.join(', ')}) reaches the highest point above the floor?`,
});
