import type { SceneApi } from '../program/types.js';
import type { FamilySpec } from '../types.js';
import { letterOptions, sample, uniqueVisibleLabels } from './common.js';

function topGap(api: SceneApi, labels: string[]): number {
  const tops = labels.map((l) => api.top(api.unique(l))).sort((a, b) => b - a);
  return tops[0]! - tops[1]!;
}

const binOfGap = (g: number): number => (g >= 0.5 ? 0 : g >= 0.2 ? 1 : 2);

export const objectHeightComparison: FamilySpec = {
  id: 'object_height_comparison',
  answerType: 'choice',
  definition: "The candidate whose oriented box reaches highest (largest world Z of its top), i.e. elevation, not the object's own height.",
  knobs: { topGap: 'metres between the highest and second-highest top (bins: ≥ 0.5, 0.2–0.5, < 0.2)' },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = uniqueVisibleLabels(api);
    let pick: string[] | undefined;
    let gap = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      pick = sample(rng, labels, 3);
      if (!pick) return { skip: 'fewer than three uniquely named, visible objects' };
      gap = topGap(api, pick);
      if (binOfGap(gap) === bin) break;
    }
    const labels3 = pick!;
    return {
      family: 'object_height_comparison',
      answerType: 'choice',
      difficulty: { topGap: Math.round(gap * 100) / 100 },
      bin: binOfGap(gap),
      question: `Which of these objects (${labels3.join(', ')}) reaches the highest point above the floor?`,
      options: letterOptions(labels3),
      program: 'return args.candidates.reduce((best, l) => (scene.top(scene.unique(l)) > scene.top(scene.unique(best)) ? l : best));',
      args: { candidates: labels3 },
      named: labels3.map((label) => ({ label, role: 'unique' as const })),
    };
  },
  margins: (api, draft) => ({ topGap: topGap(api, draft.named.map((n) => n.label)) }),
  minMargins: { topGap: 0.1 },
};
