import type { SceneApi } from '../program/types.js';
import type { FamilySpec } from '../types.js';
import { letterOptions, sample, uniqueVisibleLabels } from './common.js';

function relativeGap(api: SceneApi, labels: string[]): number {
  const v = labels.map((l) => api.volume(api.unique(l))).sort((a, b) => b - a);
  return (v[0]! - v[1]!) / v[0]!;
}

const binOfGap = (g: number): number => (g >= 0.6 ? 0 : g >= 0.35 ? 1 : 2);

export const objectRelSize: FamilySpec = {
  id: 'object_rel_size',
  answerType: 'choice',
  definition: 'The candidate with the largest oriented-box volume.',
  knobs: { relativeGap: '(V₁ − V₂) / V₁ between the largest and second-largest volume (bins: ≥ 0.6, 0.35–0.6, < 0.35)' },
  bins: 3,
  draft({ api, rng, bin }) {
    const labels = uniqueVisibleLabels(api);
    let pick: string[] | undefined;
    let gap = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      pick = sample(rng, labels, 3);
      if (!pick) return { skip: 'fewer than three uniquely named, visible objects' };
      gap = relativeGap(api, pick);
      if (binOfGap(gap) === bin) break;
    }
    const labels3 = pick!;
    return {
      family: 'object_rel_size',
      answerType: 'choice',
      difficulty: { relativeGap: Math.round(gap * 1000) / 1000 },
      bin: binOfGap(gap),
      question: `Which of these objects (${labels3.join(', ')}) is the largest by volume?`,
      options: letterOptions(labels3),
      program: 'return args.candidates.reduce((best, l) => (scene.volume(scene.unique(l)) > scene.volume(scene.unique(best)) ? l : best));',
      args: { candidates: labels3 },
      named: labels3.map((label) => ({ label, role: 'unique' as const })),
    };
  },
  margins: (api, draft) => ({ relativeGap: relativeGap(api, draft.named.map((n) => n.label)) }),
  minMargins: { relativeGap: 0.2 },
};
