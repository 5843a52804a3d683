import { describe, expect, it } from 'vitest';
import { FAMILY_FACTS } from '../../src/engine/familyFacts.js';
import { FAMILY_SPECS } from '../../src/engine/proposer/families/index.js';
import { prepareScene } from '../../src/engine/proposer/prepare.js';
import type { Draft } from '../../src/engine/proposer/types.js';
import { generateSyntheticScenes } from '../../src/engine/sources/synthetic.js';
import { FAMILIES, type Family } from '../../src/shared/proposer.js';
import { createRng } from '../../src/shared/random.js';

/** Every family's drafts over a few synthetic rooms, all bins, several seeds. */
function drafts(): Map<Family, Draft[]> {
  const out = new Map<Family, Draft[]>(FAMILIES.map((f) => [f, []]));
  for (const scene of generateSyntheticScenes(8, 21, { points: false })) {
    const { api } = prepareScene(scene);
    for (const spec of Object.values(FAMILY_SPECS)) {
      for (let bin = 0; bin < spec.bins; bin++) {
        for (let seed = 0; seed < 4; seed++) {
          const d = spec.draft({ sceneId: scene.id, api, rng: createRng(seed * 31 + bin), bin });
          if (!('skip' in d)) out.get(spec.id)!.push(d);
        }
      }
    }
  }
  return out;
}

const optionTexts = (d: Draft): string[] => (d.options ?? []).map((o) => o.replace(/^[A-F]\. /, ''));

describe('family facts', () => {
  it('are what each family spec carries', () => {
    for (const f of FAMILIES) expect(FAMILY_SPECS[f].facts, f).toBe(FAMILY_FACTS[f]);
  });

  it('say which families have options that may be shown in any order', () => {
    const byFamily = drafts();
    for (const f of FAMILIES) {
      const ds = byFamily.get(f)!;
      expect(ds.length, `${f} drafts`).toBeGreaterThan(5);
      if (FAMILY_FACTS[f].permutableOptions) {
        // Each option names only objects the question names, so its meaning travels with its text; route
        // planning's options are turn sequences drawn for each question, so no letter has a meaning of its own.
        for (const d of ds) {
          expect(d.answerType, f).toBe('choice');
          const named = new Set(f === 'route_planning' ? ['Turn Left', 'Turn Right', 'Turn Back'] : d.named.map((n) => n.label));
          for (const text of optionTexts(d)) for (const label of text.split(', ')) expect(named.has(label), `${f}: option "${text}" of "${d.question}"`).toBe(true);
        }
        if (f === 'route_planning') expect(new Set(ds.map((d) => JSON.stringify(d.options))).size, f).toBeGreaterThan(1);
      } else if (FAMILY_SPECS[f].answerType === 'choice') {
        // A fixed list whose letters mean the same in every question, naming no object.
        const lists = new Set(ds.map((d) => JSON.stringify(d.options)));
        expect(lists.size, `${f} option lists`).toBe(1);
        for (const d of ds) for (const text of optionTexts(d)) expect(d.named.map((n) => n.label), f).not.toContain(text);
      } else {
        for (const d of ds) expect(d.options, f).toBeUndefined();
      }
    }
  });
});
