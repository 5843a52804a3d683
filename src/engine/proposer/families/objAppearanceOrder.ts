import type { SceneApi } from '../program/types.js';
import { FAMILY_FACTS } from '../../familyFacts.js';
import type { FamilySpec } from '../types.js';
import { letterOptions } from './common.js';

/**
 * First frames per scene API, computed once per label: drafting asks for the same labels again and again (every
 * seen category, then each pair in the greedy pick), and a scene's visibility never changes once prepared.
 */
const firstFrames = new WeakMap<SceneApi, Map<string, number>>();

/** First frame in which any instance of the category is visible, or Infinity. */
function firstAppearance(api: SceneApi, label: string): number {
  let known = firstFrames.get(api);
  if (!known) firstFrames.set(api, (known = new Map()));
  const cached = known.get(label);
  if (cached !== undefined) return cached;
  let first = Infinity;
  for (const o of api.byLabel(label)) {
    const f = api.firstVisibleFrame(o);
    if (f !== null && f < first) first = f;
  }
  known.set(label, first);
  return first;
}

/** Smallest number of frames between consecutive first appearances, in order. */
function minFrameGap(api: SceneApi, labels: string[]): number {
  const frames = labels.map((l) => firstAppearance(api, l)).sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < frames.length; i++) gap = Math.min(gap, frames[i]! - frames[i - 1]!);
  return gap;
}

const binOfGap = (g: number): number => (g >= 6 ? 0 : g >= 3 ? 1 : 2);

const PROGRAM = [
  'const first = (label) => {',
  '  let f = Infinity;',
  '  for (const o of scene.byLabel(label)) {',
  '    const v = scene.firstVisibleFrame(o);',
  '    if (v !== null && v < f) f = v;',
  '  }',
  '  return f;',
  '};',
  'return [...args.categories].sort((a, b) => first(a) - first(b)).join(", ");',
].join('\n');

export const objAppearanceOrder: FamilySpec = {
  id: 'obj_appearance_order',
  answerType: 'choice',
  facts: FAMILY_FACTS.obj_appearance_order,
  definition: 'The four categories sorted by the first trajectory frame in which any of their instances is visible (visible fraction ≥ the visibility threshold).',
  knobs: { frameGap: 'fewest frames between consecutive first appearances (bins: ≥ 6, 3–5, < 3)' },
  bins: 3,
  draft({ api, rng, bin }) {
    if (api.frameCount() === 0) return { skip: 'the scene has no trajectory' };
    const seen = api.labels().filter((l) => Number.isFinite(firstAppearance(api, l)));
    if (seen.length < 4) return { skip: 'fewer than four categories are seen along the trajectory' };
    // Many categories share the first frame; build the set greedily so consecutive first appearances are
    // at least the bin's gap apart, falling back to smaller gaps when the trajectory cannot offer it.
    const wanted = [6, 3, 2][bin] ?? 2;
    let pick: string[] | undefined;
    for (const need of [wanted, 3, 2].filter((g) => g <= wanted)) {
      for (let attempt = 0; attempt < 6 && !pick; attempt++) {
        const chosen: string[] = [];
        for (const l of rng.shuffle([...seen])) {
          const f = firstAppearance(api, l);
          if (chosen.every((c) => Math.abs(firstAppearance(api, c) - f) >= need)) chosen.push(l);
          if (chosen.length === 4) break;
        }
        if (chosen.length === 4) pick = chosen;
      }
      if (pick) break;
    }
    if (!pick) return { skip: 'fewer than four categories first appear in distinct frames' };
    const gap = minFrameGap(api, pick);
    const labels = pick!;
    const correct = [...labels].sort((a, b) => firstAppearance(api, a) - firstAppearance(api, b));
    const orders = new Set([correct.join(', ')]);
    for (let guard = 0; orders.size < 4 && guard < 50; guard++) orders.add(rng.shuffle([...labels]).join(', '));
    const options = rng.shuffle([...orders]);
    return {
      family: 'obj_appearance_order',
      answerType: 'choice',
      difficulty: { frameGap: gap },
      bin: binOfGap(gap),
      question: `What will be the first-time appearance order of the following categories in the video: ${labels.join(', ')}?`,
      options: letterOptions(options),
      program: PROGRAM,
      args: { categories: labels },
      named: labels.map((label) => ({ label, role: 'any' as const })),
    };
  },
  reference(draft) {
    if (draft.named.length < 2) throw new Error('the question names fewer than two categories');
    return { program: PROGRAM, args: { categories: draft.named.map((n) => n.label) } };
  },
  margins: (api, draft) => ({ frameGap: minFrameGap(api, draft.named.map((n) => n.label)) }),
  minMargins: { frameGap: 2 },
};
